/**
 * Shared kernel for the methods whose result is one score per option (plurality, approval, dot,
 * budget): the aggregate is a vector of weighted scores, updated in O(options) per ballot.
 */
import type { Base, Part } from './engine';
import { combineVectors } from './engine';
import { FILE_ORDER_RULE, idsOf, idsOfGroups, maxAbs, rankByScore, recordOf, tidyArray, tiesOf } from './numeric';
import type { Prepared } from './validate';

export interface ScoreOutcome {
	scores: number[];
	groups: number[][];
	winners: string[];
	ranking: string[];
	tallies: Record<string, number>;
	ties: string[][];
}

/** Scores (tidied), ranking by score (ties in file order) and winners (top group, if its score > 0). */
export function scoreOutcome(p: Prepared, parts: Part<Float64Array>[], base: Base): ScoreOutcome {
	const raw = combineVectors(parts, p.n);
	const scores = tidyArray(raw, maxAbs(raw));
	const groups = rankByScore(scores);
	const top = groups[0] ?? [];
	const topScore = top[0] === undefined ? 0 : (scores[top[0]] ?? 0);
	return {
		scores,
		groups,
		winners: base.totalWeight > 0 && topScore > 0 ? idsOf(p.ids, top) : [],
		ranking: idsOfGroups(p.ids, groups),
		tallies: recordOf(p.ids, scores),
		ties: tiesOf(p.ids, groups)
	};
}

export const SCORE_TIE_RULE = `Options are ranked by weighted tally, highest first; an option with a tally of 0 never wins. ${FILE_ORDER_RULE}`;

export const createVector = (p: Prepared) => new Float64Array(p.n);
