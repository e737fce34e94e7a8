import { describe, expect, it } from 'vitest';
import { randomIds, secureRandom } from './ids';

describe('random bytes drawn from the pool (ids, secrets, tokens)', () => {
	it('hands out each byte once: draws across many refills of the pool are all different, and none is blank', () => {
		// 5,000 draws of 10 bytes: twelve 4 KB pools. A byte handed out twice, or a zeroed slot handed
		// out, would show as a repeated or an all-zero draw.
		const seen = new Set<string>();
		for (let i = 0; i < 5000; i++) {
			const draw = secureRandom(10);
			expect(draw).toHaveLength(10);
			expect(draw.some((b) => b !== 0)).toBe(true);
			seen.add(Buffer.from(draw).toString('hex'));
		}
		expect(seen.size).toBe(5000);
		const ids = new Set(Array.from({ length: 5000 }, () => randomIds.id()));
		expect(ids.size).toBe(5000);
		expect([...ids].every((id) => /^[a-z2-7]{16}$/.test(id))).toBe(true);
	});

	it('gives what is asked, small or large, and a draw is the caller’s own (the pool does not change it later)', () => {
		for (const n of [1, 4, 16, 32, 511, 512, 513, 4096, 10_000]) expect(secureRandom(n)).toHaveLength(n);
		const kept = secureRandom(32);
		const before = Buffer.from(kept).toString('hex');
		// Enough draws to wrap the pool several times over the bytes `kept` came from.
		for (let i = 0; i < 2000; i++) secureRandom(32);
		expect(Buffer.from(kept).toString('hex')).toBe(before);
	});

	it('is uniform: every byte value appears as often as chance allows in 200,000 bytes', () => {
		const counts = new Array<number>(256).fill(0);
		for (let i = 0; i < 10_000; i++) for (const b of secureRandom(20)) counts[b]!++;
		const expected = 200_000 / 256;
		const sigma = Math.sqrt(expected * (1 - 1 / 256));
		// Six standard deviations: a fair source fails this about once in a million runs.
		for (const c of counts) expect(Math.abs(c - expected)).toBeLessThan(6 * sigma);
	});
});
