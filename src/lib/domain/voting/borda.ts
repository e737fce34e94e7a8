/**
 * Borda count with ties and unranked options ("average rank points").
 *
 * With n options, the k-th place (k = 1..n) is worth n − k points (n−1 for first, 0 for last). Options
 * tied in a group share the places the group occupies and each gets the AVERAGE of those places'
 * points; the unranked options are treated as one tied group occupying the last places. Example with
 * 4 options and ranking [[a],[b,c]]: a gets 3, b and c share places 2–3 → (2+1)/2 = 1.5 each, the
 * unranked d gets 0. Every ballot thus hands out exactly n(n−1)/2 points, times its weight. An empty
 * ranking gives every option (n−1)/2. Most points wins.
 */
import { countWith, type Kernel } from './engine';
import { FILE_ORDER_RULE, idsOf, idsOfGroups, maxAbs, rankByScore, recordOf, tidyArray, tiesOf } from './numeric';
import type { BordaResult, Election } from './types';

export const BORDA_TIE_RULE = `Options are ranked by Borda points, highest first (tied or unranked options share the average points of the places they occupy). ${FILE_ORDER_RULE}`;

interface BordaAggregate {
	points: Float64Array;
	ranked: Uint8Array;
}

export const bordaKernel: Kernel<BordaAggregate, BordaResult> = {
	create: (p) => ({ points: new Float64Array(p.n), ranked: new Uint8Array(p.n) }),
	add(p, agg, ballot, weight, sign) {
		const { n } = p;
		const { points, ranked } = agg;
		const w = sign * weight;
		ranked.fill(0);
		// The option indices as checkBallot read them (`p.order`), not looked up again by id.
		const { order } = p;
		let start = 0;
		for (const group of ballot.ranking ?? []) {
			// places start+1 .. start+size, points n-1-start .. n-start-size → average:
			const avg = n - 1 - start - (group.length - 1) / 2;
			for (let x = start; x < start + group.length; x++) {
				const i = order[x]!;
				points[i] = (points[i] ?? 0) + w * avg;
				ranked[i] = 1;
			}
			start += group.length;
		}
		const unranked = n - start;
		if (unranked > 0) {
			const avg = (unranked - 1) / 2; // places start+1..n share points unranked-1 .. 0
			for (let i = 0; i < n; i++) if (!ranked[i]) points[i] = (points[i] ?? 0) + w * avg;
		}
	},
	finish(p, parts, base) {
		const raw = new Float64Array(p.n);
		for (const { agg, factor } of parts) {
			if (factor === 0) continue;
			for (let i = 0; i < p.n; i++) raw[i] = (raw[i] ?? 0) + (agg.points[i] ?? 0) * factor;
		}
		const scores = tidyArray(raw, maxAbs(raw));
		const groups = rankByScore(scores);
		return {
			method: 'borda',
			winners: base.totalWeight > 0 ? idsOf(p.ids, groups[0] ?? []) : [],
			ranking: idsOfGroups(p.ids, groups),
			tallies: recordOf(p.ids, scores),
			...base,
			tieBreak: BORDA_TIE_RULE,
			ties: tiesOf(p.ids, groups)
		};
	}
};

/** Counts the election with the Borda count (whatever `election.method` says). */
export function borda(election: Election): BordaResult {
	return countWith({ ...election, method: 'borda' }, election.ballots, bordaKernel);
}
