import { and, eq, isNull, sql } from 'drizzle-orm';
import type { NotificationPayload } from '$lib/realtime/board-events';
import type { Db } from '../../db';
import { notifications, proposals, users } from '../../db/schema';

export function unreadCount(db: Db, userId: string): number {
	return db.select({ n: sql<number>`count(*)` }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt))).get()?.n ?? 0;
}

export function notificationPayload(db: Db, id: string): NotificationPayload | null {
	const row = db
		.select({ n: notifications, title: proposals.title, hiddenAt: proposals.hiddenAt, authorId: proposals.authorId, spaceId: proposals.spaceId, actorName: users.displayName })
		.from(notifications)
		.innerJoin(proposals, eq(proposals.id, notifications.proposalId))
		.leftJoin(users, eq(users.id, notifications.actorId))
		.where(eq(notifications.id, id))
		.get();
	if (!row) return null;
	return {
		id: row.n.id,
		kind: row.n.kind,
		proposalId: row.n.proposalId,
		// Once hidden, only its author still reads the title in notifications.
		proposalTitle: row.hiddenAt && row.n.userId !== row.authorId ? '' : row.title,
		residenceId: row.spaceId,
		actorName: row.actorName,
		data: row.n.data,
		createdAt: row.n.createdAt.toISOString(),
		unread: unreadCount(db, row.n.userId)
	};
}
