import { afterAll, describe, expect, it } from 'vitest';
import { TestClock } from '../testing';
import { testRedis } from '../testing/redis';
import { JOIN_ADDRESS, SIGNIN_ACCOUNT, SIGNIN_ACCOUNT_AT_ADDRESS, SIGNIN_ADDRESS } from '../services/auth';
import { RedisAttemptLimiter } from '../shared/limiter';
import { backoffDelay, MemoryAttemptLimiter, type AttemptLimiter } from './rate-limit';

const MINUTE = 60_000;

it('lets the free attempts through, then doubles the wait up to its ceiling', () => {
	const delays = Array.from({ length: 14 }, (_, i) => backoffDelay(SIGNIN_ACCOUNT_AT_ADDRESS, i + 1));
	expect(delays.slice(0, 4)).toEqual([0, 0, 0, 0]);
	expect(delays.slice(4, 8)).toEqual([10_000, 20_000, 40_000, 80_000]);
	expect(Math.max(...delays)).toBe(15 * MINUTE);
});

const redis = testRedis();
afterAll(() => redis.cleanup());
let run = 0;

/** Every behaviour below holds for both: one process's memory, and Redis shared by the nodes. */
const implementations: [string, (clock: TestClock) => Promise<AttemptLimiter>][] = [
	['in memory', async (clock) => new MemoryAttemptLimiter(clock)],
	// A fresh namespace per test, as a fresh MemoryAttemptLimiter is.
	['in Redis', async (clock) => new RedisAttemptLimiter(await redis.connect(), clock, `${redis.prefix}limiter:${++run}:`)]
];

describe.each(implementations)('attempt limiter %s', (_name, create) => {
	const limiterWith = create;

	it('one address trying many accounts is slowed after 30 attempts; another address is not', async () => {
		const limiter = await limiterWith(new TestClock());
		for (let i = 0; i < 30; i++) expect(await limiter.reserve([{ key: 'ip:192.0.2.7', backoff: SIGNIN_ADDRESS }])).toBe(0);
		expect(await limiter.reserve([{ key: 'ip:192.0.2.7', backoff: SIGNIN_ADDRESS }])).toBe(10_000);
		expect(await limiter.reserve([{ key: 'ip:192.0.2.8', backoff: SIGNIN_ADDRESS }])).toBe(0);
	});

	it('reserves on every key or on none: a refused attempt counts nowhere', async () => {
		const limiter = await limiterWith(new TestClock());
		const tight = { free: 1, baseMs: 1000, maxMs: 1000, forgetMs: MINUTE };
		expect(await limiter.reserve([{ key: 'a', backoff: tight }])).toBe(0);
		// "a" must wait, so "b" is not counted either.
		for (let i = 0; i < 5; i++) expect(await limiter.reserve([{ key: 'b', backoff: tight }, { key: 'a', backoff: tight }])).toBe(1000);
		expect(await limiter.reserve([{ key: 'b', backoff: tight }])).toBe(0);
	});

	it('refunds: people who sign in correctly from a shared address never slow it down', async () => {
		const limiter = await limiterWith(new TestClock());
		for (let i = 0; i < 100; i++) {
			expect(await limiter.reserve([{ key: 'ip', backoff: SIGNIN_ADDRESS }, { key: 'account', backoff: SIGNIN_ACCOUNT }])).toBe(0);
			await limiter.refund('ip');
			await limiter.refund('account');
		}
	});

	it('forgets a key left alone, and never makes the owner wait more than a minute across addresses', async () => {
		const clock = new TestClock();
		const limiter = await limiterWith(clock);
		for (let i = 0; i < 20; i++) await limiter.reserve([{ key: 'join', backoff: JOIN_ADDRESS }]);
		expect(await limiter.reserve([{ key: 'join', backoff: JOIN_ADDRESS }])).toBeGreaterThan(0);
		clock.advance(2 * 60 * MINUTE);
		expect(await limiter.reserve([{ key: 'join', backoff: JOIN_ADDRESS }])).toBe(0);
		expect(Math.max(...Array.from({ length: 100 }, (_, i) => backoffDelay(SIGNIN_ACCOUNT, i)))).toBe(MINUTE);
	});
});

describe('attempt limiter shared by two nodes', () => {
	it('counts attempts made on either node together, with the same backoff as in memory', async () => {
		const clock = new TestClock();
		const prefix = `${redis.prefix}nodes:`;
		const node1 = new RedisAttemptLimiter(await redis.connect('node 1'), clock, prefix);
		const node2 = new RedisAttemptLimiter(await redis.connect('node 2'), clock, prefix);
		const memory = new MemoryAttemptLimiter(clock);
		const attempt = [{ key: 'signin:ip:192.0.2.9', backoff: SIGNIN_ADDRESS }];
		// 30 free attempts, alternating nodes: the 31st waits, whichever node it reaches.
		for (let i = 0; i < 30; i++) {
			expect(await (i % 2 ? node2 : node1).reserve(attempt)).toBe(0);
			expect(await memory.reserve(attempt)).toBe(0);
		}
		expect(await node1.reserve(attempt)).toBe(10_000);
		expect(await node2.reserve(attempt)).toBe(10_000);
		expect(await memory.reserve(attempt)).toBe(10_000);
		clock.advance(10_000);
		expect(await node2.reserve(attempt)).toBe(0);
		expect(await memory.reserve(attempt)).toBe(0);
		expect(await node1.reserve(attempt)).toBe(20_000);
		expect(await memory.reserve(attempt)).toBe(20_000);
		// A refund on one node is seen by the other; a clear forgets the key everywhere.
		await node1.refund(attempt[0]!.key);
		await memory.refund(attempt[0]!.key);
		expect(await node2.reserve(attempt)).toBe(await memory.reserve(attempt));
		await node2.clear(attempt[0]!.key);
		expect(await node1.reserve(attempt)).toBe(0);
	});

	it('parallel attempts on two nodes are each counted once: no more than the free ones go through', async () => {
		const clock = new TestClock();
		const prefix = `${redis.prefix}race:`;
		const nodes = [new RedisAttemptLimiter(await redis.connect('race 1'), clock, prefix), new RedisAttemptLimiter(await redis.connect('race 2'), clock, prefix)];
		const tight = { free: 5, baseMs: 1000, maxMs: 60_000, forgetMs: MINUTE };
		const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => nodes[i % 2]!.reserve([{ key: 'join:ip', backoff: tight }])));
		// The 5 free ones (the 5th starts the wait); every later one is refused and not counted.
		expect(waits.filter((w) => w === 0)).toHaveLength(5);
	});
});
