import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Actor, SpaceRef } from '$lib/domain/policy';
import { roomForUser } from '$lib/realtime/events';
import { log } from '../../log';
import type { Db } from '../../db';
import { notifications, type NotificationKind } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { UserError } from '../errors';
import { parse } from '../validate';
import { markReadSchema } from './schemas';
import { isPracticeTarget } from '../practice/marker';
import { proposalFollowers } from './recipients';
import { listGroups, notificationPayload, unreadCount } from './views';
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
 * Who hears about what. Services call `record` inside their own transaction (a notification exists
 * exactly when the change it reports does) and `publish` after commit; vote notifications follow the
 * consultations' published events; e-mail is sent later from the rows (see `mail.ts`).
 */
export function createNotificationsService(deps: ServiceDeps) {
	const { db, clock, ids, bus } = deps;

	function record(tx: Db, userIds: string[], kind: NotificationKind, target: Target | { id: string } | null, actorId: string | null, data: Record<string, unknown>): PendingNotification[] {
		const createdAt = clock.now();
		// A proposal row (with `id`) is accepted as the target, as the proposals service passes it.
		// No target, or a space only (minutes, decisions): the row carries its own link in `data.href`.
		const about = target === null ? {} : 'id' in target ? { proposalId: target.id } : target;
		// Practice sessions play in simulated spaces: nothing there notifies real people.
		if (userIds.length === 0 || isPracticeTarget(tx, about)) return [];
		const on = 'space' in about ? {} : about;
		return userIds.map((userId) => {
			const id = ids.id();
			tx.insert(notifications).values({ id, userId, kind, ...on, actorId, data, createdAt }).run();
			return { userId, id };
		});
	}

	/** After commit: each notified person's open tabs hear about it and update their bell. */
	function publish(pending: PendingNotification[]) {
		for (const { userId, id } of pending) {
			const n = notificationPayload(db, id);
			if (n) bus.publish(roomForUser(userId), 'notification.new', n);
		}
	}

	const votes = voteNotifications(deps, record, publish);

	return {
		followersOf: proposalFollowers,
		record,
		publish,

		/** Subscribes vote notifications to the bus; returns the unsubscribe function. */
		followVotes() {
			return bus.subscribe((message) => {
				try {
					votes.onEvent(message);
				} catch (err) {
					// A failed notification must not undo or fail the vote that was just committed.
					log.error('vote notification failed', { error: String(err) });
				}
			});
		},

		/** For the scheduler: "closes tomorrow" reminders. */
		remindClosing: votes.remindClosing,

		list(actor: Actor | null, limit = 200) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			return { items: listGroups(db, actor.id, limit), unread: unreadCount(db, actor.id) };
		},

		unread(actor: Actor | null): number {
			return actor ? unreadCount(db, actor.id) : 0;
		},

		/** One row, a group (its ids), or everything when neither is given. */
		markRead(actor: Actor | null, input: unknown) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const { id, ids: group } = parse(markReadSchema, input);
			const only = group?.length ? inArray(notifications.id, group) : id ? eq(notifications.id, id) : undefined;
			db.update(notifications)
				.set({ readAt: clock.now() })
				.where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt), only))
				.run();
			return { unread: unreadCount(db, actor.id) };
		}
	};
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
