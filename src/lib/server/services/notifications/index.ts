import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Actor } from '$lib/domain/policy';
import { hideSchema } from '$lib/domain/schemas/proposals';
import type { NotificationPayload } from '$lib/realtime/board-events';
import { roomForUser } from '$lib/realtime/events';
import type { Db } from '../../db';
import { notifications, proposals } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { UserError } from '../errors';
import { parse } from '../validate';
import { proposalFollowers } from './recipients';
import { notificationPayload, unreadCount } from './views';

export type NotificationKind = typeof notifications.$inferInsert.kind;

/** A notification written inside a service's transaction, to be announced once it has committed. */
export interface PendingNotification {
	userId: string;
	id: string;
}

const markReadSchema = hideSchema.pick({ id: true }).partial();

/**
 * Who hears about what. Other services call `record` inside their own transaction (so a notification
 * exists exactly when the change it reports does) and `publish` after commit.
 */
export function createNotificationsService(deps: ServiceDeps) {
	const { db, clock, ids, bus } = deps;

	return {
		followersOf: proposalFollowers,

		record(tx: Db, userIds: string[], kind: NotificationKind, p: typeof proposals.$inferSelect, actorId: string, data: Record<string, unknown>): PendingNotification[] {
			const createdAt = clock.now();
			return userIds.map((userId) => {
				const id = ids.id();
				tx.insert(notifications).values({ id, userId, kind, proposalId: p.id, actorId, data, createdAt }).run();
				return { userId, id };
			});
		},

		/** After commit: each notified person's open tabs hear about it and update their bell. */
		publish(pending: PendingNotification[]) {
			for (const { userId, id } of pending) {
				const n = notificationPayload(db, id);
				if (n) bus.publish(roomForUser(userId), 'notification.new', n);
			}
		},

		list(actor: Actor | null, limit = 50) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const rows = db.select({ n: notifications.id }).from(notifications).where(eq(notifications.userId, actor.id)).orderBy(desc(notifications.createdAt)).limit(limit).all();
			const items = rows.map((r) => notificationPayload(db, r.n)).filter((n): n is NotificationPayload => !!n);
			const read = new Set(
				rows.length
					? db.select({ id: notifications.id }).from(notifications).where(and(inArray(notifications.id, rows.map((r) => r.n)), sql`${notifications.readAt} is not null`)).all().map((r) => r.id)
					: []
			);
			return { items: items.map((n) => ({ ...n, read: read.has(n.id) })), unread: unreadCount(db, actor.id) };
		},

		unread(actor: Actor | null): number {
			return actor ? unreadCount(db, actor.id) : 0;
		},

		markRead(actor: Actor | null, input: unknown) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const { id } = parse(markReadSchema, input);
			db.update(notifications)
				.set({ readAt: clock.now() })
				.where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt), id ? eq(notifications.id, id) : undefined))
				.run();
			return { unread: unreadCount(db, actor.id) };
		}
	};
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
