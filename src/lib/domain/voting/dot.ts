/**
 * Dot voting: each voter spreads up to `dots` dots (integers ≥ 0, several on one option allowed).
 * A ballot spending more than `dots`, or a negative / non-integer number of dots, is invalid.
 * Each option scores its weighted number of dots.
 */
import { countWith, type Kernel } from './engine';
import { SCORE_TIE_RULE, createVector, scoreOutcome } from './scores';
import type { DotResult, Election } from './types';

export const dotKernel: Kernel<Float64Array, DotResult> = {
	create: createVector,
	add(p, agg, ballot, weight, sign) {
		for (const [id, d] of Object.entries(ballot.dots ?? {})) {
			const i = p.index.get(id);
			if (i !== undefined) agg[i] = (agg[i] ?? 0) + sign * weight * d;
		}
	},
	finish(p, parts, base) {
		const o = scoreOutcome(p, parts, base);
		return {
			method: 'dot',
			winners: o.winners,
			ranking: o.ranking,
			tallies: o.tallies,
			...base,
			tieBreak: SCORE_TIE_RULE,
			ties: o.ties,
			dots: p.dots
		};
	}
};

/** Counts the election as a dot vote (whatever `election.method` says). */
export function dot(election: Election): DotResult {
	return countWith({ ...election, method: 'dot' }, election.ballots, dotKernel);
}
