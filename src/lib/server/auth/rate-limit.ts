import type { Clock } from '../ids';

/**
 * Counts failures in a fixed window per key. Kept in memory: a restart forgives, which is acceptable
 * for sign-in throttling (the scale-out mode would move this to Redis).
 */
export class FailureLimiter {
	#entries = new Map<string, { count: number; resetAt: number }>();
	constructor(
		private readonly clock: Clock,
		readonly max: number,
		readonly windowMs: number
	) {}

	/** Milliseconds until the key may try again, or 0 when it may try now. */
	retryAfter(key: string): number {
		const entry = this.#entries.get(key);
		const now = this.clock.now().getTime();
		if (!entry || entry.resetAt <= now) return 0;
		return entry.count >= this.max ? entry.resetAt - now : 0;
	}

	fail(key: string) {
		const now = this.clock.now().getTime();
		const entry = this.#entries.get(key);
		if (!entry || entry.resetAt <= now) this.#entries.set(key, { count: 1, resetAt: now + this.windowMs });
		else entry.count += 1;
		if (this.#entries.size > 50_000) this.#sweep(now);
	}

	reset(key: string) {
		this.#entries.delete(key);
	}

	#sweep(now: number) {
		for (const [key, entry] of this.#entries) if (entry.resetAt <= now) this.#entries.delete(key);
	}
}
