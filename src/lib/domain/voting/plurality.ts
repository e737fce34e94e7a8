/** Plurality: each ballot names one option (`choice`); most weighted votes wins. */
import { countWith, type Kernel } from './engine';
import { SCORE_TIE_RULE, createVector, scoreOutcome } from './scores';
import type { Election, PluralityResult } from './types';

export const pluralityKernel: Kernel<Float64Array, PluralityResult> = {
	create: createVector,
	add(p, agg, ballot, weight, sign) {
		const i = p.index.get(ballot.choice ?? '');
		if (i !== undefined) agg[i] = (agg[i] ?? 0) + sign * weight;
	},
	finish(p, parts, base) {
		const o = scoreOutcome(p, parts, base);
		return {
			method: 'plurality',
			winners: o.winners,
			ranking: o.ranking,
			tallies: o.tallies,
			...base,
			tieBreak: SCORE_TIE_RULE,
			ties: o.ties
		};
	}
};

/** Counts the election as a plurality vote (whatever `election.method` says). */
export function plurality(election: Election): PluralityResult {
	return countWith({ ...election, method: 'plurality' }, election.ballots, pluralityKernel);
}
