/**
 * The attempt limiter of the cluster mode: the same backoff as `MemoryAttemptLimiter`, counted in
 * Redis so attempts on every node add up. Each key is one hash (count, next allowed time, last
 * attempt, and the backoff it was created with); reserve and refund are Lua scripts, so checking
 * every key and counting on all of them (or none) is one atomic step, whichever node asks.
 *
 * Times come from the node's clock (passed in), as in memory; Redis expires a key once it would be
 * forgotten anyway, so nothing piles up.
 */
import type { Attempt, AttemptLimiter } from '../auth/rate-limit';
import type { Clock } from '../ids';
import { log } from '../log';
import { UserError } from '../services/errors';
import type { RedisClient } from './redis';

/** Shared by the scripts: an entry as {count, nextAt, lastAt, free, base, max, forget}, or nil when forgotten. */
const ENTRY = `
local function entry(key, now)
  local e = redis.call('HMGET', key, 'count', 'nextAt', 'lastAt', 'free', 'base', 'max', 'forget')
  if not e[1] then return nil end
  local x = {}
  for i = 1, 7 do x[i] = tonumber(e[i]) end
  if now - math.max(x[3], x[2]) > x[7] then
    redis.call('DEL', key)
    return nil
  end
  return x
end
local function delay(x)
  if x[1] < x[4] then return 0 end
  return math.min(x[6], x[5] * 2 ^ (x[1] - x[4]))
end
local function save(key, x, now)
  redis.call('HSET', key, 'count', x[1], 'nextAt', x[2], 'lastAt', x[3], 'free', x[4], 'base', x[5], 'max', x[6], 'forget', x[7])
  redis.call('PEXPIRE', key, math.max(1, math.max(x[2], x[3]) + x[7] - now + 1))
end
`;

/** KEYS: the attempt keys; ARGV: now, then free/base/max/forget for each key. Returns the wait (0: counted). */
const RESERVE = `${ENTRY}
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local x = entry(key, now)
  if x and x[2] - now > wait then wait = x[2] - now end
end
if wait > 0 then return math.ceil(wait) end
for i, key in ipairs(KEYS) do
  local o = 1 + (i - 1) * 4
  local x = entry(key, now) or {0, 0, now, tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])}
  x[1] = x[1] + 1
  x[3] = now
  x[2] = now + delay(x)
  save(key, x, now)
end
return 0
`;

/** KEYS[1]: the key; ARGV[1]: now. */
const REFUND = `${ENTRY}
local now = tonumber(ARGV[1])
local x = entry(KEYS[1], now)
if not x then return 0 end
x[1] = math.max(0, x[1] - 1)
x[2] = x[3] + delay(x)
save(KEYS[1], x, now)
return 1
`;

/** Redis unreachable: the person is told to try again in a moment, in her language, never a 500. */
const unavailable = (err: unknown): never => {
	log.error('attempt limiter unavailable', { err: String(err) });
	throw new UserError('error.unexpected', {}, 503);
};

export class RedisAttemptLimiter implements AttemptLimiter {
	constructor(
		private readonly redis: RedisClient,
		private readonly clock: Clock,
		/** Namespaces the keys (deployment prefix; tests use one per run). */
		private readonly prefix: string
	) {}

	async reserve(attempts: readonly Attempt[]): Promise<number> {
		if (attempts.length === 0) return 0;
		const keys = attempts.map((a) => `${this.prefix}${a.key}`);
		const args = [String(this.clock.now().getTime())];
		for (const { backoff } of attempts) args.push(String(backoff.free), String(backoff.baseMs), String(backoff.maxMs), String(backoff.forgetMs));
		try {
			return Number(await this.redis.eval(RESERVE, { keys, arguments: args }));
		} catch (err) {
			return unavailable(err);
		}
	}

	// A refund or clear follows a legitimate attempt (a correct password): if Redis went away since,
	// the attempt still succeeds; the throttle is merely a little stricter until the key is forgotten.
	async refund(key: string): Promise<void> {
		try {
			await this.redis.eval(REFUND, { keys: [`${this.prefix}${key}`], arguments: [String(this.clock.now().getTime())] });
		} catch (err) {
			log.warn('attempt not refunded', { err: String(err) });
		}
	}

	async clear(key: string): Promise<void> {
		try {
			await this.redis.del(`${this.prefix}${key}`);
		} catch (err) {
			log.warn('attempts not cleared', { err: String(err) });
		}
	}
}
