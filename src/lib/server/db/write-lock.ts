/**
 * SQLite's write lock, waited for on the event loop. One writer at a time per database file, across
 * processes: while another process holds the lock (`npm run seed` or a script run against a live
 * server, an `sqlite3` shell in a write transaction, the other nodes of `npm run cluster` on a shared
 * file), `BEGIN IMMEDIATE` waits. Through the connection's `busy_timeout` it waited inside SQLite,
 * on the main thread: every page, socket event and vote of the server stopped with it, for up to 5 s.
 *
 * So the writer connection runs at `busy_timeout = 0` (`sqliteData`), and `beginImmediate` tries,
 * and when the lock is taken waits on a timer (1 ms, doubling up to 50 ms) and tries again, the
 * server serving everything else meanwhile, up to `waitMs` in all (5 s, what `busy_timeout` gave).
 * Past that, SQLite's own SQLITE_BUSY error is thrown: the request is answered "try again" (503,
 * `isDatabaseUnavailable`), and nothing was written.
 *
 * Reads made on the idle writer do not wait either. In WAL mode a writer does not block readers: a
 * read is refused only in rare moments (another process recovering the WAL after a crash, at its
 * start), and that request is answered "try again" at once instead of holding the whole server.
 *
 * `enter`/`leave` set and restore what must be set outside a transaction (the unit's `synchronous`
 * level): around each attempt, so nothing is left changed while waiting.
 */
import type Database from 'better-sqlite3';

export const LOCK_WAIT_MS = 5000;
const FIRST_WAIT_MS = 1;
const LONGEST_WAIT_MS = 50;

/** SQLite's "the database is locked": busy, with or without an extended code. */
export function isBusy(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * `BEGIN IMMEDIATE` on `client` (at `busy_timeout = 0`): at once when the lock is free (nothing is
 * awaited then), else a promise that settles once it is taken or `waitMs` has passed.
 */
export function beginImmediate(client: Database.Database, enter: () => void, leave: () => void, waitMs = LOCK_WAIT_MS): void | Promise<void> {
	const deadline = performance.now() + waitMs;
	/** One attempt: whether it took the lock (a refusal that is not "busy", or one at the deadline, throws). */
	const attempt = (): boolean => {
		enter();
		try {
			client.exec('BEGIN IMMEDIATE');
			return true;
		} catch (err) {
			leave();
			if (!isBusy(err) || performance.now() >= deadline) throw err;
			return false;
		}
	};
	if (attempt()) return;
	return (async () => {
		for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
			// The last wait ends at the deadline, for one last attempt there.
			await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(wait, deadline - performance.now()))));
			if (attempt()) return;
		}
	})();
}
