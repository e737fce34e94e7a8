/**
 * Opening and closing: by hand, or when a scheduled time has come. Closing freezes the result,
 * counted from the ballots on disk, and records the decision.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { MOTION_ID, statusAt } from '$lib/domain/consultations';
import { roomForSpace } from '$lib/realtime/events';
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
	const { db, clock, ids, bus, configOf } = ctx;

	const stored = (id: string): ConsultationRow => {
		const row = db.select().from(consultations).where(eq(consultations.id, id)).get();
		if (!row) throw notFound();
		return row;
	};

	/** For writes (a vote, a proxy, opening or closing by hand): applies a due transition first. */
	function load(id: string): ConsultationRow {
		return settle(stored(id));
	}

	/** For reads (pages, exports): the row as of now, nothing written. */
	function read(id: string): ConsultationRow {
		return asOfNow(stored(id));
	}

	/**
	 * The row with its status computed from its dates (domain `statusAt`), for reading. Closed by
	 * its dates but not yet frozen by the scheduler, it shows the result counted from the ballots on
	 * disk, as the scheduler will freeze it.
	 */
	function asOfNow(c: ConsultationRow): ConsultationRow {
		const status = statusAt(c, clock.now());
		if (status === c.status) return c;
		const openedAt = c.openedAt ?? c.opensAt;
		if (status === 'open') return { ...c, status, openedAt };
		const result = count({ ...configOf(c, optionsOf(db, c.id)), ballots: storedBallots(db, c.id) });
		return { ...c, status, openedAt, closedAt: c.closesAt, result };
	}

	/** Writes a scheduled opening or closing whose time has come (the scheduler, and write paths). */
	function settle(c: ConsultationRow): ConsultationRow {
		const target = statusAt(c, clock.now());
		let row = c;
		// Opened and closed while nobody looked: it still opened, then closes with no vote.
		if (target !== 'draft' && row.status === 'draft') row = openNow(row, null);
		if (target === 'closed' && row.status === 'open') row = closeNow(row, null);
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

	/** The decision a closed consultation records (written by closeNow; shown as of now before the scheduler wrote it). */
	function decisionOf(closed: ConsultationRow & { result: CountResult }, actorId: string | null): typeof decisions.$inferSelect {
		const config = configOf(closed, optionsOf(db, closed.id));
		const turnout = turnoutOf(closed, tallies.buildState(closed));
		const labels = new Map(config.options.map((o) => [o.id, o.label]));
		const { adopted, outcome } = outcomeOf(closed.result, labels, turnout.quorum.met);
		return {
			id: ids.id(),
			spaceType: closed.spaceType,
			spaceId: closed.spaceId,
			consultationId: closed.id,
			title: closed.question,
			method: closed.method,
			outcome,
			adopted,
			quorumMet: turnout.quorum.met,
			result: closed.result,
			turnout: turnout as unknown as Record<string, unknown>,
			decidedAt: closed.closedAt ?? clock.now(),
			recordedBy: actorId,
			reopenedAt: null
		};
	}

	/** A closed consultation's decision: as recorded, or (closed by its dates, not yet frozen) as it will be. */
	function decisionAsOfNow(c: ConsultationRow): typeof decisions.$inferSelect | null {
		const recorded = db.select().from(decisions).where(eq(decisions.consultationId, c.id)).get();
		if (recorded || c.status !== 'closed' || !c.result) return recorded ?? null;
		return decisionOf({ ...c, result: c.result }, null);
	}

	function closeNow(c: ConsultationRow, actorId: string | null): ConsultationRow {
		drain(c.id);
		const now = clock.now();
		const config = configOf(c, optionsOf(db, c.id));
		let decisionId = '';
		const row = transaction(db, (tx) => {
			// The frozen result is counted from the ballots on disk, not from the in-memory tally.
			const result = count({ ...config, ballots: storedBallots(tx, c.id) });
			const closed = { ...c, status: 'closed' as const, closedAt: now, result };
			tx.update(consultations).set({ status: 'closed', closedAt: now, result }).where(eq(consultations.id, c.id)).run();
			// A vote reopened and closed again rewrites its decision (follow-ups point at the same row).
			const { id: newId, ...decision } = decisionOf(closed, actorId);
			tx.insert(decisions).values({ id: newId, ...decision }).onConflictDoUpdate({ target: decisions.consultationId, set: decision }).run();
			decisionId = tx.select({ id: decisions.id }).from(decisions).where(eq(decisions.consultationId, c.id)).get()!.id;
			audit(tx, now, actorId, 'consultation.closed', { type: 'consultation', id: c.id }, { winners: result.winners, valid: result.valid, invalid: result.invalid });
			return closed;
		});
		tallies.drop(c.id);
		tallies.publish(row);
		// For the decision register (and anyone following decisions): after commit, once.
		bus.publish(roomForSpace(c.spaceType, c.spaceId), 'consultation.closed', { consultationId: c.id, spaceKey: `${c.spaceType}:${c.spaceId}`, decisionId, closedAt: now.toISOString(), reopened: !!c.reopenedAt });
		return row;
	}

	function manageable(actor: Actor | null, id: string) {
		const c = load(parse(idSchema, id));
		authorize(actor, 'consultation.manage', spaceOf(c));
		return c;
	}

	return {
		load,
		read,
		asOfNow,
		decisionAsOfNow,
		manageable,
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

			/** Applies due openings and closings (so a close is announced live even if nobody is looking): the scheduler's job. */
			sweep() {
				const due = db.select().from(consultations).where(inArray(consultations.status, ['draft', 'open'])).all();
				for (const c of due) settle(c);
			}
		}
	};
}

export type Scheduling = ReturnType<typeof createScheduling>;
