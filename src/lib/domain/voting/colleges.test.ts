import { describe, expect, it } from 'vitest';
import { collegeFactors, count, effectiveWeights, schulze } from './index';
import type { Ballot, Election } from './types';

const rep = (n: number, b: Ballot): Ballot[] => Array.from({ length: n }, () => ({ ...b }));
const QUARTERS = [
	{ id: 'locataires', weight: 0.25 },
	{ id: 'salaries', weight: 0.25 },
	{ id: 'bailleur', weight: 0.25 },
	{ id: 'collectivite', weight: 0.25 }
];

describe('colleges (SCIC-style weighting)', () => {
	it('4 colleges at 25 %: a college of 2 members weighs the same as a college of 20', () => {
		const r = count({
			method: 'plurality',
			options: [
				{ id: 'a', label: 'A' },
				{ id: 'b', label: 'B' }
			],
			colleges: QUARTERS,
			ballots: [
				...rep(2, { college: 'bailleur', choice: 'a' }),
				...rep(20, { college: 'locataires', choice: 'b' })
			]
		});
		expect(r.tallies).toEqual({ a: 0.25, b: 0.25 });
		expect(r.winners).toEqual(['a', 'b']);
		// colleges with no ballot contribute nothing (their share is not redistributed)
		expect(r.totalWeight).toBe(0.5);
		expect(r.valid).toBe(22);
	});

	it('each college is scaled on its own; ballot weights count inside their college', () => {
		const election: Election = {
			method: 'plurality',
			options: [
				{ id: 'a', label: 'A' },
				{ id: 'b', label: 'B' }
			],
			colleges: QUARTERS,
			ballots: [
				...rep(3, { college: 'locataires', choice: 'a' }), // locataires: a 3/4 × 0.25
				{ college: 'locataires', choice: 'b' }, //            b 1/4 × 0.25
				{ college: 'salaries', choice: 'b', weight: 3 }, //   salaries: b 3/4 × 0.25
				{ college: 'salaries', choice: 'a' }, //              a 1/4 × 0.25
				...rep(5, { college: 'bailleur', choice: 'b' }), //   bailleur: b 0.25
				{ college: 'collectivite', choice: 'a', weight: 0 }, // collectivité: weighs 0 → contributes nothing
				{ college: 'inconnu', choice: 'a' }, // invalid
				{ choice: 'a' } // invalid: no college
			]
		};
		const r = count(election);
		expect(r.tallies).toEqual({ a: 0.25, b: 0.5 });
		expect(r.winners).toEqual(['b']);
		expect(r.totalWeight).toBe(0.75);
		expect(r.invalidReasons).toEqual({ 'missing college': 1, 'unknown college "inconnu"': 1 });

		const w = effectiveWeights(election);
		expect(w.slice(0, 4)).toEqual([0.0625, 0.0625, 0.0625, 0.0625]);
		expect(w.slice(4, 6)).toEqual([0.1875, 0.0625]);
		expect(w.slice(6, 11)).toEqual([0.05, 0.05, 0.05, 0.05, 0.05]);
		expect(w.slice(11)).toEqual([0, 0, 0]);
	});

	it('invalid ballots do not count in their college sum', () => {
		const election: Election = {
			method: 'plurality',
			options: [{ id: 'a', label: 'A' }],
			colleges: [{ id: 'c', weight: 1 }],
			ballots: [{ college: 'c', choice: 'a' }, { college: 'c', choice: 'zz' }]
		};
		expect(effectiveWeights(election)).toEqual([1, 0]);
	});

	it('a ballot naming a college when the election has none is invalid', () => {
		const r = count({ method: 'plurality', options: [{ id: 'a', label: 'A' }], ballots: [{ college: 'x', choice: 'a' }] });
		expect(r.invalidReasons).toEqual({ 'unknown college "x" (the election has no colleges)': 1 });
	});

	it('collegeFactors = collegeWeight / weight sum, 0 for an empty college', () => {
		const f = collegeFactors(QUARTERS, new Map([['locataires', 20], ['salaries', 2]]));
		expect(f.get('locataires')).toBe(0.0125);
		expect(f.get('salaries')).toBe(0.125);
		expect(f.get('bailleur')).toBe(0);
	});

	it('applies to ranked methods too (fractional pairwise counts)', () => {
		const r = schulze({
			method: 'schulze',
			options: [
				{ id: 'a', label: 'A' },
				{ id: 'b', label: 'B' },
				{ id: 'c', label: 'C' }
			],
			colleges: [
				{ id: 'x', weight: 1 },
				{ id: 'y', weight: 2 }
			],
			ballots: [
				...rep(3, { college: 'x', ranking: [['a'], ['b'], ['c']] }),
				{ college: 'y', ranking: [['b'], ['c'], ['a']] },
				...rep(2, { college: 'y', ranking: [['c'], ['a'], ['b']] })
			]
		});
		// x: 1 (all a>b>c); y: 2/3 b>c>a, 4/3 c>a>b
		expect(r.tallies.a).toEqual({ b: 2.33333333333, c: 1 });
		expect(r.tallies.c).toEqual({ a: 2, b: 1.33333333333 });
		expect(r.totalWeight).toBe(3);
		// a>b 7/3 vs 2/3, b>c 5/3 vs 4/3, c>a 2 vs 1: a→c via b = 5/3 < c→a 2 → c beats a;
		// c→b via a = min(2, 7/3) = 2 > b→c 5/3 → c beats b. c wins.
		expect(r.winners).toEqual(['c']);
		expect(r.ranking).toEqual(['c', 'a', 'b']);
	});
});
