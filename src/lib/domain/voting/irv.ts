/**
 * Instant-runoff voting (one winner) with a complete ranking by elimination order reversed.
 *
 * Each round, a ballot counts for its highest-ranked CONTINUING option; if several continuing
 * options are tied at that rank, its weight is split equally between them. A ballot whose ranked
 * options are all eliminated is exhausted (unranked options never receive its vote). The continuing
 * option with the lowest tally is eliminated, and rounds go on until one option remains (the option
 * that first reaches a majority of the continuing votes is always that last one, so counting on only
 * completes the ranking). `ranking` = the winner, then the eliminated options from last to first.
 *
 * Ties for last place: eliminate the option that had the lowest tally in the most recent previous
 * round where the tied options differed ("backwards" rule); if they were equal in every round,
 * eliminate the one listed LAST in the file. If ALL continuing options are tied, nobody is eliminated:
 * they are joint winners (a genuine tie).
 *
 * IRV is inherently global (a transfer depends on every elimination), so the live tally only stores
 * the rankings per college (column-wise, see `IrvStore`) and recounts the rounds in `result()`: one
 * pass over the ballots, then only the ballots each elimination moves (`runIrv`).
 */
import { countWith, type Kernel } from './engine';
import { FILE_ORDER_RULE, idsOf, maxAbs, recordOf, scratch, setOwn, tidy, tidyArray } from './numeric';
import type { Election, IrvResult, IrvRound } from './types';
import { END_GROUP, IrvStore, REPLAY_SHARE, type IrvMemo } from './irv-store';

export const IRV_TIE_RULE = `When several continuing options tie for the lowest tally, the one with the lowest tally in the most recent previous round where they differed is eliminated; if they were equal in every round, the one listed last in the file is eliminated. If all continuing options are tied, they are joint winners. ${FILE_ORDER_RULE}`;

/** A growable list of ballot indices (one per option and college: the ballots counting for it now). */
class Bucket {
	items = new Int32Array(16);
	length = 0;
	push(j: number) {
		if (this.length === this.items.length) {
			const next = new Int32Array(this.items.length * 2);
			next.set(this.items);
			this.items = next;
		}
		this.items[this.length++] = j;
	}
}

/** A result's rounds, the winners (the options left in the last), who went out, the first round's tallies. */
interface IrvCount {
	rounds: IrvRound[];
	winners: number[];
	eliminated: number[];
	firstRound: number[];
}

/** A round's raw sums (numeric.ts `scratch`): rounds are decided one at a time, only the tidied tallies are kept. */
const takeRoundSums = scratch();

/**
 * One round from its raw weights: the tallies (college factors applied, tidied), and who goes out
 * (null: the count ends here: one option left, or every option left tied).
 */
function decideRound(
	acc: Float64Array,
	exhaustedRaw: Float64Array,
	factors: readonly number[],
	continuing: Uint8Array,
	scale: number,
	history: number[][],
	ids: readonly string[],
	widest: number
): { round: IrvRound; alive: number[]; out: number | null } {
	const n = continuing.length;
	const raw = takeRoundSums(n);
	let exhausted = 0;
	for (let sg = 0; sg < factors.length; sg++) {
		const f = factors[sg] ?? 0;
		if (f === 0) continue;
		exhausted += (exhaustedRaw[sg] ?? 0) * f;
		// Splits wider than any ballot's widest group hold nothing.
		for (let d = 1, last = Math.min(n, widest); d <= last; d++) {
			const base = (sg * (n + 1) + d) * n;
			for (let i = 0; i < n; i++) raw[i] = raw[i]! + (acc[base + i]! * f) / d;
		}
	}
	const tallies = tidyArray(raw, Math.max(scale, maxAbs(raw)));
	history.push(tallies);
	// Plain loops: a live result decides every round again at each vote.
	const alive: number[] = [];
	const record: Record<string, number> = {};
	let min = Number.POSITIVE_INFINITY;
	for (let i = 0; i < n; i++) {
		if (!continuing[i]) continue;
		const t = tallies[i]!;
		alive.push(i);
		setOwn(record, ids[i] ?? '', t);
		if (t < min) min = t;
	}
	const round: IrvRound = {
		tallies: record,
		exhausted: tidy(exhausted, scale),
		eliminated: null,
		tieBreak: null
	};
	let lowest: number[] = [];
	for (const i of alive) if (tallies[i] === min) lowest.push(i);
	if (alive.length === 1 || lowest.length === alive.length) return { round, alive, out: null };
	if (lowest.length > 1) {
		for (let r = history.length - 2; r >= 0 && lowest.length > 1; r--) {
			const past = history[r] ?? [];
			const m = Math.min(...lowest.map((i) => past[i] ?? 0));
			lowest = lowest.filter((i) => past[i] === m);
		}
		round.tieBreak = lowest.length > 1 ? 'file-order' : 'previous-rounds';
	}
	const out = lowest[lowest.length - 1] ?? alive[alive.length - 1] ?? 0;
	round.eliminated = ids[out] ?? '';
	return { round, alive, out };
}

