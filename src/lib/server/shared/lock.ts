/**
 * Scheduled work runs once: each periodic job (the consultation sweep, reminders, the mail outbox)
 * runs under a named lock. On one node the lock only keeps a slow run from overlapping the next tick;
 * in the cluster mode it is a Redis key taken with `SET NX PX` and a random token, renewed while the
 * work runs and released by a script that deletes it only if the token is still ours, so a node whose
 * lock expired can never release another node's.
 */
import { randomBytes } from 'node:crypto';
import { log } from '../log';
import type { RedisClient } from './redis';

export interface TaskLock {
	/**
	 * Runs `work` if no other run of `name` holds the lock (on any node), and returns what it returned;
	 * returns `{ ran: false }` without waiting when the lock is taken or cannot be had (Redis down).
	 */
	run<T>(name: string, work: () => Promise<T> | T): Promise<{ ran: true; value: T } | { ran: false }>;
}

/** One process: a run of a name is skipped while the previous one is still going. */
export function createMemoryLock(): TaskLock {
	const running = new Set<string>();
	return {
		async run(name, work) {
			if (running.has(name)) return { ran: false };
			running.add(name);
			try {
				return { ran: true, value: await work() };
			} finally {
				running.delete(name);
			}
		}
	};
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisLockOptions {
	/** Key prefix (deployment, or test run). */
	prefix: string;
	/** How long a lock outlives a node that died holding it. Renewed every third of it while work runs. */
	ttlMs?: number;
}

export function createRedisLock(redis: RedisClient, { prefix, ttlMs = 30_000 }: RedisLockOptions): TaskLock {
	return {
		async run(name, work) {
			const key = `${prefix}lock:${name}`;
			const token = randomBytes(16).toString('hex');
			try {
				if ((await redis.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })) !== 'OK') return { ran: false };
			} catch (err) {
				// Without Redis no node can be sure it is alone: skip this tick, the next one retries.
				log.warn('scheduled work skipped: lock unavailable', { name, err: String(err) });
				return { ran: false };
			}
			const renew = setInterval(() => {
				redis
					.eval(RENEW, { keys: [key], arguments: [token, String(ttlMs)] })
					.catch((err: unknown) => log.warn('lock not renewed', { name, err: String(err) }));
			}, Math.max(10, Math.floor(ttlMs / 3)));
			renew.unref();
			try {
				return { ran: true, value: await work() };
			} finally {
				clearInterval(renew);
				// If this fails the key expires by itself after ttlMs.
				await redis.eval(RELEASE, { keys: [key], arguments: [token] }).catch((err: unknown) => log.warn('lock not released', { name, err: String(err) }));
			}
		}
	};
}
