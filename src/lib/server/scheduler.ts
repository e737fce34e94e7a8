/**
 * The one place where time changes state: consultations whose scheduled opening or closing has come
 * are opened or closed here, and announced live, even if nobody is looking. Started once with the
 * server (hooks.server.ts `init`), not by the socket layer. Every node of a cluster runs the same
 * timer; each tick takes the `scheduler` lock (shared/lock.ts), so one node at a time does the work,
 * and the work itself only records what the database says is due (a second tick finds nothing).
 */
import { log } from './log';
import type { Services } from './services';
import { createMemoryLock, type TaskLock } from './shared/lock';

export const SCHEDULER_INTERVAL_MS = 30_000;

/** One tick: the sweep and the review reminders, under the lock. Resolves with whether this node did the work. */
export async function schedulerTick(services: Services, lock: TaskLock): Promise<boolean> {
	const { ran } = await lock.run('scheduler', async () => {
		await services.consultations.sweep().catch((err: unknown) => log.error('consultation sweep failed', { err: String(err) }));
		// Decision follow-ups whose review date has come remind their owner (once per date).
		await services.register.remindReviews().catch((err: unknown) => log.error('decision review reminders failed', { err: String(err) }));
	});
	return ran;
}

/**
 * Ticks once at once, then every `everyMs`: what came due while the server was down (a closing, a
 * review date) is done when it starts, not up to a tick later, and the first minute after a start
 * is as quiet as the rest.
 */
export function startScheduler(services: Services, everyMs = SCHEDULER_INTERVAL_MS, lock: TaskLock = services.deps.lock ?? createMemoryLock()): () => void {
	void schedulerTick(services, lock);
	const timer = setInterval(() => void schedulerTick(services, lock), everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
