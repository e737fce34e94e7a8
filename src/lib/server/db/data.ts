/**
 * The one data handle services use on both engines (issue 12): `data.db` to read, `data.write` for
 * every write, `data.t` for the tables of the engine in use.
 *
 * Typing: services are written against the SQLite schema's TypeScript types in drizzle's *async*
 * mode. On PostgreSQL, `data.t` is the twin schema (`pg/schema-*.ts`, whose columns give the same
 * TypeScript types: pg/columns.ts) and `data.db` is the node-postgres drizzle handle; the builders
 * both share (select/insert/update/delete, joins, `onConflictDo…`, `returning`) behave the same.
 * So a service only ever `await`s a builder: never `.get()`, `.all()`, `.run()`, `.values()` (they
 * do not exist on PostgreSQL; the lint rule `no-restricted-syntax` in `.ci/eslint.config.js` refuses
 * them in converted folders) and never `db.transaction` (use `data.write`). Raw SQL goes through
 * `data.rows(sql)` and must be valid on both engines.
 *
 * - **SQLite**: `write` queues units of work behind one another on the one writer connection
 *   (`BEGIN IMMEDIATE` … `COMMIT`). Reads outside a unit see the last committed state: they run on
 *   the writer while no unit is open (its page cache is warm: `warmReads`), else on a second,
 *   read-only connection (WAL). A write outside a unit always goes to the read-only connection,
 *   which refuses it — so it fails loudly in tests instead of slipping into another request's open
 *   transaction.
 * - **PostgreSQL**: a unit is a SERIALIZABLE transaction on a pooled connection, retried when
 *   PostgreSQL reports a serialization failure or a deadlock — the same "as if one at a time"
 *   semantics SQLite's single writer gives. A unit may therefore run more than once: publish on the
 *   bus after `write` returns, never inside it.
 *
 * On both, a unit started inside another (same async context, e.g. a service calling another
 * service) joins it, and `data.db` inside a unit *is* the unit's transaction, so reads there see the
 * unit's own writes.
 *
 * Durability (issue 15). House rule: a vote that was acknowledged is on disk. Every commit survives
 * a crash of the process; a unit that carries something legally binding (a ballot, a participation,
 * an assisted vote, a proxy, the adoption of minutes) asks for more with `write(fn, { durable: true })`:
 * its commit also survives a power loss before `write` returns.
 * - **SQLite**: the writer connection runs at `synchronous=NORMAL` (`openDatabase`): in WAL mode a
 *   commit is appended to the WAL and is safe from a process crash (kill -9 included), with no
 *   fsync; only a power loss or OS crash may lose the last commits. A durable unit runs with
 *   `synchronous=FULL` (set before its `BEGIN IMMEDIATE`, back to the connection's level after its
 *   `COMMIT`: SQLite refuses to change it inside a transaction), so its COMMIT fsyncs the WAL before
 *   it returns — and since the WAL is one append-only file, that fsync also makes every earlier
 *   commit durable. Units are queued, so the level never leaks into another unit. A durable write
 *   that *joins* a unit started without the flag cannot change the level any more: that unit is
 *   committed at NORMAL and its WAL file is then fsynced (what FULL would have done) before `write`
 *   returns.
 * - **PostgreSQL**: the flag is accepted and changes nothing: `synchronous_commit` stays `on`, every
 *   commit is flushed to the server's WAL before it returns.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fdatasyncSync, openSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { beginImmediate, LOCK_WAIT_MS } from './write-lock';
import * as schema from './schema';
import { TEMP_STORE, type Db } from './index';
import { pgSchema, type PgDb } from './postgres';

export type Schema = typeof schema;
export type Dialect = 'sqlite' | 'postgres';

/** What services may call on a handle: the builders both engines share (see the file comment). */
export type AsyncDb = Omit<BaseSQLiteDatabase<'async', unknown, Schema>, 'transaction' | 'run' | 'all' | 'get' | 'values' | 'batch' | 'query'>;

