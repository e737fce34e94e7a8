import { readMigrationFiles } from 'drizzle-orm/migrator';
import { resolve } from 'node:path';

/** Where each dialect's migrations live, side by side under `drizzle/`. */
export const MIGRATIONS = {
	sqlite: () => resolve('drizzle/sqlite'),
	postgres: () => resolve('drizzle/postgres')
} as const;

export interface MigrationStatus {
	/** Migrations in the folder this build ships. */
	expected: number;
	/** Of those, how many the database has recorded. */
	applied: number;
	/** True when the latest migration of the folder is recorded (drizzle's own rule: by creation time). */
	upToDate: boolean;
}

/**
 * Compares what the database recorded (`__drizzle_migrations`: one row per migration with the
 * migration's creation time) with the folder, by drizzle's migrator's rule: a migration counts as
 * applied when one at least as recent is recorded. The folder is read once per call site.
 */
export function migrationStatusReader(folder: string): (recordedTimes: number[]) => MigrationStatus {
	const times = readMigrationFiles({ migrationsFolder: folder }).map((m) => m.folderMillis);
	const latest = Math.max(0, ...times);
	return (recorded) => {
		const last = Math.max(0, ...recorded);
		return { expected: times.length, applied: times.filter((t) => t <= last).length, upToDate: last >= latest };
	};
}
