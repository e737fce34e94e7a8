/**
 * The one place where time changes state: consultations whose scheduled opening or closing has come
 * are opened or closed here, and announced live, even if nobody is looking. Started once with the
 * server (hooks.server.ts `init`), not by the socket layer; in the cluster mode it is to run on one
 * node under a lock.
 */
import { log } from './log';
import type { Services } from './services';

export const SCHEDULER_INTERVAL_MS = 30_000;

export function startScheduler(services: Services, everyMs = SCHEDULER_INTERVAL_MS): () => void {
	const tick = () => {
		try {
			services.consultations.sweep();
		} catch (err) {
			log.error('consultation sweep failed', { err: String(err) });
		}
		// Decision follow-ups whose review date has come remind their owner (once per date).
		services.register.remindReviews().catch((err: unknown) => log.error('decision review reminders failed', { err: String(err) }));
	};
	const timer = setInterval(tick, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
