/**
 * Live tallies: per open consultation, the running count and turnout counters kept in memory,
 * rebuilt from the database on first use (or after a restart), and published on the bus.
 */
import { and, asc, eq } from 'drizzle-orm';
import { countParticipation, turnoutOf, type ParticipationPlace, type TurnoutCounters } from '$lib/domain/electorate';
import { createTally, type Ballot, type ElectionConfig, type Tally } from '$lib/domain/voting';
import { roomForSpace } from '$lib/realtime/events';
import type { BatchSummary, ConsultationLive } from '$lib/realtime/vote-events';
import { assistedVotes, participations, users, voteBatches } from '../../db/schema';
import { optionsOf, storedBallots, toBallot, type ConsultationRow, type Context } from './context';
import type { ElectorateReads } from './electorate';

/** What is kept in memory per open consultation: the live tally and turnout counters. */
export interface LiveState extends TurnoutCounters {
	config: ElectionConfig;
	tally: Tally;
	builtAt: number;
}

/** Electorate sizes are re-read this often, so newcomers count without a restart. */
const ELECTORATE_TTL = 60_000;

export const resultsVisible = (c: ConsultationRow) => c.status === 'closed' || (c.status === 'open' && c.resultsVisibility === 'live');

export interface TallyOptions {
	/** Secret consultations: publish once this many votes are counted… */
	groupSize?: number;
	/** …or this long after the first unpublished one. */
	tallyEveryMs?: number;
}

