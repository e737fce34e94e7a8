import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count, createTally, ElectionConfigError } from './index';
import type { Election } from './types';
import { tidy } from './numeric';

const opts = (ids: string) => ids.split('').map((id) => ({ id, label: id }));

describe('createTally (live results)', () => {
	it('follows votes, vote changes and withdrawals', () => {
		const tally = createTally({ method: 'schulze', options: opts('abc') });
		expect(tally.result().winners).toEqual([]);
		tally.add({ ranking: [['a'], ['b']] });
		tally.add({ ranking: [['b'], ['c']] });
		tally.add({ ranking: [['b'], ['a']] });
		expect(tally.result().winners).toEqual(['b']);
		// voter 3 changes their mind
		tally.remove({ ranking: [['b'], ['a']] }); // a deep-equal copy is enough
		tally.add({ ranking: [['a'], ['c']] });
		expect(tally.result().winners).toEqual(['a']);
		expect(tally.size).toBe(3);
		expect(tally.result().tallies.a).toEqual({ b: 2, c: 2 });
	});

	it('starts from election.ballots and equals count()', () => {
		const e: Election = {
			method: 'irv',
			options: opts('abc'),
			ballots: [
				{ ranking: [['a']] },
				{ ranking: [['b'], ['a']] },
				{ ranking: [['c'], ['b']] },
				{ ranking: [['c']] },
				{ ranking: [['c']], weight: 0.5 }
			]
		};
		const tally = createTally(e);
		expect(tally.result()).toEqual(count(e));
		expect(tally.result().winners).toEqual(['c']);
	});

	it('a result handed out stays as it was while other tallies, of other sizes, are counted (no buffer shared with it)', () => {
		// Schulze, IRV and majority judgment reuse scratch matrices from one result to the next.
		const grades = ['Bien', 'Passable', 'Insuffisant'];
		const big = { options: opts('abcde') };
		const small = { options: opts('xy') };
		const cases: [Election, Election][] = [
			[
				{ method: 'schulze', ...big, ballots: [{ ranking: [['a'], ['b', 'c'], ['d']] }, { ranking: [['e'], ['a']] }, { ranking: [['b'], ['a']] }] },
				{ method: 'schulze', ...small, ballots: [{ ranking: [['y'], ['x']] }, { ranking: [['y']] }] }
			],
			[
				{ method: 'irv', ...big, ballots: [{ ranking: [['a', 'b'], ['c']] }, { ranking: [['c'], ['d', 'e']] }, { ranking: [['e']] }, { ranking: [['b']] }] },
				{ method: 'irv', ...small, ballots: [{ ranking: [['x']] }, { ranking: [['y']] }, { ranking: [['y']] }] }
			],
			[
				{ method: 'majority-judgment', grades, ...big, ballots: [{ grades: { a: 0, b: 1, c: 2 } }, { grades: { a: 1, d: 0, e: 0 } }] },
				{ method: 'majority-judgment', grades, ...small, ballots: [{ grades: { x: 2, y: 0 } }, { grades: { x: 1 } }] }
			]
		];
		for (const [one, other] of cases) {
			const first = createTally(one);
			const handed = first.result();
			const copy = structuredClone(handed);
			const second = createTally(other);
			second.result();
			first.add(one.ballots[0]!);
			first.result();
			second.add(other.ballots[1]!);
			second.result();
			expect(handed).toEqual(copy);
			expect(handed).toEqual(count(one));
		}
	});

	it('counts invalid ballots and can remove them', () => {
		const tally = createTally({ method: 'plurality', options: opts('ab') });
		tally.add({ choice: 'zz' });
		tally.add({ choice: 'a' });
		expect(tally.result().invalid).toBe(1);
		tally.remove({ choice: 'zz' });
		const r = tally.result();
		expect(r.invalid).toBe(0);
		expect(r.invalidReasons).toEqual({});
		expect(r.valid).toBe(1);
	});

	it('refuses to remove a ballot that was never added', () => {
		const tally = createTally({ method: 'plurality', options: opts('ab') });
		tally.add({ choice: 'a' });
		expect(() => tally.remove({ choice: 'b' })).toThrow(/never added/);
		expect(() => tally.remove({ choice: 'a', weight: 2 })).toThrow(/never added/);
		tally.remove({ choice: 'a' });
		expect(() => tally.remove({ choice: 'a' })).toThrow(/never added/);
		expect(tally.size).toBe(0);
	});

	it('the ballot key ignores property order', () => {
		const tally = createTally({ method: 'majority-judgment', grades: ['Bien', 'Mal'], options: opts('ab') });
		tally.add({ weight: 2, grades: { a: 0, b: 1 } });
		tally.remove({ grades: { b: 1, a: 0 }, weight: 2 });
		expect(tally.size).toBe(0);
		// A field left undefined is no field at all; an array's order is its meaning.
		tally.add({ grades: { a: 1, b: 0 }, weight: undefined });
		expect(() => tally.remove({ grades: { a: 0, b: 1 } })).toThrow(/never added/);
		tally.remove({ grades: { b: 0, a: 1 } });
		expect(tally.size).toBe(0);
		const ranked = createTally({ method: 'schulze', options: opts('abc') });
		ranked.add({ ranking: [['a', 'b'], ['c']] });
		expect(() => ranked.remove({ ranking: [['c'], ['a', 'b']] })).toThrow(/never added/);
		ranked.remove({ ranking: [['a', 'b'], ['c']] });
		expect(ranked.size).toBe(0);
	});

	it('a college that loses its last ballot contributes exactly nothing again', () => {
		const tally = createTally({
			method: 'approval',
			options: opts('ab'),
			colleges: [
				{ id: 'x', weight: 0.5 },
				{ id: 'y', weight: 0.5 }
			]
		});
		tally.add({ college: 'x', approve: ['a'], weight: 0.1 });
		tally.add({ college: 'x', approve: ['a', 'b'], weight: 0.2 });
		tally.add({ college: 'y', approve: ['b'] });
		tally.remove({ college: 'x', approve: ['a'], weight: 0.1 });
		tally.remove({ college: 'x', approve: ['a', 'b'], weight: 0.2 });
		const r = tally.result();
		expect(r.tallies).toEqual({ a: 0, b: 0.5 });
		expect(r.totalWeight).toBe(0.5);
	});

	it('rejects a misconfigured election', () => {
		expect(() => createTally({ method: 'dot', options: opts('ab') })).toThrow(ElectionConfigError);
		expect(() => count({ method: 'budget', options: opts('ab'), budget: 10, ballots: [] })).toThrow(
			/options\[0\]\.cost: every project needs a cost/
		);
	});
});

