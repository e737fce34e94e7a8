/**
 * Opening and closing: by hand, or when a scheduled time has come. Closing freezes the result,
 * counted from the ballots on disk, and records the decision.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { MOTION_ID } from '$lib/domain/consultations';
import { turnoutOf } from '$lib/domain/electorate';
import { authorize, type Actor } from '$lib/domain/policy';
import { count, type CountResult } from '$lib/domain/voting';
import { transaction } from '../../db';
import { consultations, decisions } from '../../db/schema';
import { audit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import { consultationRef, idSchema, optionsOf, spaceOf, storedBallots, type ConsultationRow, type Context } from './context';
import type { Tallies } from './tallies';

export function requireOpen(c: ConsultationRow) {
	if (c.status !== 'open') throw new UserError(c.status === 'closed' ? 'votes.error.closed' : 'votes.error.notOpen', {}, 409);
}

function outcomeOf(result: CountResult, labels: Map<string, string>, quorumMet: boolean | null) {
	const adopted = result.method === 'yes-no-abstain' ? result.adopted && quorumMet !== false : null;
	const outcome = result.method === 'yes-no-abstain' ? (adopted ? [labels.get(MOTION_ID) ?? ''] : []) : result.winners.map((w) => labels.get(w) ?? w);
	return { adopted, outcome };
}

/** `drain` writes the votes still waiting in the ballot box, so that the close counts them. */
export function createScheduling(ctx: Context, tallies: Tallies, drain: (consultationId: string) => void) {
	const { db, clock, ids, configOf } = ctx;

	function load(id: string): ConsultationRow {
		const row = db.select().from(consultations).where(eq(consultations.id, id)).get();
		if (!row) throw notFound();
		return settle(row);
	}

	/** Applies a scheduled opening or closing whose time has come. */
	function settle(c: ConsultationRow): ConsultationRow {
		const now = clock.now();
		let row = c;
		if (row.status === 'draft' && row.opensAt && row.opensAt <= now && !(row.closesAt && row.closesAt <= now)) {
			row = openNow(row, null);
		}
		if (row.status === 'draft' && row.opensAt && row.closesAt && row.closesAt <= now) {
			// Opened and closed while nobody looked: it still opened, then closes with no vote.
			row = openNow(row, null);
		}
		if (row.status === 'open' && row.closesAt && row.closesAt <= now) row = closeNow(row, null);
		return row;
	}

	function openNow(c: ConsultationRow, actorId: string | null): ConsultationRow {
		const now = clock.now();
		const row = transaction(db, (tx) => {
			tx.update(consultations).set({ status: 'open', openedAt: now }).where(and(eq(consultations.id, c.id), eq(consultations.status, 'draft'))).run();
			audit(tx, now, actorId, 'consultation.opened', { type: 'consultation', id: c.id });
			return tx.select().from(consultations).where(eq(consultations.id, c.id)).get()!;
		});
		tallies.publish(row);
		return row;
	}

	function closeNow(c: ConsultationRow, actorId: string | null): ConsultationRow {
		drain(c.id);
		const now = clock.now();
		const opts = optionsOf(db, c.id);
		const config = configOf(c, opts);
		const row = transaction(db, (tx) => {
			// The frozen result is counted from the ballots on disk, not from the in-memory tally.
			const result = count({ ...config, ballots: storedBallots(tx, c.id) });
			const closed = { ...c, status: 'closed' as const, closedAt: now, result };
			const state = tallies.buildState(closed);
			const turnout = turnoutOf(closed, state);
			tx.update(consultations).set({ status: 'closed', closedAt: now, result }).where(eq(consultations.id, c.id)).run();
			const labels = new Map(config.options.map((o) => [o.id, o.label]));
			const { adopted, outcome } = outcomeOf(result, labels, turnout.quorum.met);
			tx.insert(decisions)
				.values({
					id: ids.id(),
					spaceType: c.spaceType,
					spaceId: c.spaceId,
					consultationId: c.id,
					title: c.question,
					method: c.method,
					outcome,
					adopted,
					quorumMet: turnout.quorum.met,
					result,
					turnout: turnout as unknown as Record<string, unknown>,
					decidedAt: now,
					recordedBy: actorId
				})
				.run();
			audit(tx, now, actorId, 'consultation.closed', { type: 'consultation', id: c.id }, { winners: result.winners, valid: result.valid, invalid: result.invalid });
			return closed;
		});
		tallies.drop(c.id);
		tallies.publish(row);
		return row;
	}

	function manageable(actor: Actor | null, id: string) {
		const c = load(parse(idSchema, id));
		authorize(actor, 'consultation.manage', spaceOf(c));
		return c;
	}

	return {
		load,
		settle,
		api: {
			open(actor: Actor | null, input: unknown) {
				const { consultationId } = parse(consultationRef, input);
				const c = manageable(actor, consultationId);
				if (c.status !== 'draft') throw new UserError('votes.error.alreadyOpen', {}, 409);
				openNow(c, actor!.id);
			},

			close(actor: Actor | null, input: unknown) {
				const { consultationId } = parse(consultationRef, input);
				const c = manageable(actor, consultationId);
				requireOpen(c);
				return closeNow(c, actor!.id).result;
			},

			/** Applies due openings and closings (so a close is announced live even if nobody is looking). */
			sweep() {
				const due = db.select().from(consultations).where(inArray(consultations.status, ['draft', 'open'])).all();
				for (const c of due) settle(c);
			}
		}
	};
}

export type Scheduling = ReturnType<typeof createScheduling>;
