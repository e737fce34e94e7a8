/**
 * The row every benchmark returns, and issue 15's goals, as the benchmarks mark the rows that measure
 * them. `npm run bench` prints those rows once more at the end (index.ts), one line each, with the goal
 * and whether this run met it, so that a run answers "where do we stand" without reading its few
 * hundred rows.
 */
export interface Goal {
	/** The goal's number in issue 15: 1 durable votes, 2 counting, 3 board fan-out, 4 first-load JS, 5 pages. */
	id: number;
	target: number;
	/** The figure meets the goal at or under the target (else at or over it). */
	atMost: boolean;
}

export const atMost = (id: number, target: number): Goal => ({ id, target, atMost: true });
export const atLeast = (id: number, target: number): Goal => ({ id, target, atMost: false });

export function meets(value: number, goal: Goal): boolean {
	return Number.isFinite(value) && (goal.atMost ? value <= goal.target : value >= goal.target);
}

/** One figure of a benchmark. */
export interface BenchRow {
	name: string;
	value: number;
	unit: string;
	/** Set on the rows that measure one of issue 15's goals. */
	goal?: Goal;
}
