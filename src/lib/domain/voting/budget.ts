/**
 * Participatory budgeting (greedy, "skip what no longer fits").
 *
 * Each voter selects projects (`select`); a ballot whose selected projects cost more than the budget
 * is invalid. Projects are ranked by weighted votes (ties: file order), then funded in that order
 * while money remains: a project that no longer fits is SKIPPED and the next (cheaper) ones are still
 * considered. Projects with no votes are never funded. `winners` = funded projects, in funding order.
 */
import { countWith, type Kernel } from './engine';
import { FILE_ORDER_RULE, tidy } from './numeric';
import { createVector, scoreOutcome } from './scores';
import type { BudgetResult, Election } from './types';
import { moneyTolerance } from './validate';

export const BUDGET_TIE_RULE = `Projects are ranked by weighted votes, highest first, then funded in that order, skipping any project that no longer fits in the remaining budget; a project with no votes is never funded. ${FILE_ORDER_RULE} Projects with equal votes are therefore funded in file order.`;

export const budgetKernel: Kernel<Float64Array, BudgetResult> = {
	create: createVector,
	add(p, agg, ballot, weight, sign) {
		for (const id of ballot.select ?? []) {
			const i = p.index.get(id);
			if (i !== undefined) agg[i] = (agg[i] ?? 0) + sign * weight;
		}
	},
	finish(p, parts, base) {
		const o = scoreOutcome(p, parts, base);
		const funded: string[] = [];
		let spent = 0;
		for (const i of o.groups.flat()) {
			const cost = p.costs[i] ?? 0;
			if ((o.scores[i] ?? 0) > 0 && spent + cost <= p.budget + moneyTolerance(p.budget)) {
				funded.push(p.ids[i] ?? '');
				spent += cost;
			}
		}
		spent = tidy(spent, p.budget);
		return {
			method: 'budget',
			winners: funded,
			ranking: o.ranking,
			tallies: o.tallies,
			...base,
			tieBreak: BUDGET_TIE_RULE,
			ties: o.ties,
			budget: p.budget,
			funded,
			spent,
			remaining: tidy(Math.max(0, p.budget - spent), p.budget)
		};
	}
};

/** Counts the election as participatory budgeting (whatever `election.method` says). */
export function budget(election: Election): BudgetResult {
	return countWith({ ...election, method: 'budget' }, election.ballots, budgetKernel);
}