/** Sum of |weight × factor| over every stored ballot: the scale of rounding noise. */
function scaleOf(stores: readonly IrvStore[], factors: readonly number[]): number {
	let scale = 0;
	stores.forEach((s, sg) => (scale += Math.abs(factors[sg] ?? 0) * s.absSum));
	return scale;
}

/** The widest tied group of any stored ballot (see `IrvStore.widest`). */
function widestOf(stores: readonly IrvStore[]): number {
	let widest = 1;
	for (const s of stores) if (s.widest > widest) widest = s.widest;
	return widest;
}

/**
 * Runs the IRV rounds. `factors[g]` scales the raw weights of group g (college factor, 1 without
 * colleges). Raw weights are accumulated per (group, size of the tied group the ballot is split over)
 * and scaled/divided once per round, in a fixed order.
 *
 * Only transfers are counted after the first round: each option keeps the list of ballots whose
 * current group holds it, and eliminating an option moves only its own ballots (to the rest of their
 * tied group, or on to their next group with a continuing option, or to the exhausted pile). A round
 * then costs the ballots it moves, not every ballot (100,000 ranked ballots over 10 options: the rounds
 * took 9 passes over every ballot). Weights are taken from one split and given to the next, so sums of
 * fractional weights may differ from a recount in their last bits: tallies are tidied (12 significant
 * digits) before any comparison, as every method's are. With `memo`, each round's raw weights are kept
 * for the next live result (`replayIrv`).
 */
