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
 * IRV is inherently global (a transfer depends on every elimination), so the live tally only keeps
 * the multiset of distinct rankings per college (with their summed weights) and recounts the rounds in
 * `result()`: O(rounds × distinct ballots × options), not O(1) per ballot.
 */
import { countWith, type Kernel } from './engine';
import { FILE_ORDER_RULE, idsOf, maxAbs, recordOf, tidyArray } from './numeric';
import { rankIndices } from './rankings';
import type { Election, IrvResult, IrvRound } from './types';

export const IRV_TIE_RULE = `When several continuing options tie for the lowest tally, the one with the lowest tally in the most recent previous round where they differed is eliminated; if they were equal in every round, the one listed last in the file is eliminated. If all continuing options are tied, they are joint winners. ${FILE_ORDER_RULE}`;

interface Entry {
	groups: number[][];
	weight: number;
	count: number;
}

/** distinct ranking (canonical key) → entry */
type IrvAggregate = Map<string, Entry>;

function rankingKey(groups: number[][]): string {
	return groups.map((g) => [...g].sort((a, b) => a - b).join(',')).join('|');
}

interface Weighted {
	groups: number[][];
	weight: number;
}

export function runIrv(ballots: readonly Weighted[], n: number, ids: readonly string[]) {
	const continuing = new Uint8Array(n).fill(1);
	let left = n;
	const pos = new Int32Array(ballots.length);
	const history: number[][] = [];
	const rounds: IrvRound[] = [];
	const eliminated: number[] = [];
	const scale = ballots.reduce((s, b) => s + Math.abs(b.weight), 0);
	for (;;) {
		const raw = new Float64Array(n);
		let exhausted = 0;
		ballots.forEach((b, k) => {
			if (b.weight === 0) return;
			let at = pos[k] ?? 0;
			let live = 0;
			let group: number[] | undefined;
			for (; at < b.groups.length; at++) {
				group = b.groups[at] ?? [];
				live = 0;
				for (const i of group) live += continuing[i] ?? 0;
				if (live > 0) break;
			}
			pos[k] = at;
			if (!group || live === 0) {
				exhausted += b.weight;
				return;
			}
			const share = b.weight / live;
			for (const i of group) if (continuing[i]) raw[i] = (raw[i] ?? 0) + share;
		});
		const tallies = tidyArray(raw, Math.max(scale, maxAbs(raw)));
		history.push(tallies);
		const alive = Array.from({ length: n }, (_, i) => i).filter((i) => continuing[i]);
		const round: IrvRound = {
			tallies: recordOf(idsOf(ids, alive), alive.map((i) => tallies[i] ?? 0)),
			exhausted: tidyArray([exhausted], scale)[0] ?? 0,
			eliminated: null,
			tieBreak: null
		};
		rounds.push(round);
		const min = Math.min(...alive.map((i) => tallies[i] ?? 0));
		let lowest = alive.filter((i) => tallies[i] === min);
		if (left === 1 || lowest.length === alive.length) {
			return { rounds, winners: alive, eliminated, firstRound: history[0] ?? [] };
		}
		if (lowest.length > 1) {
			for (let r = history.length - 2; r >= 0 && lowest.length > 1; r--) {
				const past = history[r] ?? [];
				const m = Math.min(...lowest.map((i) => past[i] ?? 0));
				lowest = lowest.filter((i) => past[i] === m);
			}
			round.tieBreak = lowest.length > 1 ? 'file-order' : 'previous-rounds';
		}
		const out = lowest[lowest.length - 1] ?? alive[alive.length - 1] ?? 0;
		continuing[out] = 0;
		left--;
		eliminated.push(out);
		round.eliminated = ids[out] ?? '';
	}
}

export const irvKernel: Kernel<IrvAggregate, IrvResult> = {
	create: () => new Map(),
	add(p, agg, ballot, weight, sign) {
		const groups = rankIndices(p, ballot.ranking ?? []);
		const key = rankingKey(groups);
		const entry = agg.get(key);
		if (entry) {
			entry.weight += sign * weight;
			entry.count += sign;
			if (entry.count === 0) agg.delete(key);
		} else if (sign > 0) {
			agg.set(key, { groups, weight, count: 1 });
		}
	},
	finish(p, parts, base) {
		const ballots: Weighted[] = [];
		for (const { agg, factor } of parts) {
			if (factor === 0) continue;
			for (const e of agg.values()) ballots.push({ groups: e.groups, weight: e.weight * factor });
		}
		const { rounds, winners, eliminated, firstRound } = runIrv(ballots, p.n, p.ids);
		const ranking = [...winners, ...[...eliminated].reverse()];
		return {
			method: 'irv',
			winners: base.totalWeight > 0 ? idsOf(p.ids, winners) : [],
			ranking: idsOf(p.ids, ranking),
			tallies: recordOf(p.ids, Array.from({ length: p.n }, (_, i) => firstRound[i] ?? 0)),
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
