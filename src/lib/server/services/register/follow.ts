/**
 * What feeds the decision register from the bus, after the commits of other services (never a page
 * load): a consultation that closed (residence votes and meeting motions alike) gets its follow-up; a
 * reopened one is shown withdrawn until its next close rewrites it (the consultations service marks
 * the decision in the reopening transaction; the register tells its pages). Each handler is
 * idempotent: an event seen twice changes nothing more.
 */
import { eq } from 'drizzle-orm';
import type { ConsultationClosed, ConsultationReopened } from '$lib/realtime/vote-events';
import { roomForSpace } from '$lib/realtime/events';
import { transaction } from '../../db';
import { decisionFollowUps, decisions } from '../../db/schema';
import type { Inflight } from '../inflight';
import type { ServiceDeps } from '../deps';

export type DecisionRef = { id: string; spaceType: string; spaceId: string };

export function createRegisterFeed(deps: ServiceDeps) {
	const { db, clock, bus } = deps;

	function changed(d: DecisionRef) {
		bus.publish(roomForSpace(d.spaceType, d.spaceId), 'decision.changed', { decisionId: d.id, spaceKey: `${d.spaceType}:${d.spaceId}` });
	}

	async function real(decisionId: string | null) {
		if (!decisionId) return null;
		const d = await db.select().from(decisions).where(eq(decisions.id, decisionId)).get();
		return d && d.spaceType !== 'training' ? d : null;
	}

	/** A consultation closed (its decision written or rewritten in that commit): its follow-up exists. */
	async function onClosed(p: ConsultationClosed) {
		const d = await real(p.decisionId);
		if (!d) return;
		transaction(db, (tx) => tx.insert(decisionFollowUps).values({ decisionId: d.id, status: 'planned', progress: 0, updatedAt: clock.now() }).onConflictDoNothing().run());
		// A reopened vote closed again: its rewritten decision shows again on every register page.
		changed(d);
	}

	/** A consultation reopened: its decision stands withdrawn; register pages show it so at once. */
	async function onReopened(p: ConsultationReopened) {
		const d = await real(p.decisionId);
		if (d) changed(d);
	}

	return {
		changed,
		onClosed,
		onReopened,

		/** Subscribes the handlers; their work is tracked so a script can wait for it before closing. */
		subscribe(inflight: Inflight) {
			return bus.subscribe(({ event, payload }) => {
				if (event === 'consultation.closed') inflight.run('register follow-up', () => onClosed(payload as ConsultationClosed));
				else if (event === 'consultation.reopened') inflight.run('register reopened decision', () => onReopened(payload as ConsultationReopened));
			});
		}
	};
}
