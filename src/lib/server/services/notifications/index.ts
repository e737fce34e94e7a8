import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { prepared, preparedInsert } from '../../db/prepared';
import type { Actor, SpaceRef } from '$lib/domain/policy';
import { roomForUser } from '$lib/realtime/events';
import type { NotificationKind, proposals } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import type { Inflight } from '../inflight';
import { UserError } from '../errors';
import { parse } from '../validate';
import { markReadSchema } from './schemas';
import { isPracticeTarget } from '../practice/marker';
import { proposalFollowers } from './recipients';
import { listGroups, notificationPayloads, recordedPayloads, unreadCount, type ProposalNow } from './views';
import { voteNotifications } from './votes';

export type { NotificationKind };
export type { NotificationGroup } from './views';

import type { PendingNotification, RecordedNotification } from './schemas';
export type { PendingNotification, RecordedNotification };
export type { ProposalNow } from './views';

/** A proposal (its row, as the proposals service passes it: its space says whether it is a practice one). */
type ProposalTarget = { id: string; spaceType?: SpaceRef['type']; spaceId?: string };

/**
 * What a notification is about; `{}` for the account itself (an access reset); `{ space }` for
 * what has no proposal or consultation (minutes, meetings): the row then links by `data.href`,
 * and the space says whether it is a practice one.
 */
type Target = { proposalId: string } | { consultationId: string } | { space: SpaceRef } | Record<string, never>;

/**
 * Who hears about what. Services `await record(…)` inside their own unit of work (`data.write`,
 * which `record` joins: a notification exists exactly when the change it reports does) and
 * `await publish(…)` after it returns; vote notifications follow the consultations' published
 * events; e-mail is sent later from the rows (see `mail.ts`). Both engines (issue 12).
 */
export function createNotificationsService(deps: ServiceDeps) {
	const { data, clock, ids, bus } = deps;
	const { notifications, users } = data.t;

	/** Rows are written with statements built once per handle and number of rows (db/prepared.ts). */
	const insertRows = preparedInsert(data, notifications, ['id', 'userId', 'kind', 'proposalId', 'consultationId', 'actorId', 'data', 'createdAt']);
	/** A person's display name, for payloads built without reading the rows back. */
	const nameOf = prepared(data, (db) => db.select({ name: users.displayName }).from(users).where(eq(users.id, sql.placeholder('id'))).prepare());

	/** Inside the caller's unit (joins it; a unit of its own when called alone). */
	async function record(userIds: string[], kind: NotificationKind, target: Target | ProposalTarget | null, actorId: string | null, extra: Record<string, unknown>): Promise<RecordedNotification[]> {
		if (userIds.length === 0) return [];
		const createdAt = clock.now();
		// A proposal row (with `id`) is accepted as the target, as the proposals service passes it.
		// No target, or a space only (minutes, decisions): the row carries its own link in `data.href`.
		const about = target === null ? {} : 'id' in target ? { proposalId: target.id } : target;
		const on = 'space' in about ? {} : about;
		// A proposal stays in its space: whether that is a practice one is asked of the space directly.
		const practice = target !== null && 'id' in target && target.spaceType && target.spaceId ? { space: { type: target.spaceType, id: target.spaceId } } : about;
		return data.write(async () => {
			// Practice sessions play in simulated spaces: nothing there notifies real people.
			if (await isPracticeTarget(data, practice)) return [];
			const proposalId = 'proposalId' in on ? on.proposalId : null;
			const consultationId = 'consultationId' in on ? on.consultationId : null;
			const rows = userIds.map((userId) => ({ id: ids.id(), userId, kind, proposalId, consultationId, actorId, data: extra, createdAt }));
			await insertRows(rows);
			return rows;
		});
	}

	/** After commit: each notified person's open tabs hear about it and update their bell. */
	async function publish(pending: PendingNotification[]) {
		const payloads = await notificationPayloads(data, pending.map((p) => p.id));
		for (const { userId, id } of pending) {
			const n = payloads.get(id);
			if (n) bus.publish(roomForUser(userId), 'notification.new', n);
		}
	}

	/**
	 * After commit, as `publish`, for rows `record` just wrote about one proposal (a comment): the
	 * payloads are built from the proposal as the caller read it after the commit, and the actor's
	 * name, instead of reading the rows back (views.ts, `recordedPayloads`, for the rules kept).
	 */
	async function publishAbout(recorded: RecordedNotification[], proposal: ProposalNow) {
		if (recorded.length === 0) return;
		if (recorded.some((r) => r.proposalId !== proposal.id)) return publish(recorded);
		const actorId = recorded[0]!.actorId;
		const [actor] = actorId ? await nameOf().execute({ id: actorId }) : [];
		const payloads = await recordedPayloads(data, recorded, proposal, actor?.name ?? null);
		for (const { userId, id } of recorded) bus.publish(roomForUser(userId), 'notification.new', payloads.get(id)!);
	}

	const votes = voteNotifications(deps, record, publish);

	return {
		/** People who follow a proposal (read in the current unit if any). */
		followersOf: (p: typeof proposals.$inferSelect, exceptId: string) => proposalFollowers(data, p, exceptId),
		record,
		publish,
		publishAbout,

		/**
		 * Subscribes vote notifications to the bus; returns the unsubscribe function. The work runs
		 * after the vote's commit, tracked by `inflight` (`services.settled()` waits for it); a failed
		 * notification never undoes or fails the vote.
		 */
		followVotes(inflight: Inflight) {
			return bus.subscribe((message) => {
				if (message.event === 'vote.tally') inflight.run('vote notification', () => votes.onEvent(message));
			});
		},

		/** For the scheduler: "closes tomorrow" reminders. */
		remindClosing: votes.remindClosing,

		async list(actor: Actor | null, limit = 200) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			return { items: await listGroups(data, actor.id, limit), unread: await unreadCount(data, actor.id) };
		},

		async unread(actor: Actor | null): Promise<number> {
			return actor ? unreadCount(data, actor.id) : 0;
		},

		/** One row, a group (its ids), or everything when neither is given. */
		async markRead(actor: Actor | null, input: unknown) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const { id, ids: group } = parse(markReadSchema, input);
			const only = group?.length ? inArray(notifications.id, group) : id ? eq(notifications.id, id) : undefined;
			await data.write(async (tx) => {
				await tx
					.update(notifications)
					.set({ readAt: clock.now() })
					.where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt), only));
			});
			return { unread: await unreadCount(data, actor.id) };
		}
	};
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
