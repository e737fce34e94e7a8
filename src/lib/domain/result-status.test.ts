import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { percentShares, resultStatus } from './result-status';

describe('result status', () => {
	it('is provisional while the vote is open or not yet open, whatever the quorum says', () => {
		for (const q of [true, false, null]) {
			expect(resultStatus('open', q)).toBe('provisional');
			expect(resultStatus('draft', q)).toBe('provisional');
		}
	});
	it('is final once closed with the quorum met or no quorum asked', () => {
		expect(resultStatus('closed', true)).toBe('final');
		expect(resultStatus('closed', null)).toBe('final');
	});
	it('is not valid when closed below the quorum', () => {
		expect(resultStatus('closed', false)).toBe('invalid');
	});
});

describe('percent shares', () => {
	it('shares weighted votes of the weight cast (one college of two voted "for")', () => {
		expect(percentShares({ for: 0.5, against: 0, abstain: 0, object: 0 })).toEqual({ for: 100, against: 0, abstain: 0, object: 0 });
	});
	it('rounds thirds so they add up to 100', () => {
		const s = percentShares({ a: 1, b: 1, c: 1 });
		expect(s.a + s.b + s.c).toBe(100);
		expect(Object.values(s).sort()).toEqual([33, 33, 34]);
	});
	it('is all zero when nothing was cast', () => {
		expect(percentShares({ a: 0, b: 0 })).toEqual({ a: 0, b: 0 });
	});
	it('always adds up to 100 and never moves a share by a whole point or more', () => {
		fc.assert(
			fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 12 }), (vals) => {
				const tallies = Object.fromEntries(vals.map((v, i) => [`o${i}`, v]));
				const total = vals.reduce((a, b) => a + b, 0);
				const s = percentShares(tallies);
				const sum = Object.values(s).reduce((a, b) => a + b, 0);
				if (total === 0) {
					// fast-check fails a property that returns anything but undefined or true, so no `return expect(…)`.
					expect(sum).toBe(0);
					return;
				}
				expect(sum).toBe(100);
				vals.forEach((v, i) => expect(Math.abs(s[`o${i}`]! - (v / total) * 100)).toBeLessThan(1));
			})
		);
	});
});
