import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema';
import { MIGRATIONS } from './migrations';
import { literalSqliteLimits } from './sqlite-limit';

// `.limit(1)` written as `limit 1` on SQLite: a bound LIMIT recompiles its statement at every run (sqlite-limit.ts).
literalSqliteLimits();

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export { schema };

/**
 * Where SQLite keeps its temporary files: the journals of statements and savepoints inside a unit
 * (a ballot-box group's multi-row inserts and their triggers change many pages; a statement that
 * fails must undo only itself), sorts, temporary indexes. MEMORY: they never reach the disk. On a
 * file, a group of votes wrote ~100 KB of page images to a temp file (issue 15: 40 % of the vote
 * intake's write calls), and those images, ballots included, were left in the disk's free blocks
 * after the file was deleted.
 */
export const TEMP_STORE = 'MEMORY';

/**
 * Opens (creating if needed) a SQLite database in WAL mode, `synchronous=NORMAL` (durable units go
 * to FULL: db/data.ts), and brings it to the latest migration.
 */
export function openDatabase(file: string, options: { migrationsFolder?: string } = {}): Db {
	if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
	const client = new Database(file);
	client.pragma('journal_mode = WAL');
	// Durability (issue 15; db/data.ts says how). In WAL mode NORMAL keeps every commit through a
	// crash of the process (kill -9 included) without an fsync per commit; only a power loss or an OS
	// crash may lose the last commits. Votes and other legally binding records must survive that too:
	// their units ask `data.write(fn, { durable: true })`, which commits them at FULL (the WAL is
	// fsynced before the voter is answered, and with it every earlier commit). An fsync per board
	// support or comment blocked the event loop and was most of the board fan-out's cost.
	client.pragma('synchronous = NORMAL');
	client.pragma('foreign_keys = ON');
	client.pragma('busy_timeout = 5000');
	client.pragma(`temp_store = ${TEMP_STORE}`);
	const db = drizzle(client, { schema }) as Db;
	migrate(db, { migrationsFolder: options.migrationsFolder ?? MIGRATIONS.sqlite() });
	// What a stopped process left in the WAL (the last secret groups' commits, whose clean-up the
	// ballot box runs at most every 100 ms) goes into the file and the WAL is emptied before anything
	// is served: at rest, no copy of the files shows which ballots came in together. Another process
	// on the same file (`npm run cluster`) may hold it: then the checkpoint does what it can.
	if (file !== ':memory:') client.pragma('wal_checkpoint(TRUNCATE)');
	return db;
}

/**
 * Runs `fn` inside a write transaction. better-sqlite3 transactions are synchronous by design.
 * `BEGIN IMMEDIATE`: the write lock is taken first, so when several processes share the file (the
 * nodes of `npm run cluster`) a writer waits its turn (busy_timeout) instead of failing with
 * SQLITE_BUSY when it upgrades from reading to writing after another process committed.
 */
export function transaction<T>(db: Db, fn: (tx: Db) => T): T {
	return db.transaction((tx) => fn(tx as unknown as Db), { behavior: 'immediate' });
}
