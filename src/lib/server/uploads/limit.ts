import { UserError } from '../services/errors';

/**
 * A small semaphore for CPU-heavy work (decoding images): at most `concurrency` jobs run, at most
 * `maxWaiting` wait, and any more are refused at once with a "busy" message rather than queued
 * without bound, so a burst of uploads cannot hold every core and all the memory.
 */
export function createLimiter(concurrency: number, maxWaiting: number) {
	let running = 0;
	const waiting: (() => void)[] = [];
	const release = () => {
		running--;
		waiting.shift()?.();
	};
	return async function run<T>(job: () => Promise<T>): Promise<T> {
		if (running >= concurrency) {
			if (waiting.length >= maxWaiting) throw new UserError('security.busy', {}, 503);
			await new Promise<void>((resolve) => waiting.push(resolve));
		}
		running++;
		try {
			return await job();
		} finally {
			release();
		}
	};
}