export interface Data {
	readonly dialect: Dialect;
	/** The tables of the engine in use (typed as the SQLite schema; same TypeScript types on both). */
	readonly t: Schema;
	/** Reads: the current unit's transaction inside `write`, else the reading connection/pool. */
	readonly db: AsyncDb;
	/** True inside a unit of work (for assertions in helpers that must be called inside one). */
	readonly inUnit: boolean;
	/**
	 * Runs `fn` as one all-or-nothing unit of work; joins the unit already running in this async
	 * context. `durable`: the commit is on disk (power loss included) before this returns — for votes
	 * and other legally binding records (see the file comment).
	 */
	write<T>(fn: (tx: AsyncDb) => Promise<T>, options?: WriteOptions): Promise<T>;
	/**
	 * Runs `fn` inside the current unit so that a failure (a constraint violation one means to catch)
	 * undoes only what `fn` did: a savepoint. On PostgreSQL a failed statement otherwise aborts the
	 * whole transaction. Outside a unit it is a unit of its own.
	 */
	savepoint<T>(fn: (tx: AsyncDb) => Promise<T>): Promise<T>;
	/** Raw SQL (valid on both engines) returning rows, in the current unit if any. */
	rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
	/**
	 * A value that changes whenever the committed contents of the database may have changed, for reads
	 * worth keeping between two views (the board's cards). Taken before the read it stamps: rows read
	 * after it are at least as new, and an equal value at the next view means nothing was committed
	 * in between. SQLite: the rows the writer connection has changed (`total_changes()`, by any path)
	 * with the commits other connections and processes made (`data_version`). PostgreSQL: the server's
	 * current snapshot (`pg_current_snapshot()`), the same for every connection and node of the
	 * cluster; transaction ids are the server's, so a write in another database of the same server
	 * moves it too (a view then reads again: safe, only less kept). Null inside a unit of work or while
	 * the writer holds an open transaction (what is read then may not match what will be committed):
	 * then nothing may be kept.
	 */
	readStamp(): Promise<string | null>;
	/** Closes the reading connection/pool (SQLite: the writer is closed by its owner). */
	close(): Promise<void>;
	/**
	 * For tests: `listener` is told of every unit that commits (how durable it asked to be and how its
	 * commit was made). Returns the unsubscribe function.
	 */
	onCommit(listener: (commit: CommitInfo) => void): () => void;
}

export interface WriteOptions {
	/** The unit carries a vote or another legally binding record: commit it to disk before returning. */
	durable?: boolean;
	/**
	 * SQLite: this unit's COMMIT syncs nothing at all (`synchronous=OFF` and no automatic checkpoint
	 * for it, both back after it), for a caller that syncs the WAL itself at once after `write`
	 * returns, before anything else runs (the ballot box's secret flush, whose checkpoint fsyncs the
	 * WAL first). Spares the sync of a new WAL's header that SQLite makes in the first commit after
	 * the WAL was truncated. No automatic checkpoint may run at OFF: it would copy frames not yet on
	 * disk into the file. PostgreSQL: ignored.
	 */
	syncedByCaller?: boolean;
}

export interface CommitInfo {
	/** Whether the unit (or a write that joined it) asked for durability. */
	durable: boolean;
	/**
	 * SQLite: the writer's `synchronous` level the COMMIT ran at, read just before it (1 NORMAL,
	 * 2 FULL); `walSynced`: the WAL file was fsynced after the commit (a durable write joined a unit
	 * started without the flag). PostgreSQL: `synchronous_commit` is the server's (`on`); both unset.
	 */
	synchronous?: number;
	walSynced?: boolean;
}

/** Listeners of `onCommit`; a throwing listener does not undo a commit. */
function commitListeners() {
	const listeners = new Set<(commit: CommitInfo) => void>();
	return {
		get any() {
			return listeners.size > 0;
		},
		tell(commit: CommitInfo) {
			for (const l of listeners) {
				try {
					l(commit);
				} catch (err) {
					console.error('[data] commit listener failed', err);
				}
			}
		},
		add(listener: (commit: CommitInfo) => void) {
			listeners.add(listener);
			return () => void listeners.delete(listener);
		}
	};
}

const asAsync = (db: unknown) => db as AsyncDb;

/** The first row of an awaited select (what `.get()` gave on SQLite). */
export async function first<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
	return (await query)[0];
}

