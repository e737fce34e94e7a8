/**
 * PostgreSQL: a node-postgres pool with drizzle, migrated at start from `drizzle/postgres`; the
 * scale-out mode's database (the services run on it through `postgresData`, db/data.ts).
 */
import { createHash } from 'node:crypto';
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

/**
 * The most statement texts given a name (per process); later texts are sent unnamed, as before. Each
 * prepared statement holds ~27 KB in its PostgreSQL connection (its parse and plans: 301 statements,
 * 8.2 MB, measured after seeding the demo), so the limit caps what a connection can hold at ~14 MB.
 */
export const NAMED_STATEMENTS_MAX = 500;
/**
 * A text is named from its third call on: the statements a page or a vote runs again and again are
 * prepared, not the one-off ones (seeding, an administrator's rare action).
 */
export const NAMED_AFTER_CALLS = 3;
/** The texts counted before they are named, forgotten when there are more (a text that varies with its input). */
const COUNTED_MAX = 5000;

/**
 * A statement worth preparing: a query or a change of rows (not BEGIN, SET, VACUUM or a migration's
 * DDL), and one statement only. A text without parameters is sent by node-postgres in the simple
 * protocol, which runs several statements separated by `;`; prepared, it would be refused.
 */
const preparable = (text: string) => /^\s*(select|insert|update|delete|with)\b/i.test(text) && !text.includes(';');

/**
 * The name each statement's text is prepared under, or none: not a query, called fewer than `after`
 * times so far, or past `max` named texts.
 */
export function statementNamer(max = NAMED_STATEMENTS_MAX, after = NAMED_AFTER_CALLS): (text: string) => string | undefined {
	const names = new Map<string, string>();
	const calls = new Map<string, number>();
	return (text) => {
		const name = names.get(text);
		if (name !== undefined || names.size >= max || !preparable(text)) return name;
		const count = (calls.get(text) ?? 0) + 1;
		if (count < after) {
			if (calls.size >= COUNTED_MAX) calls.clear();
			calls.set(text, count);
			return undefined;
		}
		calls.delete(text);
		// 120 bits of a hash of the text: two texts under one name would be refused by node-postgres.
		const named = `tib_${createHash('sha256').update(text).digest('base64url').slice(0, 20)}`;
		names.set(text, named);
		return named;
	};
}
const statementName = statementNamer();

/**
 * A pooled connection that prepares each statement once (issue 15, the board page on PostgreSQL).
 * Sent unnamed, as drizzle sends them, every statement is parsed, analysed and planned again by
 * PostgreSQL at every call: named, PostgreSQL's CPU for a board page (five statements) went from 1.5
 * to 0.75 ms in the pages bench, the server's own unchanged. Named, node-postgres parses it once per connection
 * and then only binds and executes it; PostgreSQL keeps its parse (and, once it sees that a generic
 * plan costs no more than the custom ones, its plan) for the connection's life. The name is made from
 * the text, so every connection of every node gives the same text the same name.
 */
class NamingClient extends pg.Client {}
const unnamedQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
NamingClient.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
	if (config !== null && typeof config === 'object' && !('submit' in config) && !('name' in config && config.name)) {
		const text = (config as { text?: unknown }).text;
		const name = typeof text === 'string' ? statementName(text) : undefined;
		if (name) config = { ...config, name };
	}
	return unnamedQuery.call(this, config, ...rest);
} as typeof pg.Client.prototype.query;

/** A pool and its drizzle handle; nothing is migrated (see `migratePostgres`). */
export function connectPostgres(url: string, options: PostgresOptions = {}): PgDb {
	const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: 'tenant-initiative-board', connectionTimeoutMillis: 5_000, Client: NamingClient });
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
