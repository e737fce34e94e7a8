/** Readiness checks for the database: reachable, and at the migration this build ships. */
import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { migrationStatusReader, MIGRATIONS, type MigrationStatus } from '../db/migrations';
import { postgresMigrationStatus, type PgDb } from '../db/postgres';
import { CheckFailed, type HealthCheck } from './index';

function migrationsCheck(status: () => Promise<MigrationStatus> | MigrationStatus): HealthCheck {
	return {
		name: 'migrations',
		async run() {
			const s = await status();
			const detail = { applied: s.applied, expected: s.expected };
			if (!s.upToDate) throw new CheckFailed('migrations pending', detail);
			return detail;
		}
	};
}

export function sqliteChecks(db: Db, folder = MIGRATIONS.sqlite()): HealthCheck[] {
	const read = migrationStatusReader(folder);
	return [
		{ name: 'database', run: () => void db.$client.prepare('select 1').get() },
		migrationsCheck(() => {
			const has = db.$client.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
			const rows = has ? (db.$client.prepare('select created_at from __drizzle_migrations').all() as { created_at: number | string }[]) : [];
			return read(rows.map((r) => Number(r.created_at)));
		})
	];
}

export function postgresChecks(db: PgDb, folder = MIGRATIONS.postgres()): HealthCheck[] {
	const read = migrationStatusReader(folder);
	return [
		{ name: 'database', run: async () => void (await db.execute(sql`select 1`)) },
		migrationsCheck(() => postgresMigrationStatus(db, read))
	];
}
