/**
 * A transaction that may `await` inside, on both engines — the shape the async services will use
 * (issue 12). Not used by services yet.
 *
 * - PostgreSQL: drizzle's own `db.transaction(async (tx) => …)` on a pooled connection.
 * - SQLite: better-sqlite3's transactions are synchronous (a promise returned inside is refused), so
 *   a unit of work takes an async mutex, `BEGIN IMMEDIATE`, runs the awaited drizzle calls on the one
 *   connection (each executes synchronously underneath), then `COMMIT` or `ROLLBACK`. Units of work
 *   queue behind one another; a unit started inside another (same async context) joins it. Anything
 *   else that uses the writer connection during an `await` would run inside the open transaction: the
 *   converted services must read outside transactions through a second, read-only connection (WAL
 *   gives it the last committed state), which is what the tests below show.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './index';
import type { PgDb } from './postgres';

export type UnitOfWork<D> = <T>(fn: (tx: D) => Promise<T>) => Promise<T>;

export function sqliteUnitOfWork(db: Db): UnitOfWork<Db> {
	const inside = new AsyncLocalStorage<true>();
	let tail: Promise<unknown> = Promise.resolve();
	return <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
		if (inside.getStore()) return fn(db);
		const run = async () => {
			db.$client.exec('BEGIN IMMEDIATE');
			try {
				const result = await inside.run(true, () => fn(db));
				db.$client.exec('COMMIT');
				return result;
			} catch (err) {
				if (db.$client.inTransaction) db.$client.exec('ROLLBACK');
				throw err;
			}
		};
		const next = tail.then(run, run);
		tail = next.catch(() => undefined);
		return next;
	};
}

export function postgresUnitOfWork(db: PgDb): UnitOfWork<PgDb> {
	return (fn) => db.transaction((tx) => fn(tx as unknown as PgDb));
}