/**
 * SQLite reads: drizzle has better-sqlite3 prepare (compile) every query it runs, and every page runs
 * the same dozen queries (session, roles, the board's cards…). The read-only connection keeps its
 * compiled statements by SQL text, the most recently used `max` of them (a text that differs, such as
 * an `in (…)` list of another length, pushes out the oldest). A statement is handed back in its
 * default mode: drizzle switches it to raw rows for selects, and not for every query. SQLite itself
 * recompiles a kept statement if the schema changed meanwhile. Statements run synchronously and to
 * completion (drizzle never iterates), so one statement is never used by two queries at once.
 */
export function keepStatements(client: Database.Database, max = 256): void {
	const kept = new Map<string, Database.Statement>();
	const prepare = client.prepare.bind(client);
	client.prepare = ((sql: string) => {
		let stmt = kept.get(sql);
		if (stmt) {
			kept.delete(sql);
			if (stmt.reader) stmt.raw(false);
		} else {
			stmt = prepare(sql);
			if (kept.size >= max) kept.delete(kept.keys().next().value!);
		}
		kept.set(sql, stmt);
		return stmt;
	}) as typeof client.prepare;
}

const walFiles = new WeakMap<Database.Database, string>();
/**
 * The WAL file of a connection's database, resolved once per connection (by `sqliteData`, when it is
 * opened: the process may change directory later) rather than at each sync of a busy ballot box.
 */
export function walFileOf(client: Database.Database): string {
	let file = walFiles.get(client);
	if (file === undefined) walFiles.set(client, (file = `${resolvePath(client.name)}-wal`));
	return file;
}

/**
 * Syncs a WAL file to disk: what `synchronous=FULL` does after a commit. fdatasync, as SQLite's own
 * WAL syncs on Linux: the data and what reading it needs (the file's size), without the times a
 * full fsync also writes to the journal. Nothing to do without a WAL.
 */
