/**
 * Ballot weights and colleges.
 *
 * Without colleges, a valid ballot's effective weight is its `weight` (default 1).
 *
 * With colleges (SCIC-style), every valid ballot must name an existing college, and each college
 * carries its configured weight in total, however many voters it has:
 *
 *     effective weight = weight × collegeWeight / (sum of `weight` of the valid ballots of that college)
 *
 * so 4 colleges at 0.25 each weigh the same whether they have 2 or 20 voters. A college with no valid
 * ballot (or whose valid ballots all weigh 0) contributes nothing: its share is NOT redistributed to
 * the other colleges, so the total effective weight is then less than the sum of college weights.
 * Invalid ballots have an effective weight of 0 and do not count in their college's sum.
 */
import type { College, Election } from './types';
import { checkBallot, prepare } from './validate';

/**
 * Scale factor of each college: `collegeWeight / weightSum`, or 0 when the college has no weight.
 * `weightSums` maps college id → sum of `weight` of its valid ballots.
 */
export function collegeFactors(
	colleges: readonly College[],
	weightSums: ReadonlyMap<string, number>
): Map<string, number> {
	return new Map(
		colleges.map((c) => {
			const sum = weightSums.get(c.id) ?? 0;
			return [c.id, sum > 0 ? c.weight / sum : 0];
		})
	);
}

/** Effective weight of each ballot of the election, in ballot order; 0 for invalid ballots. */
export function effectiveWeights(election: Election): number[] {
	const p = prepare(election);
	const checked = election.ballots.map((b) => checkBallot(p, b));
	if (!election.colleges) return checked.map((c) => (c.ok ? c.weight : 0));
	const sums = new Map<string, number>();
	for (const c of checked) {
		if (!c.ok) continue;
		const id = election.colleges[c.college]?.id ?? '';
		sums.set(id, (sums.get(id) ?? 0) + c.weight);
	}
	const factors = collegeFactors(election.colleges, sums);
	return checked.map((c) =>
		c.ok ? c.weight * (factors.get(election.colleges?.[c.college]?.id ?? '') ?? 0) : 0
	);
}
