/**
 * Yes / no / abstain on a single motion (the election's only option), with consent.
 *
 * Positions: `for`, `against`, `abstain`, `object`. The motion is adopted when the weighted `for`
 * strictly exceeds the weighted `against` (abstentions are not counted; a tie rejects) AND nobody
 * objects: a single valid `object` ballot blocks it, whatever its weight (consent: every objection is a
 * veto to be heard). Objection reasons (`reason` on `object` ballots) are listed, sorted.
 * `winners` and `ranking` are `[motion]` when adopted, `[]` otherwise.
 */
import { countWith, type Kernel } from './engine';
import { tidy } from './numeric';
import { POSITIONS, type Election, type Position, type YesNoAbstainResult } from './types';

export const YES_NO_TIE_RULE =
	'The motion is adopted only if the weighted "for" strictly exceeds the weighted "against" (abstentions excluded) and no valid ballot objects; a for/against tie rejects it. Any valid "object" ballot blocks the motion, whatever its weight.';

interface YesNoAggregate {
	totals: Float64Array;
	objectionCount: number;
	/** reason → number of objections giving it */
	reasons: Map<string, number>;
}

const positionIndex = new Map<string, number>(POSITIONS.map((p, i) => [p, i]));

export const yesNoAbstainKernel: Kernel<YesNoAggregate, YesNoAbstainResult> = {
	create: () => ({ totals: new Float64Array(POSITIONS.length), objectionCount: 0, reasons: new Map() }),
	add(_p, agg, ballot, weight, sign) {
		const i = positionIndex.get(ballot.position ?? '');
		if (i === undefined) return;
		agg.totals[i] = (agg.totals[i] ?? 0) + sign * weight;
		if (ballot.position === 'object') {
			agg.objectionCount += sign;
			const reason = ballot.reason?.trim();
			if (reason) {
				const n = (agg.reasons.get(reason) ?? 0) + sign;
				if (n === 0) agg.reasons.delete(reason);
				else agg.reasons.set(reason, n);
			}
		}
	},
	finish(p, parts, base) {
		const raw = [0, 0, 0, 0];
		let objectionCount = 0;
		const objections: string[] = [];
		for (const { agg, factor } of parts) {
			objectionCount += agg.objectionCount;
			for (const [reason, n] of agg.reasons) for (let k = 0; k < n; k++) objections.push(reason);
			if (factor === 0) continue;
			for (let i = 0; i < raw.length; i++) raw[i] = (raw[i] ?? 0) + (agg.totals[i] ?? 0) * factor;
		}
		objections.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
		const scale = raw.reduce((s, x) => s + Math.abs(x), 0);
		const [forW = 0, againstW = 0, abstainW = 0, objectW = 0] = raw.map((x) => tidy(x, scale));
		const blocked = objectionCount > 0;
		const adopted = !blocked && forW > againstW;
		const motion = p.ids[0] ?? '';
		const tallies: Record<Position, number> = { for: forW, against: againstW, abstain: abstainW, object: objectW };
		return {
			method: 'yes-no-abstain',
			winners: adopted ? [motion] : [],
			ranking: adopted ? [motion] : [],
			tallies,
			...base,
			tieBreak: YES_NO_TIE_RULE,
			ties: [],
			adopted,
			blocked,
			objectionCount,
			objections
		};
	}
};

/** Counts the election as a yes/no/abstain (+ consent) vote on its single option. */
export function yesNoAbstain(election: Election): YesNoAbstainResult {
	return countWith({ ...election, method: 'yes-no-abstain' }, election.ballots, yesNoAbstainKernel);
}
