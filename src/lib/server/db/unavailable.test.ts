/**
 * A database out of reach is the person's "try again", not our 500: real errors from real engines
 * (a SQLite file whose write lock another process holds past the busy timeout; a PostgreSQL address
 * where nothing listens) are recognised, a form action that meets one answers 503 with the
 * localised message and nothing written, and an ordinary bug still propagates.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { act } from '../forms';
import { connectPostgres } from './postgres';
import { constraintViolation, isDatabaseUnavailable } from './errors';

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function lockedSqlite() {
	const dir = mkdtempSync(join(tmpdir(), 'tib-busy-'));
	dirs.push(dir);
	const file = join(dir, 'busy.db');
	const holder = new Database(file);
	holder.pragma('journal_mode = WAL');
	holder.exec('create table t (x integer)');
	holder.exec('BEGIN IMMEDIATE');
	holder.exec('insert into t values (1)');
	const other = new Database(file);
	other.pragma('busy_timeout = 50');
	return { holder, other };
}

const event = { locals: { locale: 'fr', easyRead: false, requestId: 'test' }, url: new URL('http://localhost/c/x') } as unknown as RequestEvent;

describe('a database out of reach', () => {
	it('recognises SQLite busy past its timeout and PostgreSQL not answering; not a constraint violation', async () => {
		const { holder, other } = lockedSqlite();
		let busy: unknown;
		try {
			other.exec('BEGIN IMMEDIATE');
		} catch (err) {
			busy = err;
		}
		holder.exec('ROLLBACK');
		holder.close();
		other.close();
		expect(busy).toBeDefined();
		expect(isDatabaseUnavailable(busy)).toBe(true);

		const pg = connectPostgres('postgres://postgres@127.0.0.1:1/none', { max: 1 });
		const refused = await pg.$client.query('select 1').catch((e: unknown) => e);
		await pg.$client.end();
		expect(isDatabaseUnavailable(refused)).toBe(true);

		expect(isDatabaseUnavailable(new Error('a bug'))).toBe(false);
		expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
		expect(constraintViolation(busy)).toBeNull();
	});

	it('a form action that meets it answers 503 with the localised "try again", and nothing is written', async () => {
		const { holder, other } = lockedSqlite();
		const form = new FormData();
		form.set('choice', 'bois');
		const result = await act(event, form, () => {
			other.exec('BEGIN IMMEDIATE');
			other.exec('insert into t values (2)');
			other.exec('COMMIT');
		});
		holder.exec('ROLLBACK');
		expect(result).toMatchObject({ status: 503, data: { error: 'Un problème inattendu est survenu. Réessayez dans un instant.', values: { choice: 'bois' } } });
		expect((other.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(0);
		holder.close();
		other.close();
		await expect(act(event, form, () => Promise.reject(new Error('a bug')))).rejects.toThrow('a bug');
	});
});
