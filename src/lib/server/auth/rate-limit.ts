import type { Clock } from '../ids';

/**
 * How attempts on one key slow down: the first `free` attempts go through at once, then each
 * further one must wait `baseMs`, doubling up to `maxMs`. A key left alone for `forgetMs` starts over.
 * A backoff, not a lock-out: someone who types her password wrong five times waits seconds, not
 * fifteen minutes, and a stranger cannot keep her out for long.
 */
export interface Backoff {
	free: number;
	baseMs: number;
	maxMs: number;
	forgetMs: number;
}

export interface Attempt {
	key: string;
	backoff: Backoff;
}

/**
 * Throttles attempts (sign-in, join, reset codes). An attempt is *reserved* before the expensive
 * work (hashing) starts, so parallel requests cannot all read "allowed" before any of them is
 * counted (wave 2 got 41 parallel guesses through a limiter that was read before the hash and
 * written after it). Async so that a Redis implementation (INCR + PEXPIRE in a script) fits later.
 */
export interface AttemptLimiter {
	/**
	 * Counts one attempt on every key at once, or on none of them: returns 0 when the attempt may
	 * go ahead, else the milliseconds until the slowest key allows it (nothing is counted then).
	 */
	reserve(attempts: readonly Attempt[]): Promise<number>;
	/** Gives back one reserved attempt (the attempt turned out legitimate, e.g. a correct password). */
	refund(key: string): Promise<void>;
	/** Forgets a key entirely (a successful sign-in clears that account's slow-down on that address). */
	clear(key: string): Promise<void>;
}

export function backoffDelay(backoff: Backoff, count: number): number {
	if (count < backoff.free) return 0;
	return Math.min(backoff.maxMs, backoff.baseMs * 2 ** (count - backoff.free));
}

interface Entry {
	count: number;
	nextAt: number;
	lastAt: number;
	backoff: Backoff;
}

/** One process's memory: a restart forgives, which is acceptable for throttling. */
export class MemoryAttemptLimiter implements AttemptLimiter {
	#entries = new Map<string, Entry>();
	constructor(private readonly clock: Clock) {}

	#live(key: string, now: number): Entry | undefined {
		const entry = this.#entries.get(key);
		if (entry && now - Math.max(entry.lastAt, entry.nextAt) > entry.backoff.forgetMs) {
			this.#entries.delete(key);
			return undefined;
		}
		return entry;
	}

	// Synchronous inside: on one Node process, check-and-count cannot interleave with another request.
	async reserve(attempts: readonly Attempt[]): Promise<number> {
		const now = this.clock.now().getTime();
		const wait = Math.max(0, ...attempts.map(({ key }) => (this.#live(key, now)?.nextAt ?? 0) - now));
		if (wait > 0) return wait;
		for (const { key, backoff } of attempts) {
			const entry = this.#live(key, now) ?? { count: 0, nextAt: 0, lastAt: now, backoff };
			entry.count += 1;
			entry.lastAt = now;
			entry.nextAt = now + backoffDelay(backoff, entry.count);
			this.#entries.set(key, entry);
		}
		if (this.#entries.size > 50_000) this.#sweep(now);
		return 0;
	}

	async refund(key: string): Promise<void> {
		const entry = this.#entries.get(key);
		if (!entry) return;
		entry.count = Math.max(0, entry.count - 1);
		entry.nextAt = entry.lastAt + backoffDelay(entry.backoff, entry.count);
	}

	async clear(key: string): Promise<void> {
		this.#entries.delete(key);
	}

	#sweep(now: number) {
		for (const key of [...this.#entries.keys()]) this.#live(key, now);
	}
}
