/** Approval: each ballot approves any number of options (`approve`); most weighted approvals wins. */
import { countWith, type Kernel } from './engine';
import { SCORE_TIE_RULE, createVector, scoreOutcome } from './scores';
import type { ApprovalResult, Election } from './types';

export const approvalKernel: Kernel<Float64Array, ApprovalResult> = {
	create: createVector,
	add(p, agg, ballot, weight, sign) {
		for (const id of ballot.approve ?? []) {
			const i = p.index.get(id);
			if (i !== undefined) agg[i] = (agg[i] ?? 0) + sign * weight;
		}
	},
	finish(p, parts, base) {
		const o = scoreOutcome(p, parts, base);
		return {
			method: 'approval',
			winners: o.winners,
			ranking: o.ranking,
			tallies: o.tallies,
			...base,
			tieBreak: SCORE_TIE_RULE,
			ties: o.ties
		};
	}
};

/** Counts the election as an approval vote (whatever `election.method` says). */
export function approval(election: Election): ApprovalResult {
	return countWith({ ...election, method: 'approval' }, election.ballots, approvalKernel);
}
