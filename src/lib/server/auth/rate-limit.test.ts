import { describe, expect, it } from 'vitest';
import { TestClock } from '../testing';
import { JOIN_ADDRESS, SIGNIN_ACCOUNT, SIGNIN_ACCOUNT_AT_ADDRESS, SIGNIN_ADDRESS } from '../services/auth';
import { backoffDelay, MemoryAttemptLimiter } from './rate-limit';

const MINUTE = 60_000;

describe('attempt limiter', () => {
	it('lets the free attempts through, then doubles the wait up to its ceiling', () => {
		const delays = Array.from({ length: 14 }, (_, i) => backoffDelay(SIGNIN_ACCOUNT_AT_ADDRESS, i + 1));
		expect(delays.slice(0, 4)).toEqual([0, 0, 0, 0]);
		expect(delays.slice(4, 8)).toEqual([10_000, 20_000, 40_000, 80_000]);
		expect(Math.max(...delays)).toBe(15 * MINUTE);
	});

	it('one address trying many accounts is slowed after 30 attempts; another address is not', async () => {
		const limiter = new MemoryAttemptLimiter(new TestClock());
		for (let i = 0; i < 30; i++) expect(await limiter.reserve([{ key: 'ip:192.0.2.7', backoff: SIGNIN_ADDRESS }])).toBe(0);
		expect(await limiter.reserve([{ key: 'ip:192.0.2.7', backoff: SIGNIN_ADDRESS }])).toBe(10_000);
		expect(await limiter.reserve([{ key: 'ip:192.0.2.8', backoff: SIGNIN_ADDRESS }])).toBe(0);
	});

	it('reserves on every key or on none: a refused attempt counts nowhere', async () => {
		const limiter = new MemoryAttemptLimiter(new TestClock());
		const tight = { free: 1, baseMs: 1000, maxMs: 1000, forgetMs: MINUTE };
		expect(await limiter.reserve([{ key: 'a', backoff: tight }])).toBe(0);
		// "a" must wait, so "b" is not counted either.
		for (let i = 0; i < 5; i++) expect(await limiter.reserve([{ key: 'b', backoff: tight }, { key: 'a', backoff: tight }])).toBe(1000);
		expect(await limiter.reserve([{ key: 'b', backoff: tight }])).toBe(0);
	});

	it('refunds: people who sign in correctly from a shared address never slow it down', async () => {
		const limiter = new MemoryAttemptLimiter(new TestClock());
		for (let i = 0; i < 100; i++) {
			expect(await limiter.reserve([{ key: 'ip', backoff: SIGNIN_ADDRESS }, { key: 'account', backoff: SIGNIN_ACCOUNT }])).toBe(0);
			await limiter.refund('ip');
			await limiter.refund('account');
		}
	});

	it('forgets a key left alone, and never makes the owner wait more than a minute across addresses', async () => {
		const clock = new TestClock();
		const limiter = new MemoryAttemptLimiter(clock);
		for (let i = 0; i < 20; i++) await limiter.reserve([{ key: 'join', backoff: JOIN_ADDRESS }]);
		expect(await limiter.reserve([{ key: 'join', backoff: JOIN_ADDRESS }])).toBeGreaterThan(0);
		clock.advance(2 * 60 * MINUTE);
		expect(await limiter.reserve([{ key: 'join', backoff: JOIN_ADDRESS }])).toBe(0);
		expect(Math.max(...Array.from({ length: 100 }, (_, i) => backoffDelay(SIGNIN_ACCOUNT, i)))).toBe(MINUTE);
	});
});
