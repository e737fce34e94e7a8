/**
 * What feeds the decision register from the bus, after the commits of other services (never a page
 * load): a consultation that closed (residence votes and meeting motions alike) gets its follow-up; a
 * reopened one is shown withdrawn until its next close rewrites it (the consultations service marks
 * the decision in the reopening transaction; the register tells its pages); an idea moved to "done"
 * completes the follow-up of the decisions about it (a vote that concerns it, or a choice it won),
 * dated, noted and audited as done by the one who moved it. Each handler is idempotent: an event seen
 * twice changes nothing more.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { isOpenFollowUp } from '$lib/domain/minutes';
import type { ProposalUpdate } from '$lib/realtime/board-events';
import type { ConsultationClosed, ConsultationReopened } from '$lib/realtime/vote-events';
import { roomForSpace } from '$lib/realtime/events';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import type { Inflight } from '../inflight';
import type { ServiceDeps } from '../deps';

export type DecisionRef = { id: string; spaceType: string; spaceId: string };

export function createRegisterFeed(deps: ServiceDeps) {
	const { data, clock, bus } = deps;
	const { consultationOptions, consultationProposals, decisionFollowUps, decisionNotes, decisions } = data.t;

	function changed(d: DecisionRef) {
		bus.publish(roomForSpace(d.spaceType, d.spaceId), 'decision.changed', { decisionId: d.id, spaceKey: `${d.spaceType}:${d.spaceId}` });
	}

	async function real(decisionId: string | null) {
		if (!decisionId) return null;
		const d = await first(data.db.select().from(decisions).where(eq(decisions.id, decisionId)));
		return d && d.spaceType !== 'training' ? d : null;
	}

	/** A consultation closed (its decision written or rewritten in that commit): its follow-up exists. */
	async function onClosed(p: ConsultationClosed) {
		const d = await real(p.decisionId);
		if (!d) return;
		await data.write(async (tx) => {
			await tx.insert(decisionFollowUps).values({ decisionId: d.id, status: 'planned', progress: 0, updatedAt: clock.now() }).onConflictDoNothing();
		});
		// A reopened vote closed again: its rewritten decision shows again on every register page.
		changed(d);
	}

	/** A consultation reopened: its decision stands withdrawn; register pages show it so at once. */
	async function onReopened(p: ConsultationReopened) {
		const d = await real(p.decisionId);
		if (d) changed(d);
	}

	/** Decisions about an idea: votes that concern it, and choices where it was a winning option. */
	async function decisionsAbout(proposalId: string) {
		const concerned = await data.db.select({ cid: consultationProposals.consultationId }).from(consultationProposals).where(eq(consultationProposals.proposalId, proposalId));
		const asOption = await data.db.select({ cid: consultationOptions.consultationId, optionId: consultationOptions.id }).from(consultationOptions).where(eq(consultationOptions.proposalId, proposalId));
		const cids = [...new Set([...concerned, ...asOption].map((r) => r.cid))];
		if (!cids.length) return [];
		const rows = await data.db.select().from(decisions).where(and(inArray(decisions.consultationId, cids), isNull(decisions.reopenedAt))).orderBy(decisions.decidedAt, decisions.id);
		// An option's idea is linked to its vote too: there, only a win makes the decision about it.
		const about = (d: (typeof rows)[number]) => {
			const options = asOption.filter((o) => o.cid === d.consultationId);
			return options.length ? options.some((o) => d.result.winners.includes(o.optionId)) : concerned.some((c) => c.cid === d.consultationId);
		};
		return rows.filter((d) => d.spaceType !== 'training' && about(d));
	}

	/** An idea moved to "done" (or put back there by an undo): its decisions' open follow-ups are done. */
	async function onProposalDone(p: ProposalUpdate) {
		if (p.card.status !== 'done' || (p.change !== 'moved' && p.change !== 'undone')) return;
		for (const d of await decisionsAbout(p.card.id)) {
			const now = clock.now();
			const completed = await data.write(async (tx) => {
				const f = await first(tx.select().from(decisionFollowUps).where(eq(decisionFollowUps.decisionId, d.id)));
				// Already done, or abandoned by a human decision with its reason: left as it is.
				if (f && !isOpenFollowUp(f.status)) return false;
				await tx.insert(decisionFollowUps).values({ decisionId: d.id, status: 'done', progress: 100, updatedAt: now }).onConflictDoUpdate({ target: decisionFollowUps.decisionId, set: { status: 'done', progress: 100, abandonReason: '', updatedAt: now } });
				await tx.insert(decisionNotes).values({ id: deps.ids.id(), decisionId: d.id, authorId: p.actorId, text: '', status: 'done', progress: 100, createdAt: now });
				await logAudit(data, now, p.actorId, 'decision.followUp', { type: 'decision', id: d.id }, { status: 'done', progress: 100, proposalId: p.card.id });
				return true;
			});
			if (completed) changed(d);
		}
	}

	return {
		changed,
		onClosed,
		onReopened,
		onProposalDone,

		/** Subscribes the handlers; their work is tracked so a script can wait for it before closing. */
		subscribe(inflight: Inflight) {
			return bus.subscribe(({ event, payload }) => {
				if (event === 'consultation.closed') inflight.run('register follow-up', () => onClosed(payload as ConsultationClosed));
				else if (event === 'consultation.reopened') inflight.run('register reopened decision', () => onReopened(payload as ConsultationReopened));
				else if (event === 'proposal.updated') inflight.run('register idea done', () => onProposalDone(payload as ProposalUpdate));
			});
		}
	};
}