describe('tidy', () => {
	it('gives back a whole number of up to 12 digits, or of quarters up to 10, as it is, and rounds anything else to 12 significant digits', () => {
		const rounded = (x: number) => Number(x.toPrecision(12));
		const whole = [1, -1, 7, 123456, 999_999_999_999, -999_999_999_999, 1e12, 1e12 + 1, 123_456_789_012_345, -1e13 - 3, 2 ** 53];
		const quarters = [0.5, 0.25, -0.75, 9_999_999_999.75, -9_999_999_999.25, 10_000_000_000.5, 12_345_678_901.25, 99_999_999_999.75];
		const values = [...whole, ...quarters, 1 / 3, -2 / 3, 1 / 8, 1e-3, 12.0000000000004, NaN, Infinity];
		for (const x of values) expect(Object.is(tidy(x), rounded(x)), String(x)).toBe(true);
		// Near zero (against the scale), -0 included: +0.
		for (const x of [0, -0, 1e-11, -1e-11]) expect(Object.is(tidy(x), 0)).toBe(true);
		expect(tidy(5e-9, 1e3)).toBe(0);
		expect(tidy(5e-6, 1e3)).toBe(0.000005);
	});

	it('rounds without a string exactly as toPrecision(12) does: any double, shares of a total, halves at the 12th digit and their neighbours', () => {
		const rounded = (x: number) => Number(x.toPrecision(12));
		const same = (x: number) => Math.abs(x) <= 1e-10 || Object.is(tidy(x), rounded(x));
		fc.assert(fc.property(fc.double({ noNaN: true }), same), { numRuns: 20_000 });
		// What the counts tidy most: a weight over a total (majority judgment's shares, Borda's averages).
		fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), (a, b) => same(a / b) && same(-a / b) && same((a * 0.1) / 3)), {
			numRuns: 20_000
		});
		// A 12-digit number followed by a 5, in every decade, and the doubles on either side of it:
		// where rounding the scaled product and rounding the exact value could part.
		fc.assert(
			fc.property(fc.integer({ min: 100_000_000_000, max: 999_999_999_999 }), fc.integer({ min: -30, max: 30 }), fc.integer({ min: -3, max: 3 }), (digits, exp, step) => {
				let x = Number(`${digits}5e${exp}`);
				for (let i = 0; i < Math.abs(step); i++) x = step > 0 ? nextUp(x) : -nextUp(-x);
				return same(x) && same(-x);
			}),
			{ numRuns: 20_000 }
		);
	});
});

/** The next double above x (x finite and positive or negative). */
function nextUp(x: number): number {
	const view = new DataView(new ArrayBuffer(8));
	view.setFloat64(0, x);
	const bits = view.getBigUint64(0);
	view.setBigUint64(0, x >= 0 ? bits + 1n : bits - 1n);
	return view.getFloat64(0);
}