export function createTallies(ctx: Context, { electorate }: ElectorateReads, options: TallyOptions = {}) {
	const { db, clock, bus, configOf } = ctx;
	const k = Math.max(1, options.groupSize ?? 5);
	const every = options.tallyEveryMs ?? 2000;
	const live = new Map<string, LiveState>();
	/** Secret consultations: votes counted but not yet published, and the timer that will publish them. */
	const unpublished = new Map<string, { n: number; c: ConsultationRow; timer: ReturnType<typeof setTimeout> }>();
	/**
	 * Several nodes: each keeps its own cache, and a node that published a count tells the others theirs
	 * is stale (nothing on one node). A stale cache is rebuilt from the database at its next use.
	 */
	const stale = new Set<string>();
	/**
	 * Consultations whose state was (re)built from the database while counting a commit: it holds that
	 * commit's votes already, so the rest of the commit is not added again (cleared by `published`).
	 */
	const builtNow = new Set<string>();
	const known = (id: string) => live.has(id) && !stale.has(id);
	bus.onSignal('tally.stale', ({ consultationId }) => {
		if (live.has(consultationId)) stale.add(consultationId);
	});

	function batchesOf(consultationId: string): BatchSummary[] {
		return db
			.select({ b: voteBatches, name: users.displayName })
			.from(voteBatches)
			.innerJoin(users, eq(users.id, voteBatches.recordedBy))
			.where(eq(voteBatches.consultationId, consultationId))
			.orderBy(asc(voteBatches.recordedAt))
			.all()
			.map(({ b, name }) => ({ id: b.id, kind: b.kind, size: b.size, note: b.note, recordedBy: name, at: b.recordedAt.toISOString() }));
	}

	function buildState(c: ConsultationRow): LiveState {
		const opts = optionsOf(db, c.id);
		const config = configOf(c, opts);
		const tally = createTally({ ...config, ballots: storedBallots(db, c.id) });
		// Assisted votes still waiting for confirmation are not in the turnout either (see assisted.ts).
		const waiting = new Set(
			db
				.select({ voterId: assistedVotes.voterId })
				.from(assistedVotes)
				.where(and(eq(assistedVotes.consultationId, c.id), eq(assistedVotes.state, 'pending')))
				.all()
				.map((r) => r.voterId)
		);
		const parts = db
			.select({ userId: participations.userId, confirmedAt: participations.confirmedAt, buildingId: participations.buildingId, collegeId: participations.collegeId, householdId: participations.householdId })
			.from(participations)
			.where(eq(participations.consultationId, c.id))
			.all()
			.filter((p) => p.confirmedAt || !waiting.has(p.userId));
		const state: LiveState = {
			config,
			tally,
			...electorate(c),
			participants: 0,
			byBuilding: new Map(),
			byCollege: new Map(),
			households: new Map(),
			batches: batchesOf(c.id),
			batchBallots: 0,
			builtAt: clock.now().getTime()
		};
		for (const p of parts) countParticipation(state, p, 1);
		state.batchBallots = state.batches.reduce((n, b) => n + b.size, 0);
		return state;
	}

	/** The live state of a consultation, rebuilt from the database on first use (or after a restart). */
	function stateOf(c: ConsultationRow): LiveState {
		let state = stale.delete(c.id) ? undefined : live.get(c.id);
		if (!state) {
			state = buildState(c);
			if (c.status !== 'closed') live.set(c.id, state);
		} else if (clock.now().getTime() - state.builtAt > ELECTORATE_TTL) {
			Object.assign(state, electorate(c), { builtAt: clock.now().getTime() });
		}
		return state;
	}

	function snapshot(c: ConsultationRow): ConsultationLive {
		const state = stateOf(c);
		const result = c.status === 'closed' ? c.result : resultsVisible(c) ? state.tally.result() : null;
		return {
			consultationId: c.id,
			spaceKey: `${c.spaceType}:${c.spaceId}`,
			status: c.status,
			turnout: turnoutOf(c, state),
			result: result ?? null,
			at: clock.now().toISOString()
		};
	}

	function publish(c: ConsultationRow) {
		bus.publish(roomForSpace(c.spaceType, c.spaceId), 'vote.tally', snapshot(c));
		bus.relay('tally.stale', { consultationId: c.id });
	}

	/** Counts a vote that is on disk: its ballot (replacing `previous`) and, when new, its participation. */
	function record(c: ConsultationRow, place: ParticipationPlace, ballot: Ballot, previous: Ballot | undefined, isNew: boolean) {
		if (!known(c.id)) builtNow.add(c.id);
		const state = stateOf(c);
		if (builtNow.has(c.id)) return;
		const college = c.weighting === 'colleges' ? place.collegeId : null;
		if (previous) state.tally.remove(previous);
		state.tally.add(toBallot({ content: ballot, weight: 1, college }));
		if (isNew) countParticipation(state, place, 1);
	}

	/**
	 * After `n` votes of `c` were recorded: public consultations publish at once; secret ones only every
	 * k votes or `tallyEveryMs`, so that one published change does not show one voter's choice.
	 */
	function published(c: ConsultationRow, n: number) {
		builtNow.delete(c.id);
		if (c.secrecy !== 'secret') return publish(c);
		const waiting = unpublished.get(c.id);
		const total = (waiting?.n ?? 0) + n;
		if (total >= k) {
			if (waiting) clearTimeout(waiting.timer);
			unpublished.delete(c.id);
			return publish(c);
		}
		if (waiting) {
			waiting.n = total;
			return;
		}
		const timer = setTimeout(() => {
			unpublished.delete(c.id);
			// Closed meanwhile: the close published the final state already.
			if (live.has(c.id)) publish(c);
		}, every);
		timer.unref?.();
		unpublished.set(c.id, { n: total, c, timer });
	}

	function drop(id: string) {
		const waiting = unpublished.get(id);
		if (waiting) clearTimeout(waiting.timer);
		unpublished.delete(id);
		live.delete(id);
		stale.delete(id);
	}

	/** Counts a batch of anonymous ballots that is on disk. */
	function afterBatch(c: ConsultationRow, made: Ballot[]) {
		const had = known(c.id);
		const state = stateOf(c);
		if (had) {
			for (const b of made) state.tally.add(toBallot({ content: b, weight: 1, college: null }));
			state.batches = batchesOf(c.id);
			state.batchBallots += made.length;
		}
		publish(c);
	}

	return {
		buildState,
		stateOf,
		snapshot,
		publish,
		record,
		published,
		afterBatch,
		/** A closed consultation keeps no live state. */
		drop,
		/** For benchmarks and tests: drops the in-memory tallies, as a restart would. */
		forgetLiveState: () => live.clear()
	};
}

export type Tallies = ReturnType<typeof createTallies>;
