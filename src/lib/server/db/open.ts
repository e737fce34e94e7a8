/**
 * Opens the database `DATABASE_URL` names, on either engine, with what the rest of the process
 * needs: the async data handle services run on, the readiness checks, and how to close it.
 *
 * - **SQLite** (the default, a file path): the writer connection is migrated at once; `db` is that
 *   synchronous handle (a few tools and benches still read through it).
 * - **PostgreSQL** (`postgres://…`): a pool, migrated under an advisory lock (nodes starting together
 *   take turns), the secret-ballot settings checked (warnings, not refusals). `db` refuses every use:
 *   nothing that serves requests may still be written against better-sqlite3.
 */
import { databaseKind, redactDatabaseUrl } from '../config';
import { openDatabase, type Db } from './index';
import { postgresData, sqliteData, type Data } from './data';
import { connectPostgres, migratePostgres } from './postgres';
import { secrecyFindings } from './pg/secrecy';
import { postgresChecks, sqliteChecks } from '../health/database';
import type { HealthCheck } from '../health';

export interface OpenedDatabase {
	kind: 'sqlite' | 'postgres';
	/** The synchronous SQLite handle; on PostgreSQL a handle that throws, naming the path that used it. */
	db: Db;
	data: Data;
	checks: HealthCheck[];
	/** Lines worth printing at start (migrations applied, secret-ballot warnings). */
	notes: string[];
	close(): Promise<void>;
}

/**
 * A synchronous handle that refuses every use: on PostgreSQL, a path still written against
 * better-sqlite3 fails at once, naming itself, instead of reading another database.
 */
export function refusedSqliteHandle(): Db {
	return new Proxy({} as Db, {
		get(_target, prop) {
			if (prop === 'then') return undefined;
			throw new Error(`services.deps.db.${String(prop)}: this path uses the synchronous SQLite handle and cannot run on PostgreSQL`);
		}
	});
}

export interface OpenOptions {
	/** PostgreSQL pool size for this process (every node shares the server's own connection limit). */
	poolSize?: number;
	/** Called when an idle pooled PostgreSQL connection fails (a restart): the pool replaces it. */
	onIdleError?: (err: Error) => void;
}

export async function openDataStore(url: string, options: OpenOptions = {}): Promise<OpenedDatabase> {
	if (databaseKind(url) === 'sqlite') {
		const db = openDatabase(url);
		const data = sqliteData(db);
		return {
			kind: 'sqlite',
			db,
			data,
			checks: sqliteChecks(db),
			notes: [],
			async close() {
				await data.close();
				db.$client.close();
			}
		};
	}
	const pool = connectPostgres(url, { max: options.poolSize ?? 10, ...(options.onIdleError ? { onIdleError: options.onIdleError } : {}) });
	try {
		const status = await migratePostgres(pool);
		const notes = [`PostgreSQL ${redactDatabaseUrl(url)}: migrations applied (${status.applied} of ${status.expected}).`];
		for (const f of await secrecyFindings(pool)) notes.push(`Warning (secret ballots): ${f}`);
		const data = postgresData(pool);
		return { kind: 'postgres', db: refusedSqliteHandle(), data, checks: postgresChecks(pool), notes, close: () => data.close() };
	} catch (err) {
		await pool.$client.end().catch(() => {});
		throw err;
	}
}