export function syncWalFile(walFile: string): void {
	let fd: number;
	try {
		fd = openSync(walFile, 'r');
	} catch (err) {
		if ((err as { code?: unknown }).code === 'ENOENT') return;
		throw err;
	}
	try {
		fdatasyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/**
 * SQLite reads outside units of work run on the writer connection when it is idle (no unit open),
 * else on the read-only connection (issue 15). Both see the last committed state: the writer outside
 * a transaction reads exactly what the reader would. But a connection drops its whole page cache
 * whenever another connection committed, and every vote, support or comment is a commit of the
 * writer: the reader then read each page of the next query again (a voter's household: ~60 pages,
 * 200 µs), while the writer's cache holds what it just wrote. A statement that writes always goes
 * to the read-only connection, so a write made outside a unit still fails loudly.
 */
export function warmReads(writer: Database.Database, reader: Database.Database) {
	return {
		prepare(source: string) {
			const onReader = reader.prepare(source);
			let onWriter: Database.Statement | undefined;
			let raw = false;
			const pick = (): Database.Statement => {
				if (!onReader.readonly || writer.inTransaction || !writer.open) return onReader;
				onWriter ??= writer.prepare(source);
				return onWriter;
			};
			const call = <T>(run: (stmt: Database.Statement) => T): T => {
				const stmt = pick();
				if (stmt.reader) stmt.raw(raw);
				try {
					return run(stmt);
				} finally {
					// A kept statement may serve another query of the same text: back to its default mode.
					if (raw && stmt.reader) stmt.raw(false);
				}
			};
			const routed = {
				reader: onReader.reader,
				readonly: onReader.readonly,
				raw(on = true) {
					raw = on;
					return routed;
				},
				run: (...params: unknown[]) => call((stmt) => stmt.run(...params)),
				all: (...params: unknown[]) => call((stmt) => stmt.all(...params)),
				get: (...params: unknown[]) => call((stmt) => stmt.get(...params))
			};
			return routed;
		}
	};
}

/** SQLite: the writer (migrated by `openDatabase`) plus a read-only connection to the same file. */
export function sqliteData(writer: Db, { lockWaitMs = LOCK_WAIT_MS }: { lockWaitMs?: number } = {}): Data {
	const client = writer.$client;
	// The write lock is waited for between attempts, on the event loop, never inside SQLite (write-lock.ts).
	client.pragma('busy_timeout = 0');
	// The writer runs the same few inserts and updates over and over (a vote, a support, an audit row).
	keepStatements(client);
	const file = client.name;
	/** SQLite's WAL file of this database (resolved now: the process may change directory later). */
	const walFile = walFileOf(client);
	const readerClient = new Database(file, { readonly: true, fileMustExist: true });
	readerClient.pragma('busy_timeout = 5000');
	readerClient.pragma(`temp_store = ${TEMP_STORE}`);
	keepStatements(readerClient);
	const reader = asAsync(drizzle(warmReads(client, readerClient) as unknown as Database.Database, { schema }));
	/** The running unit: its transaction handle, and whether it must be durable (a joined write may ask). */
	const unit = new AsyncLocalStorage<{ tx: AsyncDb; durable: boolean }>();
	const txHandle = asAsync(writer);
	/** The connection's own level (NORMAL from `openDatabase`); a durable unit goes to FULL and back. */
	const baseLevel = Number(client.pragma('synchronous', { simple: true }));
	const FULL = 2;
	const listeners = commitListeners();
	let tail: Promise<unknown> = Promise.resolve();
	let savepoints = 0;
	const stamp = client.prepare('select total_changes(), (select data_version from pragma_data_version)').raw(true);

	/**
	 * Checkpoints move to a thread of their own (checkpointer.ts) once this database is busy: its WAL
	 * passed 1 MB (looked at every 64 commits). Short-lived handles (a test, a CLI) never start one.
	 */
	let checkpointer: Checkpointer | null = null;
	let commits = 0;
	/** The writer's automatic checkpoint threshold (a `syncedByCaller` unit runs without one, then gets it back). */
	let autocheckpointPages = Number(client.pragma('wal_autocheckpoint', { simple: true }));
	function maybeStartCheckpointer() {
		if (checkpointer || ++commits % 64 !== 0) return;
		let size = 0;
		try {
			size = statSync(walFile).size;
		} catch {
			return;
		}
		if (size < 1 << 20) return;
		checkpointer = startCheckpointer(file, { onError: (message) => console.error('[data] WAL checkpoint thread:', message) });
		// The backstop should that thread stop: ~32 MB of WAL (4 KB pages) before the writer checkpoints itself.
		autocheckpointPages = 8192;
		client.pragma(`wal_autocheckpoint = ${autocheckpointPages}`);
	}

	function write<T>(fn: (tx: AsyncDb) => Promise<T>, options: WriteOptions = {}): Promise<T> {
		const current = unit.getStore();
		if (current) {
			if (options.durable) current.durable = true;
			return fn(current.tx);
		}
		const run = async () => {
			const ctx = { tx: txHandle, durable: options.durable === true };
			// The level can only change outside a transaction: before BEGIN, back after COMMIT/ROLLBACK.
			const raise = ctx.durable && baseLevel < FULL;
			const bare = !ctx.durable && options.syncedByCaller === true;
			const enter = () => {
				if (raise) client.pragma('synchronous = FULL');
				if (bare) {
					client.pragma('synchronous = OFF');
					client.pragma('wal_autocheckpoint = 0');
				}
			};
			const leave = () => {
				if (raise || bare) client.pragma(`synchronous = ${baseLevel}`);
				if (bare) client.pragma(`wal_autocheckpoint = ${autocheckpointPages}`);
			};
			// Another process holding the write lock is waited for on the event loop (write-lock.ts).
			const waiting = beginImmediate(client, enter, leave, lockWaitMs);
			if (waiting) await waiting;
			try {
				const result = await unit.run(ctx, () => fn(txHandle));
				const level = listeners.any ? Number(client.pragma('synchronous', { simple: true })) : undefined;
				client.exec('COMMIT');
				maybeStartCheckpointer();
				// A durable write joined this unit after its BEGIN: sync the WAL now, as FULL would have.
				const walSynced = ctx.durable && !raise && (baseLevel < FULL || bare);
				if (walSynced) syncWalFile(walFile);
				if (listeners.any) listeners.tell({ durable: ctx.durable, synchronous: level, walSynced });
				return result;
			} catch (err) {
				if (client.inTransaction) client.exec('ROLLBACK');
				throw err;
			} finally {
				leave();
			}
		};
		const next = tail.then(run, run);
		tail = next.catch(() => undefined);
		return next;
	}

	return {
		dialect: 'sqlite',
		t: schema,
		get db() {
			return unit.getStore()?.tx ?? reader;
		},
		get inUnit() {
			return unit.getStore() !== undefined;
		},
		write,
		savepoint<T>(fn: (tx: AsyncDb) => Promise<T>): Promise<T> {
			if (!unit.getStore()) return write(fn);
			const name = `sp_${++savepoints}`;
			writer.$client.exec(`SAVEPOINT ${name}`);
			return fn(txHandle).then(
				(result) => {
					writer.$client.exec(`RELEASE ${name}`);
					return result;
				},
				(err: unknown) => {
					writer.$client.exec(`ROLLBACK TO ${name}`);
					writer.$client.exec(`RELEASE ${name}`);
					throw err;
				}
			);
		},
		async rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
			const db = (unit.getStore()?.tx ?? reader) as unknown as Db;
			return db.all<T>(query);
		},
		async readStamp() {
			if (unit.getStore() || client.inTransaction || !client.open) return null;
			const [changed, version] = stamp.get() as [number, number];
			return `${changed}.${version}`;
		},
		async close() {
			if (readerClient.open) readerClient.close();
			await checkpointer?.close();
			checkpointer = null;
		},
		onCommit: listeners.add
	};
}

/** PostgreSQL error codes a SERIALIZABLE unit is retried on. */
const RETRY_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 12;

function retryable(err: unknown): boolean {
	for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && RETRY_CODES.has(code)) return true;
	}
	return false;
}

