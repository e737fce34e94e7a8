/**
 * PostgreSQL: a node-postgres pool with drizzle, migrated at start from `drizzle/postgres`.
 * Services do not run on it yet (they are synchronous against better-sqlite3; issue 12): today the
 * server migrates a PostgreSQL database, answers for its health, and says plainly that it cannot serve.
 */
import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationStatusReader, MIGRATIONS, type MigrationStatus } from './migrations';
import * as pgSchema from './pg/schema';

export type PgDb = NodePgDatabase<typeof pgSchema> & { $client: pg.Pool };
export { pgSchema };

/** Any fixed number: every node takes the same lock, so only one migrates at a time. */
const MIGRATION_LOCK = 72_190_412;

export interface PostgresOptions {
	migrationsFolder?: string;
	/** Pool size per node (PostgreSQL's own limit is shared by every node). */
	max?: number;
	/** Called when an idle pooled connection fails (PostgreSQL restarted): the pool replaces it. */
	onIdleError?: (err: Error) => void;
}

/** A pool and its drizzle handle; nothing is migrated (see `migratePostgres`). */
export function connectPostgres(url: string, options: PostgresOptions = {}): PgDb {
	const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: 'tenant-initiative-board', connectionTimeoutMillis: 5_000 });
	// Without a listener, an idle connection dropped by a PostgreSQL restart would crash the process.
	pool.on('error', (err) => options.onIdleError?.(err));
	return drizzle(pool, { schema: pgSchema }) as PgDb;
}

/**
 * Brings the database to the latest migration. Nodes starting together take turns on a session
 * advisory lock; the migrations run on the connection that holds it (so a pool of one suffices).
 */
export async function migratePostgres(db: PgDb, options: { migrationsFolder?: string } = {}): Promise<MigrationStatus> {
	const folder = options.migrationsFolder ?? MIGRATIONS.postgres();
	const lock = await db.$client.connect();
	try {
		await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
		try {
			await migrate(drizzle(lock), { migrationsFolder: folder });
		} finally {
			await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
		}
	} finally {
		lock.release();
	}
	return postgresMigrationStatus(db, migrationStatusReader(folder));
}

/** What drizzle recorded in `drizzle.__drizzle_migrations`, against the folder. */
export async function postgresMigrationStatus(db: PgDb, read = migrationStatusReader(MIGRATIONS.postgres())): Promise<MigrationStatus> {
	const exists = await db.execute<{ t: string | null }>(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
	if (!exists.rows[0]?.t) return read([]);
	const rows = await db.execute<{ created_at: string }>(sql`select created_at from drizzle.__drizzle_migrations`);
	return read(rows.rows.map((r) => Number(r.created_at)));
}