export function runIrv(stores: readonly IrvStore[], factors: readonly number[], n: number, ids: readonly string[], memo = false): IrvCount & { memo: IrvMemo | null } {
	const continuing = new Uint8Array(n).fill(1);
	const history: number[][] = [];
	const rounds: IrvRound[] = [];
	const eliminated: number[] = [];
	const G = factors.length;
	const scale = scaleOf(stores, factors);
	const widest = widestOf(stores);
	// acc[((g * (n + 1)) + d) * n + i]: raw weight given to option i by ballots of group g split d ways
	const acc = new Float64Array(G * (n + 1) * n);
	const exhaustedRaw = new Float64Array(G);
	const kept: IrvMemo | null = memo ? { stores: [...stores], acc: [], exhausted: [], out: [], replayed: 0 } : null;
	// `pos[sg][j]`: where ballot j's current group starts in its store's codes (it only moves forward);
	// `buckets[sg * n + i]`: the ballots of group sg whose current group holds option i.
	const pos = stores.map((s) => new Int32Array(s.size));
	const buckets = Array.from({ length: G * n }, () => new Bucket());

	/** Puts ballot j of group sg on its first group, from `c` on, with a continuing option (or exhausts it). */
	const place = (sg: number, store: IrvStore, j: number, c: number, w: number) => {
		const { codes, starts } = store;
		const at = pos[sg] as Int32Array;
		const end = starts[j + 1] ?? 0;
		while (c < end) {
			let live = 0;
			let x = c;
			for (let code = codes[x] ?? END_GROUP; code !== END_GROUP; code = codes[++x] ?? END_GROUP) live += continuing[code] ?? 0;
			if (live > 0) {
				at[j] = c;
				const base = (sg * (n + 1) + live) * n;
				for (let y = c, code = codes[y] ?? END_GROUP; code !== END_GROUP; code = codes[++y] ?? END_GROUP) {
					if (!continuing[code]) continue;
					acc[base + code] = (acc[base + code] ?? 0) + w;
					buckets[sg * n + code]?.push(j);
				}
				return;
			}
			c = x + 1;
		}
		at[j] = end;
		exhaustedRaw[sg] = (exhaustedRaw[sg] ?? 0) + w;
	};

	/** Option e is out: each ballot on it goes to the rest of its group, or on. */
	const transfer = (e: number) => {
		for (let sg = 0; sg < G; sg++) {
			const store = stores[sg];
			const bucket = buckets[sg * n + e];
			if (!store || !bucket) continue;
			const { codes, weights } = store;
			const at = pos[sg] as Int32Array;
			for (let b = 0; b < bucket.length; b++) {
				const j = bucket.items[b] ?? 0;
				const w = weights[j] ?? 0;
				// Its current group still holds e: it moves on only once every option of it is out.
				const c = at[j] ?? 0;
				let live = 0;
				let x = c;
				for (let code = codes[x] ?? END_GROUP; code !== END_GROUP; code = codes[++x] ?? END_GROUP) live += continuing[code] ?? 0;
				const was = (sg * (n + 1) + live + 1) * n;
				const now = (sg * (n + 1) + live) * n;
				for (let y = c, code = codes[y] ?? END_GROUP; code !== END_GROUP; code = codes[++y] ?? END_GROUP) {
					if (code === e) acc[was + code] = (acc[was + code] ?? 0) - w;
					else if (continuing[code]) {
						acc[was + code] = (acc[was + code] ?? 0) - w;
						acc[now + code] = (acc[now + code] ?? 0) + w;
					}
				}
				if (live === 0) place(sg, store, j, x + 1, w);
			}
		}
	};

	// Every college's ballots, even one whose factor is 0 now: a memo's raw weights must not depend on
	// the factors, which the next result may change.
	for (let sg = 0; sg < G; sg++) {
		const store = stores[sg];
		if (!store) continue;
		const { starts, weights, size } = store;
		for (let j = 0; j < size; j++) {
			const w = weights[j] ?? 0;
			if (w !== 0) place(sg, store, j, starts[j] ?? 0, w);
		}
	}
	for (;;) {
		if (kept) {
			kept.acc.push(acc.slice());
			kept.exhausted.push(exhaustedRaw.slice());
		}
		const { round, alive, out } = decideRound(acc, exhaustedRaw, factors, continuing, scale, history, ids, widest);
		rounds.push(round);
		kept?.out.push(out ?? -1);
		if (out === null) return { rounds, winners: alive, eliminated, firstRound: history[0] ?? [], memo: kept };
		continuing[out] = 0;
		eliminated.push(out);
		transfer(out);
	}
}

/**
 * The next live result from the last recount's memo: the ballots logged since are added to (or taken
 * from) each round's raw weights, on the group they give to in that round; every round is decided
 * again. Null when a decision differs from the memo's: the caller recounts.
 */
