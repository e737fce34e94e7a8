/**
 * Start on PostgreSQL (`DATABASE_URL=postgres://…`): connect, migrate, check the secret-ballot
 * settings, then refuse to serve with a message that names what is missing — the services are still
 * synchronous against better-sqlite3 (issue 12: their conversion to async is the next step).
 */
import { redactDatabaseUrl } from '../config';
import { connectPostgres, migratePostgres, type PgDb } from './postgres';
import { secrecyFindings } from './pg/secrecy';

export function postgresNotServedYet(url: string): string {
	return [
		`DATABASE_URL names PostgreSQL (${redactDatabaseUrl(url)}), and this version cannot serve on it yet:`,
		'its services are synchronous and run on SQLite (better-sqlite3) only; the PostgreSQL schema and migrations',
		'(drizzle/postgres) are ready, the conversion of the services to async is not done (issue 12).',
		'To serve now, unset DATABASE_URL or set it to a SQLite file, e.g. DATABASE_URL=./data/app.db.'
	].join('\n');
}

export interface PostgresStart {
	/** The process exit code: 1 in every case for now (nothing is served). */
	code: number;
	lines: string[];
}

/** Connects, migrates and reports; never serves. The pool is closed before it returns. */
export async function startOnPostgres(url: string): Promise<PostgresStart> {
	let db: PgDb | undefined;
	const lines: string[] = [];
	try {
		db = connectPostgres(url, { max: 2 });
		const status = await migratePostgres(db);
		lines.push(`PostgreSQL ${redactDatabaseUrl(url)}: migrations applied (${status.applied} of ${status.expected}).`);
		for (const f of await secrecyFindings(db)) lines.push(`Warning (secret ballots): ${f}`);
		lines.push(postgresNotServedYet(url));
	} catch (err) {
		lines.push(`Cannot prepare PostgreSQL at ${redactDatabaseUrl(url)}: ${err instanceof Error ? err.message : String(err)}`);
	} finally {
		await db?.$client.end();
	}
	return { code: 1, lines };
}
