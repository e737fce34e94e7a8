/**
 * Test databases on the real local PostgreSQL (the one `.ci/run` starts: 127.0.0.1:5432, user
 * postgres, trust authentication; `TEST_POSTGRES_URL` names another administrative connection).
 *
 * Migrating a database takes a while; cloning one does not. The first caller on the machine migrates
 * a template database named after the migrations it holds (`tib_tpl_<hash>`); every test app then
 * gets its own `CREATE DATABASE … TEMPLATE` copy, dropped when the app closes. An advisory lock makes
 * parallel test processes take turns at the template (PostgreSQL refuses to copy a database another
 * session is connected to).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS } from '../db/migrations';
import { connectPostgres, migratePostgres, type PgDb } from '../db/postgres';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEMPLATE_LOCK = 72_190_413;

/** Runs `fn` on a connection to the administrative database (create, clone, drop). */
export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

function urlOf(name: string): string {
	const url = new URL(POSTGRES_ADMIN_URL);
	url.pathname = `/${name}`;
	return url.toString();
}

/** A short hash of every migration file of a folder: a template named after it is rebuilt when one changes. */
export function migrationsHash(folder: string): string {
	const hash = createHash('sha256');
	for (const f of readdirSync(folder, { recursive: true }).map(String).sort()) {
		if (!f.endsWith('.sql') && !f.endsWith('.json')) continue;
		hash.update(f).update(readFileSync(join(folder, f)));
	}
	return hash.digest('hex').slice(0, 16);
}

/** The template's name: a new migration makes a new template. */
function templateName(): string {
	return `tib_tpl_${migrationsHash(MIGRATIONS.postgres())}`;
}

export interface TestPostgres {
	name: string;
	url: string;
	db: PgDb;
	/** Ends the pool and drops the database. */
	drop(): Promise<void>;
}

/** A migrated PostgreSQL database of its own, cloned from the template. */
export async function freshPostgres(label = 'app', options: { max?: number } = {}): Promise<TestPostgres> {
	const template = templateName();
	const name = `tib_t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
	await withAdmin(async (c) => {
		await c.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
		try {
			const exists = (await c.query('select 1 from pg_database where datname = $1', [template])).rowCount === 1;
			if (!exists) {
				const building = `${template}_building_${process.pid}`;
				await c.query(`drop database if exists "${building}" with (force)`);
				await c.query(`create database "${building}"`);
				const db = connectPostgres(urlOf(building), { max: 1 });
				try {
					await migratePostgres(db);
				} finally {
					await db.$client.end();
				}
				await c.query(`alter database "${building}" rename to "${template}"`);
			}
			await c.query(`create database "${name}" template "${template}"`);
		} finally {
			await c.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
		}
	});
	const db = connectPostgres(urlOf(name), { max: options.max ?? 5 });
	return {
		name,
		url: urlOf(name),
		db,
		async drop() {
			await db.$client.end().catch(() => undefined);
			await withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`));
		}
	};
}
