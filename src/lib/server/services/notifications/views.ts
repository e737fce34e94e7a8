import { and, count, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { NotificationPayload } from '$lib/realtime/board-events';
import type { Data } from '../../db/data';
import { names, perData, prepared, PREPARED_MAX, valuesOf } from '../../db/prepared';
import type { RecordedNotification } from './schemas';
import type { notifications, NotificationKind } from '../../db/schema';

/** One person's unread count (every page shows it): the prepared query of `unreadCounts`. */
export async function unreadCount(data: Data, userId: string): Promise<number> {
	return (await unreadCounts(data, [userId])).get(userId) ?? 0;
}

type Row = {
	n: typeof notifications.$inferSelect;
	proposalTitle: string | null;
	hiddenAt: Date | null;
	authorId: string | null;
	proposalSpaceId: string | null;
	question: string | null;
	actorName: string | null;
};

async function rows(data: Data, where: ReturnType<typeof and>, limit: number): Promise<Row[]> {
	const { consultations, notifications, proposals, users } = data.t;
	const list = await data.db
		.select({
			n: notifications,
			proposalTitle: proposals.title,
			hiddenAt: proposals.hiddenAt,
			authorId: proposals.authorId,
			proposalSpaceId: proposals.spaceId,
			question: consultations.question,
			actorName: users.displayName
		})
		.from(notifications)
		.leftJoin(proposals, eq(proposals.id, notifications.proposalId))
		.leftJoin(consultations, eq(consultations.id, notifications.consultationId))
		.leftJoin(users, eq(users.id, notifications.actorId))
		.where(where)
		.orderBy(desc(notifications.createdAt), desc(notifications.id))
		.limit(limit);
	return withoutModeratedExcerpts(data, list);
}

/**
 * A comment's excerpt is copied into its notifications; once the comment or its proposal is hidden,
 * the copy goes too (decided when read, so showing it again brings it back).
 */
async function withoutModeratedExcerpts(data: Data, list: Row[]): Promise<Row[]> {
	const { proposalComments } = data.t;
	const commentIds = list.flatMap((r) => ('excerpt' in r.n.data && typeof r.n.data.commentId === 'string' ? [r.n.data.commentId] : []));
	const hidden = new Set(
		commentIds.length
			? (
					await data.db
						.select({ id: proposalComments.id, hiddenAt: proposalComments.hiddenAt, deletedAt: proposalComments.deletedAt, editedAt: proposalComments.editedAt })
						.from(proposalComments)
						.where(inArray(proposalComments.id, commentIds))
				)
					// Deleted or rewritten by its author: the copied words are no longer theirs to show.
					.filter((c) => c.hiddenAt || c.deletedAt || c.editedAt)
					.map((c) => c.id)
			: []
	);
	return list.map((r) => withoutModeratedExcerpt(r, hidden.has(String(r.n.data.commentId))));
}

/** The rule above for one row: `commentGone` when its comment is hidden, deleted or rewritten. */
function withoutModeratedExcerpt(r: Row, commentGone: boolean): Row {
	if (!('excerpt' in r.n.data) || (!r.hiddenAt && !commentGone)) return r;
	const data = { ...Object.fromEntries(Object.entries(r.n.data).filter(([key]) => key !== 'excerpt')), excerptHidden: true };
	return { ...r, n: { ...r.n, data } };
}

export function hrefOf(n: Pick<typeof notifications.$inferSelect, 'kind' | 'proposalId' | 'consultationId'> & { data?: Record<string, unknown> }, proposalSpaceId: string | null): string {
	// Minutes and decision notifications carry their own (relative) link.
	if (typeof n.data?.href === 'string' && n.data.href.startsWith('/') && !n.data.href.startsWith('//')) return n.data.href;
	if (n.consultationId) return n.kind === 'voteResults' ? `/c/${n.consultationId}/results` : n.kind === 'assistedAlert' ? `/c/${n.consultationId}/manage#assisted-list` : `/c/${n.consultationId}`;
	if (!n.proposalId) return '/account';
	return `/r/${proposalSpaceId}/board/p/${n.proposalId}`;
}

function payloadOf(r: Row, unread: number): NotificationPayload {
	return {
		id: r.n.id,
		kind: r.n.kind,
		proposalId: r.n.proposalId,
		consultationId: r.n.consultationId,
		// Once hidden, only its author still reads the title in notifications.
		proposalTitle: r.question ?? (typeof r.n.data.title === 'string' && !r.n.proposalId ? r.n.data.title : null) ?? (r.hiddenAt && r.n.userId !== r.authorId ? '' : (r.proposalTitle ?? '')),
		href: hrefOf(r.n, r.proposalSpaceId),
		actorName: r.actorName,
		data: r.n.data,
		createdAt: r.n.createdAt.toISOString(),
		unread
	};
}

/** Ids per query when many notifications are read at once (well under both engines' parameter limits). */
const CHUNK = 500;

/**
 * What each notified person's open tabs receive, for many notifications at once (a consultation opening notifies every
 * elector): two queries per 500 rows, the rows and their people's unread counts, instead of two per row.
 */
export async function notificationPayloads(data: Data, ids: readonly string[]): Promise<Map<string, NotificationPayload>> {
	const { notifications } = data.t;
	const out = new Map<string, NotificationPayload>();
	for (let at = 0; at < ids.length; at += CHUNK) {
		const chunk = ids.slice(at, at + CHUNK);
		const list = await rows(data, inArray(notifications.id, chunk), chunk.length);
		const unread = await unreadCounts(data, [...new Set(list.map((r) => r.n.userId))]);
		for (const r of list) out.set(r.n.id, payloadOf(r, unread.get(r.n.userId) ?? 0));
	}
	return out;
}

/** The unread count of a few people, one prepared query per PREPARED_MAX of them (built once per handle). */
const preparedUnreadCounts = perData((data: Data) => {
	const { notifications } = data.t;
	return prepared(data, (db, n) =>
		db
			.select({ userId: notifications.userId, n: count().mapWith(Number) })
			.from(notifications)
			.where(and(inArray(notifications.userId, names('u', n).map((k) => sql.placeholder(k))), isNull(notifications.readAt)))
			.groupBy(notifications.userId)
			.prepare()
	);
});

/** People → their unread count (absent: none). */
async function unreadCounts(data: Data, people: string[]): Promise<Map<string, number>> {
	const { notifications } = data.t;
	if (people.length === 0) return new Map();
	// Many people at once (a vote opening): one query built for the list rather than a prepared one per slice.
	if (people.length > PREPARED_MAX) {
		const counts = await data.db
			.select({ userId: notifications.userId, n: count().mapWith(Number) })
			.from(notifications)
			.where(and(inArray(notifications.userId, people), isNull(notifications.readAt)))
			.groupBy(notifications.userId);
		return new Map(counts.map((c) => [c.userId, c.n]));
	}
	const counts = await preparedUnreadCounts(data)(people.length).execute(valuesOf('u', people));
	return new Map(counts.map((c) => [c.userId, c.n]));
}

/** A proposal as it is now (read after the commit that recorded notifications about it). */
export interface ProposalNow {
	id: string;
	title: string;
	spaceId: string;
	authorId: string;
	hidden: boolean;
}

/**
 * The payloads of rows just recorded about one proposal, built from what the caller holds rather
 * than read back: the same fields and the same rules as `notificationPayloads` (a hidden proposal's
 * title only to its author; a comment's excerpt dropped once the proposal is hidden). A row that
 * carries an excerpt must be about a comment written in the same unit, so live: neither hidden,
 * deleted nor rewritten yet. Only the unread counts are read.
 */
export async function recordedPayloads(data: Data, recorded: readonly RecordedNotification[], proposal: ProposalNow, actorName: string | null): Promise<Map<string, NotificationPayload>> {
	const unread = await unreadCounts(data, [...new Set(recorded.map((r) => r.userId))]);
	const out = new Map<string, NotificationPayload>();
	const hiddenAt = proposal.hidden ? new Date(0) : null;
	for (const r of recorded) {
		const n = { ...r, readAt: null, emailedAt: null };
		const row: Row = { n, proposalTitle: proposal.title, hiddenAt, authorId: proposal.authorId, proposalSpaceId: proposal.spaceId, question: null, actorName };
		out.set(r.id, payloadOf(withoutModeratedExcerpt(row, false), unread.get(r.userId) ?? 0));
	}
	return out;
}

export interface NotificationGroup extends Omit<NotificationPayload, 'unread'> {
	/** Every row the line stands for, newest first. */
	ids: string[];
	count: number;
	/** Distinct people behind the group, newest first. */
	actors: string[];
	read: boolean;
}

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Groups by kind and target: unread rows into one line each (the unread window), read rows into
 * one line per day, so a busy idea reads "5 nouveaux commentaires" rather than five lines.
 */
export function groupNotifications(list: Row[]): NotificationGroup[] {
	const groups = new Map<string, NotificationGroup>();
	for (const r of list) {
		const read = !!r.n.readAt;
		// Rows about no proposal or vote (meetings, surveys) group by their own link: two surveys are two lines.
		const about = r.n.proposalId ?? r.n.consultationId ?? (typeof r.n.data.href === 'string' ? r.n.data.href : null);
		const key = `${r.n.kind}:${about}:${read ? dayOf(r.n.createdAt) : 'unread'}`;
		const group = groups.get(key);
		if (group) {
			group.ids.push(r.n.id);
			group.count += 1;
			if (r.actorName && !group.actors.includes(r.actorName)) group.actors.push(r.actorName);
			continue;
		}
		const { unread: _, ...payload } = payloadOf(r, 0);
		groups.set(key, { ...payload, ids: [r.n.id], count: 1, actors: r.actorName ? [r.actorName] : [], read });
	}
	return Array.from(groups, ([, g]) => g).sort((a, b) => Number(a.read) - Number(b.read) || b.createdAt.localeCompare(a.createdAt));
}

export async function listGroups(data: Data, userId: string, limit: number): Promise<NotificationGroup[]> {
	return groupNotifications(await rows(data, eq(data.t.notifications.userId, userId), limit));
}

/** Rows not yet e-mailed, for the mail pass, grouped the same way as on screen. */
export async function unmailedGroups(data: Data, userId: string, kinds: NotificationKind[], since: Date): Promise<NotificationGroup[]> {
	if (kinds.length === 0) return [];
	const { notifications } = data.t;
	return groupNotifications(
		await rows(data, and(eq(notifications.userId, userId), isNull(notifications.emailedAt), isNull(notifications.readAt), inArray(notifications.kind, kinds), gte(notifications.createdAt, since)), 500)
	);
}
