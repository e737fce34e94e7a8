import { eq } from 'drizzle-orm';
import { authorize, proposalResource, type Actor } from '$lib/domain/policy';
import { hideSchema } from '$lib/domain/schemas/proposals';
import { logAudit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { ProposalsContext } from './context';

/** Moderation: hiding a proposal or a comment with a public reason, and showing it again. */
export function createProposalModeration(ctx: ProposalsContext) {
	const { data: dataHandle, clock, notifications, visible, event, publishUpdate } = ctx;
	const { proposalComments, proposals } = dataHandle.t;
	return {
		/** Hides a proposal with a public reason; its text stays in the audit log. */
		async hideProposal(actor: Actor | null, input: unknown) {
			const data = parse(hideSchema, input);
			const p = await visible(actor, data.id);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (p.hiddenAt) throw new UserError('board.error.alreadyHidden', {}, 409);
			const now = clock.now();
			const pending = await dataHandle.write(async (tx) => {
				await tx.update(proposals).set({ hiddenAt: now, hiddenBy: actor.id, hiddenReason: data.reason, updatedAt: now }).where(eq(proposals.id, p.id));
				await event(tx, p.id, actor.id, 'hidden', { reason: data.reason });
				await logAudit(dataHandle, now, actor.id, 'proposal.hide', { type: 'proposal', id: p.id }, { reason: data.reason, title: p.title, description: p.description });
				return p.authorId === actor.id ? [] : notifications.record([p.authorId], 'hidden', p, actor.id, { target: 'proposal', reason: data.reason });
			});
			await publishUpdate(p.id, 'hidden', actor);
			await notifications.publish(pending);
		},

		async unhideProposal(actor: Actor | null, input: unknown) {
			const id = parse(hideSchema.pick({ id: true }), input).id;
			const p = await visible(actor, id);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (!p.hiddenAt) return;
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				await tx.update(proposals).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null, updatedAt: now }).where(eq(proposals.id, p.id));
				await event(tx, p.id, actor.id, 'unhidden', { reason: p.hiddenReason });
				await logAudit(dataHandle, now, actor.id, 'proposal.unhide', { type: 'proposal', id: p.id }, { reason: p.hiddenReason });
			});
			await publishUpdate(p.id, 'hidden', actor);
		},

		async hideComment(actor: Actor | null, input: unknown) {
			const data = parse(hideSchema, input);
			const [c] = await dataHandle.db.select().from(proposalComments).where(eq(proposalComments.id, data.id)).limit(1);
			if (!c) throw notFound();
			const p = await visible(actor, c.proposalId);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (c.hiddenAt) throw new UserError('board.error.alreadyHidden', {}, 409);
			const now = clock.now();
			const pending = await dataHandle.write(async (tx) => {
				await tx.update(proposalComments).set({ hiddenAt: now, hiddenBy: actor.id, hiddenReason: data.reason }).where(eq(proposalComments.id, c.id));
				await event(tx, p.id, actor.id, 'commentHidden', { commentId: c.id, reason: data.reason });
				await logAudit(dataHandle, now, actor.id, 'comment.hide', { type: 'proposal', id: p.id }, { commentId: c.id, reason: data.reason, body: c.body, authorId: c.authorId });
				return c.authorId === actor.id ? [] : notifications.record([c.authorId], 'hidden', p, actor.id, { target: 'comment', reason: data.reason, commentId: c.id });
			});
			await publishUpdate(p.id, 'comment', actor);
			await notifications.publish(pending);
		},

		async unhideComment(actor: Actor | null, input: unknown) {
			const id = parse(hideSchema.pick({ id: true }), input).id;
			const [c] = await dataHandle.db.select().from(proposalComments).where(eq(proposalComments.id, id)).limit(1);
			if (!c) throw notFound();
			const p = await visible(actor, c.proposalId);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (!c.hiddenAt) return;
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				await tx.update(proposalComments).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null }).where(eq(proposalComments.id, c.id));
				await event(tx, p.id, actor.id, 'commentUnhidden', { commentId: c.id });
				await logAudit(dataHandle, now, actor.id, 'comment.unhide', { type: 'proposal', id: p.id }, { commentId: c.id });
			});
			await publishUpdate(p.id, 'comment', actor);
		}
	};
}
