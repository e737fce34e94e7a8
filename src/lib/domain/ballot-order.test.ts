import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ballotOrder, seededShuffle } from './ballot-order';

const opts = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));

describe('ballot order', () => {
	it('is a permutation of the options and leaves the input alone', () => {
		fc.assert(
			fc.property(fc.uniqueArray(fc.string(), { maxLength: 12 }), fc.string(), (items, seed) => {
				const copy = [...items];
				const out = seededShuffle(items, seed);
				expect(items).toEqual(copy);
				expect([...out].sort()).toEqual([...items].sort());
			})
		);
	});

	it('is stable for one voter on one consultation', () => {
		expect(ballotOrder(opts, 'u1', 'c1', 'random')).toEqual(ballotOrder(opts, 'u1', 'c1', 'random'));
	});

	it('differs between voters: over many voters every option leads, and about equally often', () => {
		const firsts = new Map<string, number>();
		for (let v = 0; v < 5000; v++) {
			const first = ballotOrder(opts, `voter-${v}`, 'c1', 'random')[0]!.id;
			firsts.set(first, (firsts.get(first) ?? 0) + 1);
		}
		expect([...firsts.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
		// 1000 expected each; a fair shuffle stays well within ±15 %.
		for (const n of firsts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
	});

	it('differs between consultations for the same voter', () => {
		const orders = new Set(Array.from({ length: 20 }, (_, i) => ballotOrder(opts, 'u1', `c${i}`, 'random').map((o) => o.id).join('')));
		expect(orders.size).toBeGreaterThan(1);
	});

	it('keeps the organiser’s order when it is fixed', () => {
		expect(ballotOrder(opts, 'u1', 'c1', 'fixed')).toEqual(opts);
	});
});
