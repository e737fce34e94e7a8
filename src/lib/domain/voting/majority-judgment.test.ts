import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count, majorityJudgment } from './index';
import { compareMajorityValues, cumulative } from './majority-judgment';
import { rankBy } from './numeric';
import { electionArb } from './test-arbitraries';
import type { Ballot, Election, MajorityJudgmentResult } from './types';

const GRADES_FR = ['Excellent', 'Très bien', 'Bien', 'Assez bien', 'Passable', 'Insuffisant', 'À rejeter'];
const GRADES_EN = ['Excellent', 'Very good', 'Good', 'Fair', 'Poor'];

/** Ballots from per-option grade columns: columns[option][voter]. */
function fromColumns(columns: Record<string, number[]>, weights?: number[]): Ballot[] {
	const ids = Object.keys(columns);
	const voters = columns[ids[0] ?? '']?.length ?? 0;
	return Array.from({ length: voters }, (_, v) => {
		const b: Ballot = { grades: Object.fromEntries(ids.map((id) => [id, columns[id]?.[v] ?? 0])) };
		if (weights) b.weight = weights[v] ?? 1;
		return b;
	});
}

const mj = (grades: string[], columns: Record<string, number[]>, weights?: number[]): Election => ({
	method: 'majority-judgment',
	grades,
	options: Object.keys(columns).map((id) => ({ id, label: id })),
	ballots: fromColumns(columns, weights)
});

describe('majority judgment', () => {
	it('Wikipedia tie-break example: X (Good, Good, Fair, Poor) beats Y (Excellent, Fair, Fair, Fair)', () => {
		// Both majority grades are Fair. Remove one Fair each: X (Good, Good, Poor) → Good,
		// Y (Excellent, Fair, Fair) → Fair. X wins.
		const r = majorityJudgment(mj(GRADES_EN, { Y: [0, 3, 3, 3], X: [2, 2, 3, 4] }));
		expect(r.medians).toEqual({ Y: 3, X: 3 });
		expect(r.medianLabels).toEqual({ Y: 'Fair', X: 'Fair' });
		expect(r.winners).toEqual(['X']);
		expect(r.ranking).toEqual(['X', 'Y']);
		// gauges: X has 2/4 strictly above Fair and 1/4 below; Y 1/4 above, none below
		expect(r.gauges.X).toEqual({ p: 0.5, grade: 3, q: 0.25, sign: '+' });
		expect(r.gauges.Y).toEqual({ p: 0.25, grade: 3, q: 0, sign: '+' });
		expect(r.tallies).toEqual({ Y: [1, 0, 0, 3, 0], X: [0, 0, 2, 1, 1] });
	});

	it('Balinski–Laraki 5-voter example: (Good, Passable, Reject, Good, Mildly good) → Mildly good', () => {
		const grades = ['Very good', 'Good', 'Mildly good', 'Passable', 'Insufficient', 'Reject'];
		const r = majorityJudgment(mj(grades, { c: [1, 3, 5, 1, 2] }));
		expect(r.medianLabels).toEqual({ c: 'Mildly good' });
	});

	it('uses the LOWER median for an even number of voters', () => {
		const r = majorityJudgment(mj(GRADES_FR, { a: [0, 4], b: [4, 4] }));
		expect(r.medians).toEqual({ a: 4, b: 4 });
		// a: the tie-break removes a Passable, leaving Excellent → a is better
		expect(r.ranking).toEqual(['a', 'b']);
	});

	it('needs more than one removal: (Exc, Good, Good, Good, Poor) vs (VG, Good, Good, Good, Fair)', () => {
		// majority values: X = Good, Good, Good, Poor, Exc; Y = Good, Good, Good, Fair, VG → Y better,
		// although the gauges are equal (p = q = 1/5 for both): only the full rule separates them.
		const r = majorityJudgment(mj(GRADES_EN, { X: [0, 2, 2, 2, 4], Y: [1, 2, 2, 2, 3] }));
		expect(r.gauges.X).toEqual({ p: 0.2, grade: 2, q: 0.2, sign: '-' });
		expect(r.gauges.Y).toEqual(r.gauges.X);
		expect(r.winners).toEqual(['Y']);
		expect(r.ties).toEqual([]);
	});

	it('options a ballot does not grade get the worst grade ("À rejeter")', () => {
		const r = majorityJudgment({
			method: 'majority-judgment',
			grades: GRADES_FR,
			options: [
				{ id: 'banc', label: 'Banc' },
				{ id: 'table', label: 'Table' }
			],
			ballots: [{ grades: { banc: 1 } }, { grades: { banc: 2 } }, { grades: { banc: 1, table: 0 } }]
		});
		expect(r.tallies.table).toEqual([1, 0, 0, 0, 0, 0, 2]);
		expect(r.medianLabels).toEqual({ banc: 'Très bien', table: 'À rejeter' });
		expect(r.winners).toEqual(['banc']);
	});

	it('weighted median', () => {
		// weights 1, 1, 3: Excellent has 2 of 5 (not a majority), Bien reaches 5 > 2.5
		const r = majorityJudgment(mj(GRADES_FR, { a: [0, 0, 2], b: [1, 1, 1] }, [1, 1, 3]));
		expect(r.medians).toEqual({ a: 2, b: 1 });
		expect(r.winners).toEqual(['b']);
		expect(r.gauges.a).toEqual({ p: 0.4, grade: 2, q: 0, sign: '+' });
	});

	it('an exact weighted half takes the lower (worse) grade', () => {
		const r = majorityJudgment(mj(GRADES_FR, { a: [0, 4] }, [0.5, 0.5]));
		expect(r.medians).toEqual({ a: 4 });
	});

	it('identical distributions are a genuine tie, ranked in file order', () => {
		const r = majorityJudgment(mj(GRADES_FR, { z: [1, 2, 3], y: [3, 1, 2], x: [0, 6, 6] }));
		expect(r.winners).toEqual(['z', 'y']);
		expect(r.ranking).toEqual(['z', 'y', 'x']);
		expect(r.ties).toEqual([['z', 'y']]);
	});

	it('grade out of range, non-integer grade or unknown option make the ballot invalid', () => {
		const r = majorityJudgment({
			...mj(GRADES_FR, { a: [0] }),
			ballots: [{ grades: { a: 7 } }, { grades: { a: 1.5 } }, { grades: { zz: 0 } }, { grades: { a: 6 } }]
		});
		expect(r.valid).toBe(1);
		expect(r.invalidReasons).toEqual({
			'grade of "a" must be an integer from 0 to 6': 2,
			'unknown option "zz"': 1
		});
	});
});

describe('majority judgment ranking', () => {
	it('is the order of the full majority-value comparison, even where majority grades alone decide (weights, colleges, exact halves)', () => {
		fc.assert(
			fc.property(electionArb('majority-judgment', 30), (e) => {
				const r = count(e) as MajorityJudgmentResult;
				const W = r.totalWeight;
				const ids = e.options.map((o) => o.id);
				const cums = ids.map((id) => cumulative(r.tallies[id] ?? [], W));
				const groups = rankBy(ids.length, (a, b) => compareMajorityValues(cums[a] ?? [], cums[b] ?? [], W));
				expect(r.ranking).toEqual(groups.flat().map((i) => ids[i]));
				expect(r.ties).toEqual(groups.filter((g) => g.length > 1).map((g) => g.map((i) => ids[i])));
			}),
			{ numRuns: 1000 }
		);
	});
});