export function replayIrv(memo: IrvMemo, factors: readonly number[], n: number, ids: readonly string[]): IrvCount | null {
	const R = memo.out.length;
	// The round each option goes out in (R: never): the memo's decisions, the same at every replay, so
	// worked out once per memo, as its buffer of continuing options (typed arrays of their own at every
	// live result were garbage).
	if (!memo.outIn) {
		const outIn = new Int32Array(n).fill(R);
		for (let r = 0; r < R; r++) {
			const o = memo.out[r]!;
			if (o >= 0) outIn[o] = r;
		}
		memo.outIn = outIn;
		memo.continuing = new Uint8Array(n);
	}
	const { outIn } = memo;
	memo.stores.forEach((store, sg) => {
		const log = store.log ?? [];
		const { codes } = store;
		for (let e = 0; e < log.length; e += 3) {
			let c = log[e] ?? 0;
			const end = log[e + 1] ?? 0;
			const w = log[e + 2] ?? 0;
			for (let r = 0; r < R; r++) {
				// Its first group, from where it stood in the round before, with an option still in.
				let live = 0;
				while (c < end) {
					live = 0;
					let x = c;
					for (let code = codes[x] ?? END_GROUP; code !== END_GROUP; code = codes[++x] ?? END_GROUP) if ((outIn[code] ?? 0) >= r) live++;
					if (live > 0) break;
					c = x + 1;
				}
				if (c >= end) {
					const ex = memo.exhausted[r] as Float64Array;
					ex[sg] = (ex[sg] ?? 0) + w;
					continue;
				}
				const acc = memo.acc[r] as Float64Array;
				const base = (sg * (n + 1) + live) * n;
				for (let y = c, code = codes[y] ?? END_GROUP; code !== END_GROUP; code = codes[++y] ?? END_GROUP) {
					if ((outIn[code] ?? 0) >= r) acc[base + code] = (acc[base + code] ?? 0) + w;
				}
			}
		}
		if (store.log) store.log.length = 0;
		else store.log = [];
	});
	const scale = scaleOf(memo.stores, factors);
	const widest = widestOf(memo.stores);
	const continuing = (memo.continuing ?? new Uint8Array(n)).fill(1);
	const history: number[][] = [];
	const rounds: IrvRound[] = [];
	const eliminated: number[] = [];
	for (let r = 0; r < R; r++) {
		const { round, alive, out } = decideRound(memo.acc[r] as Float64Array, memo.exhausted[r] as Float64Array, factors, continuing, scale, history, ids, widest);
		if ((out ?? -1) !== memo.out[r]) return null;
		rounds.push(round);
		if (out === null) return { rounds, winners: alive, eliminated, firstRound: history[0] ?? [] };
		continuing[out] = 0;
		eliminated.push(out);
	}
	return null;
}

/** A result's rounds: replayed from the memo of the last one when it still holds, else recounted (and a memo kept). */
function countRounds(stores: readonly IrvStore[], factors: readonly number[], n: number, ids: readonly string[]): IrvCount {
	const first = stores[0];
	const memo = first?.memo ?? null;
	const logged = stores.reduce((sum, s) => sum + (s.log?.length ?? 0) / 3, 0);
	const stored = stores.reduce((sum, s) => sum + s.size, 0);
	const same = memo !== null && memo.stores.length === stores.length && memo.stores.every((s, i) => s === stores[i] && s.log !== null);
	if (same && memo.replayed + logged <= Math.max(64, stored * REPLAY_SHARE)) {
		memo.replayed += logged;
		const replayed = replayIrv(memo, factors, n, ids);
		if (replayed) return replayed;
	}
	for (const s of stores) s.log = null;
	const counted = runIrv(stores, factors, n, ids, true);
	if (first) first.memo = counted.memo;
	for (const s of stores) s.log = [];
	return counted;
}

export const irvKernel: Kernel<IrvStore, IrvResult> = {
	create: (p, expected) => new IrvStore(p.n, expected),
	add(p, store, ballot, weight, sign) {
		if (sign > 0) store.add(p, ballot.ranking ?? [], weight);
		else store.remove(ballot.ranking ?? [], p, weight);
	},
	finish(p, parts, base) {
		const factors = parts.map((x) => x.factor);
		const { rounds, winners, eliminated, firstRound } = countRounds(
			parts.map((x) => x.agg),
			factors,
			p.n,
			p.ids
		);
		const ranking = [...winners, ...[...eliminated].reverse()];
		// The first round's tallies as a plain array of n, filled by a loop: `Array.from` of an array-like
		// walks it generically (that line, with the record built from it, was 4 % of a live result's profile).
		const first = new Array<number>(p.n);
		for (let i = 0; i < p.n; i++) first[i] = firstRound[i] ?? 0;
		return {
			method: 'irv',
			winners: base.totalWeight > 0 ? idsOf(p.ids, winners) : [],
			ranking: idsOf(p.ids, ranking),
			tallies: recordOf(p.ids, first),
			...base,
			tieBreak: IRV_TIE_RULE,
			ties: winners.length > 1 ? [idsOf(p.ids, winners)] : [],
			rounds
		};
	}
};

/** Counts the election with instant-runoff voting (whatever `election.method` says). */
export function irv(election: Election): IrvResult {
	return countWith({ ...election, method: 'irv' }, election.ballots, irvKernel);
}
