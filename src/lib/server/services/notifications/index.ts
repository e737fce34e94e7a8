import { and, eq, inArray, isNull } from 'drizzle-orm';
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
import { listGroups, notificationPayloads, unreadCount } from './views';
import { voteNotifications } from './votes';

export type { NotificationKind };
export type { NotificationGroup } from './views';

import type { PendingNotification } from './schemas';
export type { PendingNotification };

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
	const { notifications } = data.t;

	/** Inside the caller's unit (joins it; a unit of its own when called alone). */
	async function record(userIds: string[], kind: NotificationKind, target: Target | { id: string } | null, actorId: string | null, extra: Record<string, unknown>): Promise<PendingNotification[]> {
		if (userIds.length === 0) return [];
		const createdAt = clock.now();
		// A proposal row (with `id`) is accepted as the target, as the proposals service passes it.
		// No target, or a space only (minutes, decisions): the row carries its own link in `data.href`.
		const about = target === null ? {} : 'id' in target ? { proposalId: target.id } : target;
		const on = 'space' in about ? {} : about;
		return data.write(async (tx) => {
			// Practice sessions play in simulated spaces: nothing there notifies real people.
			if (await isPracticeTarget(data, about)) return [];
			const rows = userIds.map((userId) => ({ id: ids.id(), userId, kind, ...on, actorId, data: extra, createdAt }));
			await tx.insert(notifications).values(rows);
			return rows.map(({ userId, id }) => ({ userId, id }));
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

	const votes = voteNotifications(deps, record, publish);

	return {
		/** People who follow a proposal (read in the current unit if any). */
		followersOf: (p: typeof proposals.$inferSelect, exceptId: string) => proposalFollowers(data, p, exceptId),
		record,
		publish,

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
