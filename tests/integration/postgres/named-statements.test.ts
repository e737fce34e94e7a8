/**
 * Statements prepared once per connection (db/postgres.ts), from their third call on: on a real
 * PostgreSQL, through the pool the app uses, with one connection so that what the session holds can be
 * read back from `pg_prepared_statements`. A statement the server refuses (at parse or at execution) leaves the
 * connection able to run it again; texts that cannot be prepared are sent as before.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, NAMED_AFTER_CALLS, statementNamer, type PgDb } from '../../../src/lib/server/db/postgres';
import { freshDatabase, type FreshDatabase } from './fresh';

let database: FreshDatabase;
let db: PgDb;

beforeAll(async () => {
	database = await freshDatabase('named_statements');
	db = connectPostgres(database.url, { max: 1 });
});

afterAll(async () => {
	await db.$client.end();
	await database.drop();
});

/** What PostgreSQL answered to a refused statement (drizzle wraps it with the query's text). */
async function refusal(run: () => Promise<unknown>): Promise<string> {
	try {
		await run();
	} catch (err) {
		return err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
	}
	throw new Error('the statement ran');
}

/** The statements this session has prepared, by name. */
async function prepared(): Promise<Map<string, string>> {
	const rows = (await db.$client.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements')).rows;
	return new Map(rows.map((r) => [r.name, r.statement]));
}

describe('statements named by their text', () => {
	it('prepares a query from its third call on, and runs it with each call’s values', async () => {
		const query = (n: number) => db.execute<{ n: number }>(sql`select ${n}::int * 2 as n`);
		const named = async () => [...(await prepared()).entries()].filter(([, statement]) => statement.includes('* 2 as n'));
		for (let call = 1; call < NAMED_AFTER_CALLS; call++) expect((await query(call)).rows).toEqual([{ n: call * 2 }]);
		expect(await named()).toHaveLength(0);
		expect((await query(21)).rows).toEqual([{ n: 42 }]);
		expect((await query(5)).rows).toEqual([{ n: 10 }]);
		const after = await named();
		expect(after).toHaveLength(1);
		expect(after[0]![0]).toMatch(/^tib_[\w-]{20}$/);
	});

	it('gives a text the same name on every connection, and different texts different names', () => {
		const a = statementNamer(10, 1);
		const b = statementNamer(10, 1);
		expect(a('select $1::int')).toBe(b('select $1::int'));
		expect(a('select $1::int')).not.toBe(a('select $1::text'));
	});

	it('leaves unnamed what cannot or need not be prepared', () => {
		const name = statementNamer(10, 1);
		expect(name('begin')).toBeUndefined();
		expect(name('vacuum ballots')).toBeUndefined();
		expect(name('create table t (id int)')).toBeUndefined();
		// Several statements in one text run only unprepared.
		expect(name('select 1; select 2')).toBeUndefined();
		expect(name('  WITH x AS (select 1) select * from x')).toBeDefined();
	});

	it('names a text at its third call, no more than its limit of texts, and keeps the names it gave', () => {
		const name = statementNamer(2, 3);
		const thrice = (text: string) => [name(text), name(text), name(text)];
		expect(thrice('select 1')).toEqual([undefined, undefined, expect.stringMatching(/^tib_/)]);
		expect(thrice('select 2')[2]).toBeDefined();
		expect(thrice('select 3')).toEqual([undefined, undefined, undefined]);
		expect(name('select 1')).toBe(thrice('select 1')[0]);
	});

	it('runs several statements in one text as before', async () => {
		const result = await db.$client.query({ text: 'select 1 as a; select 2 as b' });
		expect(Array.isArray(result)).toBe(true);
	});

	it('a statement refused at execution can run again on the same connection', async () => {
		const divide = (by: number) => db.execute<{ q: number }>(sql`select 10 / ${by}::int as q`);
		for (let call = 1; call < NAMED_AFTER_CALLS; call++) expect((await divide(call)).rows).toEqual([{ q: Math.trunc(10 / call) }]);
		// Its first named call: prepared, then refused.
		expect(await refusal(() => divide(0))).toMatch(/division by zero/);
		expect((await divide(5)).rows).toEqual([{ q: 2 }]);
		expect([...(await prepared()).values()].some((s) => s.includes('select 10 /'))).toBe(true);
	});

	it('a statement refused at parse (its table is not there yet) is prepared once the table exists', async () => {
		const read = () => db.execute<{ id: number }>(sql`select id from later_table where id = ${1}`);
		expect(await refusal(read)).toMatch(/relation "later_table" does not exist/);
		await db.execute(sql.raw('create table later_table (id int primary key)'));
		await db.execute(sql`insert into later_table (id) values (${1})`);
		for (let call = 0; call < NAMED_AFTER_CALLS; call++) expect((await read()).rows).toEqual([{ id: 1 }]);
		expect([...(await prepared()).values()].some((s) => s.includes('from later_table'))).toBe(true);
	});

	it('inside a transaction that is rolled back, the statement stays prepared and usable', async () => {
		await db.execute(sql.raw('create table counted (n int)'));
		const add = (n: number) => sql`insert into counted (n) values (${n})`;
		for (let call = 1; call < NAMED_AFTER_CALLS; call++) await db.execute(add(10 * call));
		// Its first named call, in a transaction that is rolled back.
		await expect(
			db.transaction(async (tx) => {
				await tx.execute(add(1));
				throw new Error('changed my mind');
			})
		).rejects.toThrow('changed my mind');
		await db.transaction(async (tx) => {
			await tx.execute(add(2));
		});
		expect((await db.execute<{ n: number }>(sql`select n from counted order by n`)).rows).toEqual([{ n: 2 }, { n: 10 }, { n: 20 }]);
		expect([...(await prepared()).values()].some((s) => s.includes('insert into counted'))).toBe(true);
	});
});
