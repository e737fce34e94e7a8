/**
 * A fresh PostgreSQL database per test file, created on the local server and dropped afterwards.
 * The server is the one `.ci/run` starts (127.0.0.1:5432, user postgres, trust authentication);
 * `TEST_POSTGRES_URL` names another administrative connection. Names are unique per process and
 * call, so parallel test files and other sessions never share a database.
 */
import { randomBytes } from 'node:crypto';
import { POSTGRES_ADMIN_URL, withAdmin } from '../../../src/lib/server/testing/postgres';

export const ADMIN_URL = POSTGRES_ADMIN_URL;

export interface FreshDatabase {
	name: string;
	url: string;
	drop(): Promise<void>;
}

const admin = withAdmin;

export async function freshDatabase(label: string): Promise<FreshDatabase> {
	const name = `tib_test_${label.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${randomBytes(4).toString('hex')}`;
	await admin((c) => c.query(`create database "${name}"`));
	const url = new URL(ADMIN_URL);
	url.pathname = `/${name}`;
	return {
		name,
		url: url.toString(),
		drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined)
	};
}

export async function databaseExists(name: string): Promise<boolean> {
	return admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}
