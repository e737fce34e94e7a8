/**
 * Live tallies: per open consultation, the running count and turnout counters kept in memory,
 * rebuilt from the database on first use (or after a restart), and published on the bus.
 *
 * Building a state takes several awaited reads, which other writes may interleave with (issue 12).
 * So a state is only kept when nothing touched its consultation while it was read: writers that a
 * kept state must follow (the ballot box, batches) `hold` the consultation from before their unit
 * until they have counted what it wrote, and every count, drop or hold moves its version; a build
 * that saw the version move, or ran while a write was held, is read again (or used once, unkept).
 */
import { and, asc, eq } from 'drizzle-orm';
import { countParticipation, turnoutOf, type ParticipationPlace, type TurnoutCounters } from '$lib/domain/electorate';
import { createTally, type Ballot, type ElectionConfig, type Tally } from '$lib/domain/voting';
import { roomForVote, type BatchSummary, type ConsultationLive } from '$lib/realtime/vote-events';
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
	const { data, clock, bus, configOf } = ctx;
	const { assistedVotes, participations, users, voteBatches } = data.t;
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
	/** Moves whenever a consultation's counts may have changed under a build (see the file comment). */
	const versions = new Map<string, number>();
	let epoch = 0;
	/** Writes under way whose counts are not yet recorded, per consultation. */
	const holds = new Map<string, number>();
	/** Builds in flight, shared by concurrent readers. */
	const building = new Map<string, Promise<LiveState>>();
	const known = (id: string) => live.has(id) && !stale.has(id);
	const versionOf = (id: string) => `${epoch}:${versions.get(id) ?? 0}`;
	const bump = (id: string) => versions.set(id, (versions.get(id) ?? 0) + 1);
	bus.onSignal('tally.stale', ({ consultationId }) => {
		if (live.has(consultationId)) stale.add(consultationId);
	});

	async function batchesOf(consultationId: string): Promise<BatchSummary[]> {
		const rows = await data.db
			.select({ b: voteBatches, name: users.displayName })
			.from(voteBatches)
			.innerJoin(users, eq(users.id, voteBatches.recordedBy))
			.where(eq(voteBatches.consultationId, consultationId))
			.orderBy(asc(voteBatches.recordedAt), asc(voteBatches.id));
		return rows.map(({ b, name }) => ({ id: b.id, kind: b.kind, size: b.size, note: b.note, recordedBy: name, at: b.recordedAt.toISOString() }));
	}

	async function buildState(c: ConsultationRow): Promise<LiveState> {
		const opts = await optionsOf(data, c.id);
		const config = await configOf(c, opts);
		const tally = createTally({ ...config, ballots: await storedBallots(data, c.id) });
		// Assisted votes still waiting for confirmation are not in the turnout either (see assisted.ts).
		const waitingRows = await data.db
			.select({ voterId: assistedVotes.voterId })
			.from(assistedVotes)
			.where(and(eq(assistedVotes.consultationId, c.id), eq(assistedVotes.state, 'pending')));
		const waiting = new Set(waitingRows.map((r) => r.voterId));
		const parts = (
			await data.db
				.select({ userId: participations.userId, confirmedAt: participations.confirmedAt, buildingId: participations.buildingId, collegeId: participations.collegeId, householdId: participations.householdId })
				.from(participations)
				.where(eq(participations.consultationId, c.id))
		).filter((p) => p.confirmedAt || !waiting.has(p.userId));
		const state: LiveState = {
			config,
			tally,
			...(await electorate(c)),
			participants: 0,
			byBuilding: new Map(),
			byCollege: new Map(),
			households: new Map(),
			batches: await batchesOf(c.id),
			batchBallots: 0,
			builtAt: clock.now().getTime()
		};
		for (const p of parts) countParticipation(state, p, 1);
		state.batchBallots = state.batches.reduce((n, b) => n + b.size, 0);
		return state;
	}

	/** Builds the state and keeps it when nothing moved meanwhile (read again a few times otherwise). */
	async function buildAndKeep(c: ConsultationRow): Promise<LiveState> {
		for (let attempt = 1; ; attempt++) {
			const before = versionOf(c.id);
			const state = await buildState(c);
			const steady = versionOf(c.id) === before && !holds.get(c.id);
			if (steady && c.status !== 'closed') live.set(c.id, state);
			if (steady || attempt >= 3) return state;
		}
	}

	/** The live state of a consultation, rebuilt from the database on first use (or after a restart). */
	async function stateOf(c: ConsultationRow): Promise<LiveState> {
		if (stale.delete(c.id)) live.delete(c.id);
		const state = live.get(c.id);
		if (state) {
			if (clock.now().getTime() - state.builtAt > ELECTORATE_TTL) Object.assign(state, await electorate(c), { builtAt: clock.now().getTime() });
			return state;
		}
		let pending = building.get(c.id);
		if (!pending) {
			pending = buildAndKeep(c).finally(() => building.delete(c.id));
			building.set(c.id, pending);
		}
		return pending;
	}

	async function snapshot(c: ConsultationRow): Promise<ConsultationLive> {
		const state = await stateOf(c);
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

	/** Publishes the consultation's live state (after the commit that changed it). */
	async function publish(c: ConsultationRow) {
		// To whoever has the consultation open (its pages join its room), not to everyone of the space.
		bus.publish(roomForVote(c.spaceType, c.spaceId, c.id), 'vote.tally', await snapshot(c));
		bus.relay('tally.stale', { consultationId: c.id });
	}

	/** A timer's publication: nobody awaits it, so its failure is logged here. */
	function publishLater(c: ConsultationRow) {
		publish(c).catch((err: unknown) => console.error('[tallies] publish failed', c.id, err));
	}

	/** Before a unit that writes what `record`/`afterBatch` will count: builds meanwhile are not kept. */
	function hold(consultationId: string) {
		holds.set(consultationId, (holds.get(consultationId) ?? 0) + 1);
		bump(consultationId);
	}

	/** After the unit (committed and counted, or failed). */
	function release(consultationId: string) {
		const n = (holds.get(consultationId) ?? 1) - 1;
		if (n > 0) holds.set(consultationId, n);
		else holds.delete(consultationId);
		bump(consultationId);
	}

	/**
	 * Counts a vote that is on disk: its ballot (replacing `previous`) and, when new, its participation.
	 * A consultation with no state kept is left alone: its next use reads the database, this vote included.
	 */
	function record(c: ConsultationRow, place: ParticipationPlace, ballot: Ballot, previous: Ballot | undefined, isNew: boolean) {
		bump(c.id);
		const state = known(c.id) ? live.get(c.id) : undefined;
		if (!state) return;
		const college = c.weighting === 'colleges' ? place.collegeId : null;
		if (previous) state.tally.remove(previous);
		state.tally.add(toBallot({ content: ballot, weight: 1, college }));
		if (isNew) countParticipation(state, place, 1);
	}

	/**
	 * After `n` votes of `c` were recorded: public consultations publish at once; secret ones only every
	 * k votes or `tallyEveryMs`, so that one published change does not show one voter's choice.
	 */
	async function published(c: ConsultationRow, n: number) {
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
			if (live.has(c.id)) publishLater(c);
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
		bump(id);
	}

	/** Counts a batch of anonymous ballots that is on disk (written under `hold`). */
	async function afterBatch(c: ConsultationRow, made: Ballot[]) {
		bump(c.id);
		const state = known(c.id) ? live.get(c.id) : undefined;
		if (state) {
			for (const b of made) state.tally.add(toBallot({ content: b, weight: 1, college: null }));
			state.batchBallots += made.length;
			state.batches = await batchesOf(c.id);
		}
	}

	return {
		buildState,
		stateOf,
		snapshot,
		publish,
		hold,
		release,
		record,
		published,
		afterBatch,
		/** A closed consultation keeps no live state. */
		drop,
		/**
		 * Publishes now what secret consultations' timers still hold back (before the database closes:
		 * a script's end, a test's, a node's shutdown), so no timer fires on a closed database.
		 */
		async flushPending() {
			const waiting = Array.from(unpublished, ([, w]) => w);
			unpublished.clear();
			for (const w of waiting) {
				clearTimeout(w.timer);
				if (live.has(w.c.id)) await publish(w.c);
			}
		},
		/** For benchmarks and tests: drops the in-memory tallies, as a restart would. */
		forgetLiveState: () => {
			epoch++;
			live.clear();
		}
	};
}

export type Tallies = ReturnType<typeof createTallies>;
