import { eq } from 'drizzle-orm';
import { authorize, proposalResource, type Actor } from '$lib/domain/policy';
import { hideSchema } from '$lib/domain/schemas/proposals';
import { transaction } from '../../db';
import { proposalComments, proposals } from '../../db/schema';
import { audit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { ProposalsContext } from './context';

/** Moderation: hiding a proposal or a comment with a public reason, and showing it again. */
export function createProposalModeration(ctx: ProposalsContext) {
	const { db, clock, notifications, visible, event, publishUpdate } = ctx;
	return {
		/** Hides a proposal with a public reason; its text stays in the audit log. */
		hideProposal(actor: Actor | null, input: unknown) {
			const data = parse(hideSchema, input);
			const p = visible(actor, data.id);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (p.hiddenAt) throw new UserError('board.error.alreadyHidden', {}, 409);
			const now = clock.now();
			const pending = transaction(db, (tx) => {
				tx.update(proposals).set({ hiddenAt: now, hiddenBy: actor.id, hiddenReason: data.reason, updatedAt: now }).where(eq(proposals.id, p.id)).run();
				event(tx, p.id, actor.id, 'hidden', { reason: data.reason });
				audit(tx, now, actor.id, 'proposal.hide', { type: 'proposal', id: p.id }, { reason: data.reason, title: p.title, description: p.description });
				return p.authorId === actor.id ? [] : notifications.record(tx, [p.authorId], 'hidden', p, actor.id, { target: 'proposal', reason: data.reason });
			});
			publishUpdate(p.id, 'hidden', actor);
			notifications.publish(pending);
		},

		unhideProposal(actor: Actor | null, input: unknown) {
			const id = parse(hideSchema.pick({ id: true }), input).id;
			const p = visible(actor, id);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (!p.hiddenAt) return;
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(proposals).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null, updatedAt: now }).where(eq(proposals.id, p.id)).run();
				event(tx, p.id, actor.id, 'unhidden', { reason: p.hiddenReason });
				audit(tx, now, actor.id, 'proposal.unhide', { type: 'proposal', id: p.id }, { reason: p.hiddenReason });
			});
			publishUpdate(p.id, 'hidden', actor);
		},

		hideComment(actor: Actor | null, input: unknown) {
			const data = parse(hideSchema, input);
			const c = db.select().from(proposalComments).where(eq(proposalComments.id, data.id)).get();
			if (!c) throw notFound();
			const p = visible(actor, c.proposalId);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (c.hiddenAt) throw new UserError('board.error.alreadyHidden', {}, 409);
			const now = clock.now();
			const pending = transaction(db, (tx) => {
				tx.update(proposalComments).set({ hiddenAt: now, hiddenBy: actor.id, hiddenReason: data.reason }).where(eq(proposalComments.id, c.id)).run();
				event(tx, p.id, actor.id, 'commentHidden', { commentId: c.id, reason: data.reason });
				audit(tx, now, actor.id, 'comment.hide', { type: 'proposal', id: p.id }, { commentId: c.id, reason: data.reason, body: c.body, authorId: c.authorId });
				return c.authorId === actor.id ? [] : notifications.record(tx, [c.authorId], 'hidden', p, actor.id, { target: 'comment', reason: data.reason, commentId: c.id });
			});
			publishUpdate(p.id, 'comment', actor);
			notifications.publish(pending);
		},

		unhideComment(actor: Actor | null, input: unknown) {
			const id = parse(hideSchema.pick({ id: true }), input).id;
			const c = db.select().from(proposalComments).where(eq(proposalComments.id, id)).get();
			if (!c) throw notFound();
			const p = visible(actor, c.proposalId);
			authorize(actor, 'proposal.moderate', proposalResource(p));
			if (!c.hiddenAt) return;
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(proposalComments).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null }).where(eq(proposalComments.id, c.id)).run();
				event(tx, p.id, actor.id, 'commentUnhidden', { commentId: c.id });
				audit(tx, now, actor.id, 'comment.unhide', { type: 'proposal', id: p.id }, { commentId: c.id });
			});
			publishUpdate(p.id, 'comment', actor);
		}
	};
}
