/**
 * The written thread of each agenda item: members write before the meeting, during it and after it
 * (for those who could not come); moderators hide a post with a reason, as on the boards, and may
 * show it again. A hidden post keeps its place: everyone sees that it was hidden and why, only
 * moderators still read it.
 */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { can, meetingResource, type Actor } from '$lib/domain/policy';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import { UserError } from '../errors';
import { parse } from '../validate';
import { meetingError, type MeetingContext } from './context';

const id = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
const postSchema = z.object({
	meetingId: id,
	itemId: id,
	body: z.string().trim().min(2, 'meetings.error.postEmpty').max(4000, 'error.tooLong')
});
const hideSchema = z.object({ meetingId: id, postId: id, reason: z.string().trim().min(3, 'meetings.error.hideReason').max(500, 'error.tooLong') });
const postRefSchema = z.object({ meetingId: id, postId: id });

export function createThread(ctx: MeetingContext) {
	const { data: store, deps } = ctx;
	const { agendaItems, agendaPosts } = ctx.t;

	async function itemIn(meetingId: string, itemId: string) {
		const item = await first(store.db.select().from(agendaItems).where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId))));
		if (!item || item.state === 'declined') throw meetingError('noSuchItem');
		return item;
	}

	async function postIn(meetingId: string, postId: string) {
		const post = await first(store.db.select().from(agendaPosts).where(and(eq(agendaPosts.id, postId), eq(agendaPosts.meetingId, meetingId))));
		if (!post) throw new UserError('meetings.error.postGone', {}, 404);
		return post;
	}

	return {
		/** An item's thread as the reader may see it. */
		async thread(actor: Actor | null, meetingId: string, itemId: string) {
			const { meeting } = await ctx.guard(actor, 'meeting.view', meetingId);
			const item = await itemIn(meeting.id, itemId);
			const moderator = can(actor, 'meeting.moderate', meetingResource(meeting));
			const rows = await store.db.select().from(agendaPosts).where(eq(agendaPosts.itemId, item.id)).orderBy(asc(agendaPosts.createdAt), asc(agendaPosts.id));
			const names = await ctx.names(store.db, [...new Set(rows.map((r) => r.authorId))]);
			return {
				meeting: { id: meeting.id, bodyId: meeting.bodyId, title: meeting.title, status: meeting.status },
				item: { id: item.id, title: item.title, description: item.description, kind: item.kind, state: item.state },
				posts: rows.map((r) => ({
					id: r.id,
					author: names.get(r.authorId) ?? '',
					mine: r.authorId === actor?.id,
					createdAt: r.createdAt.getTime(),
					hidden: r.hiddenAt !== null,
					hiddenReason: r.hiddenReason ?? '',
					// A hidden post's words stay with the moderators.
					body: r.hiddenAt === null || moderator ? r.body : null
				})),
				can: { post: can(actor, 'meeting.discuss', meetingResource(meeting)) && meeting.status !== 'cancelled', moderate: moderator }
			};
		},

		async post(actor: Actor | null, input: unknown) {
			const data = parse(postSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.discuss', data.meetingId);
			if (meeting.status === 'cancelled') throw meetingError('cancelled');
			const item = await itemIn(meeting.id, data.itemId);
			const postId = deps.ids.id();
			const now = deps.clock.now();
			await store.write(async (tx) => {
				await tx.insert(agendaPosts).values({ id: postId, meetingId: meeting.id, itemId: item.id, authorId: actor!.id, body: data.body, createdAt: now });
				await logAudit(store, now, actor!.id, 'meeting.post', { type: 'meeting', id: meeting.id }, { itemId: item.id, postId });
			});
			return { id: postId };
		},

		async hidePost(actor: Actor | null, input: unknown) {
			const data = parse(hideSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.moderate', data.meetingId);
			const post = await postIn(meeting.id, data.postId);
			if (post.hiddenAt) throw new UserError('board.error.alreadyHidden', {}, 409);
			const now = deps.clock.now();
			await store.write(async (tx) => {
				await tx.update(agendaPosts).set({ hiddenAt: now, hiddenBy: actor!.id, hiddenReason: data.reason }).where(eq(agendaPosts.id, post.id));
				await logAudit(store, now, actor!.id, 'meeting.postHidden', { type: 'meeting', id: meeting.id }, { postId: post.id, reason: data.reason });
			});
		},

		async unhidePost(actor: Actor | null, input: unknown) {
			const data = parse(postRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.moderate', data.meetingId);
			const post = await postIn(meeting.id, data.postId);
			if (!post.hiddenAt) return;
			const now = deps.clock.now();
			await store.write(async (tx) => {
				await tx.update(agendaPosts).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null }).where(eq(agendaPosts.id, post.id));
				await logAudit(store, now, actor!.id, 'meeting.postShown', { type: 'meeting', id: meeting.id }, { postId: post.id });
			});
		},

		/** Posts per item, for the agenda page's "n messages" links. */
		async counts(meetingId: string): Promise<Record<string, number>> {
			const out: Record<string, number> = {};
			for (const r of await store.db.select({ itemId: agendaPosts.itemId }).from(agendaPosts).where(eq(agendaPosts.meetingId, meetingId))) out[r.itemId] = (out[r.itemId] ?? 0) + 1;
			return out;
		}
	};
}