/** PostgreSQL: the pool reads; each unit is a SERIALIZABLE transaction, retried on conflicts. */
export function postgresData(pool: PgDb): Data {
	const unit = new AsyncLocalStorage<PgDb>();
	const listeners = commitListeners();

	/** `options.durable` changes nothing here: every commit is flushed (`synchronous_commit` on). */
	async function write<T>(fn: (tx: AsyncDb) => Promise<T>, options: WriteOptions = {}): Promise<T> {
		const current = unit.getStore();
		if (current) return fn(asAsync(current));
		for (let attempt = 1; ; attempt++) {
			try {
				const result = await pool.transaction((tx) => unit.run(tx as unknown as PgDb, () => fn(asAsync(tx))), { isolationLevel: 'serializable' });
				if (listeners.any) listeners.tell({ durable: options.durable === true });
				return result;
			} catch (err) {
				if (attempt >= MAX_ATTEMPTS || !retryable(err)) throw err;
				// Back off a little, with jitter, so the units that collided do not collide again.
				await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
			}
		}
	}

	return {
		dialect: 'postgres',
		t: pgSchema as unknown as Schema,
		get db() {
			return asAsync(unit.getStore() ?? pool);
		},
		get inUnit() {
			return unit.getStore() !== undefined;
		},
		write,
		savepoint<T>(fn: (tx: AsyncDb) => Promise<T>): Promise<T> {
			const current = unit.getStore();
			if (!current) return write(fn);
			// drizzle's nested transaction on PostgreSQL is a savepoint; keep the outer unit in context.
			return current.transaction((sp) => unit.run(sp as unknown as PgDb, () => fn(asAsync(sp))));
		},
		async rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
			const db = unit.getStore() ?? pool;
			return (await db.execute(query)).rows as T[];
		},
		/**
		 * The server's snapshot, `xmin:xmax:in-progress ids`: which transactions a statement sees as
		 * committed. Every commit or rollback of a transaction that wrote changes it (xmax is past the
		 * last one that ended, and one that ends leaves the in-progress list; a new one cannot join that
		 * list without xmax moving), so two equal snapshots mean that nothing ended in between, on any
		 * connection of the pool or any node. A transaction whose commit is already in the WAL but not
		 * yet visible is still in progress here: a counter of the WAL's position would have stamped
		 * rows read before that commit showed as newer than it. Read-only statements change nothing, so
		 * a board read by a room of phones keeps its rows until someone writes. One round trip. A server
		 * without the function (before PostgreSQL 13) answers null: nothing is kept, nothing fails.
		 */
		async readStamp() {
			if (unit.getStore()) return null;
			try {
				const [row] = (await pool.execute(sql`select pg_current_snapshot()::text as snapshot`)).rows as { snapshot?: unknown }[];
				return typeof row?.snapshot === 'string' ? row.snapshot : null;
			} catch {
				return null;
			}
		},
		async close() {
			await pool.$client.end();
		},
		onCommit: listeners.add
	};
}
