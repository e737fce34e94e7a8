/**
 * Work that bus subscribers start after a commit (the register's follow-up, minutes adopted by a
 * vote): run without blocking the publisher, but tracked, so that a script closing the database (the
 * demo seed, a test) can first wait until every piece of it has finished (`settled`).
 */
import { log } from '../log';

export interface Inflight {
	/** Starts `work` now; a failure is logged under `name`, never thrown at the publisher. */
	run(name: string, work: () => Promise<unknown>): void;
	/** Resolves once nothing runs, including work started by work that was running. */
	settled(): Promise<void>;
}

export function createInflight(): Inflight {
	const running = new Set<Promise<unknown>>();
	return {
		run(name, work) {
			const p: Promise<unknown> = Promise.resolve()
				.then(work)
				.catch((err: unknown) => log.error(`${name} failed`, { err: String(err) }))
				.finally(() => running.delete(p));
			running.add(p);
		},
		async settled() {
			while (running.size) await Promise.all([...running]);
		}
	};
}
