import { eq } from 'drizzle-orm';
import { authorize, commentResource, proposalResource, type Actor } from '$lib/domain/policy';
import { commentRefSchema, editCommentSchema, proposalRefSchema } from '$lib/domain/schemas/proposals';
import { logAudit } from '../audit';
import { notFound } from '../errors';
import { parse } from '../validate';
import type { ProposalsContext } from './context';

/**
 * What authors do to their own words (issue 8): edit or delete a comment, withdraw an idea and put
 * it back. The policy decides (`comment.editOwn`, `comment.deleteOwn`, `proposal.withdrawOwn`,
 * `proposal.restoreOwn`); each change is audited with what it replaced, then published to the room.
 */
export function createProposalAuthoring(ctx: ProposalsContext) {
	const { data: dataHandle, clock, visible, event, publishUpdate } = ctx;
	const { proposalComments, proposals } = dataHandle.t;

	async function loadComment(actor: Actor | null, commentId: string) {
		const [c] = await dataHandle.db.select().from(proposalComments).where(eq(proposalComments.id, commentId)).limit(1);
		if (!c) throw notFound();
		// A stranger learns nothing, not even that the comment exists.
		const p = await visible(actor, c.proposalId);
		return { c, p, resource: commentResource(c, proposalResource(p)) };
	}

	return {
		async editComment(actor: Actor | null, input: unknown) {
			const data = parse(editCommentSchema, input);
			const { c, p, resource } = await loadComment(actor, data.commentId);
			authorize(actor, 'comment.editOwn', resource);
			if (c.body === data.body) return { id: c.id, edited: false };
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				await tx.update(proposalComments).set({ body: data.body, editedAt: now }).where(eq(proposalComments.id, c.id));
				await logAudit(dataHandle, now, actor.id, 'comment.edit', { type: 'proposal', id: p.id }, { commentId: c.id, before: c.body, after: data.body });
			});
			await publishUpdate(p.id, 'comment', actor);
			return { id: c.id, edited: true };
		},

		/** The text leaves the page (and the notifications quoting it); the audit log keeps it for moderators. */
		async deleteComment(actor: Actor | null, input: unknown) {
			const data = parse(commentRefSchema, input);
			const { c, p, resource } = await loadComment(actor, data.commentId);
			authorize(actor, 'comment.deleteOwn', resource);
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				await tx.update(proposalComments).set({ body: '', deletedAt: now }).where(eq(proposalComments.id, c.id));
				await logAudit(dataHandle, now, actor.id, 'comment.delete', { type: 'proposal', id: p.id }, { commentId: c.id, body: c.body, parentId: c.parentId });
			});
			await publishUpdate(p.id, 'comment', actor);
			return { id: c.id };
		},

		/** Its author takes her idea off the board; supports and comments stay, for when she puts it back. */
		async withdraw(actor: Actor | null, input: unknown) {
			const data = parse(proposalRefSchema, input);
			const p = await visible(actor, data.proposalId);
			authorize(actor, 'proposal.withdrawOwn', proposalResource(p));
			const now = clock.now();
			const eventId = await dataHandle.write(async (tx) => {
				await tx.update(proposals).set({ withdrawnAt: now, updatedAt: now }).where(eq(proposals.id, p.id));
				await logAudit(dataHandle, now, actor.id, 'proposal.withdraw', { type: 'proposal', id: p.id }, { status: p.status, title: p.title });
				return event(tx, p.id, actor.id, 'withdrawn', { status: p.status });
			});
			await publishUpdate(p.id, 'withdrawn', actor, eventId);
			return { id: p.id, eventId };
		},

		/** The undo of withdrawing: back on the board, in the column it left. */
		async restore(actor: Actor | null, input: unknown) {
			const data = parse(proposalRefSchema, input);
			const p = await visible(actor, data.proposalId);
			authorize(actor, 'proposal.restoreOwn', proposalResource(p));
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				await tx.update(proposals).set({ withdrawnAt: null, updatedAt: now }).where(eq(proposals.id, p.id));
				await logAudit(dataHandle, now, actor.id, 'proposal.restore', { type: 'proposal', id: p.id }, { status: p.status });
				await event(tx, p.id, actor.id, 'restored', { status: p.status });
			});
			await publishUpdate(p.id, 'withdrawn', actor);
			return { id: p.id };
		}
	};
}
