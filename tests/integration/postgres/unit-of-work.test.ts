/**
 * The unit of work (`db/unit-of-work.ts`) behaves the same on SQLite and PostgreSQL: awaits inside,
 * all-or-nothing, units that run at once do not interleave, and a reader outside sees a unit's rows
 * only once it commits. Real databases: a migrated SQLite file (plus a second, read-only connection),
 * a fresh PostgreSQL database.
 */
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, schema, type Db } from '../../../src/lib/server/db';
import { connectPostgres, migratePostgres, pgSchema, type PgDb } from '../../../src/lib/server/db/postgres';
import { postgresUnitOfWork, sqliteUnitOfWork } from '../../../src/lib/server/db/unit-of-work';
import { freshDatabase, type FreshDatabase } from './fresh';

let dir: string;
let lite: Db;
let reader: Db;
let fresh: FreshDatabase;
let pg: PgDb;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'tib-uow-'));
	lite = openDatabase(join(dir, 'app.db'));
	reader = drizzle(new Database(join(dir, 'app.db'), { readonly: true }), { schema }) as Db;
	fresh = await freshDatabase('uow');
	pg = connectPostgres(fresh.url, { max: 4 });
	await migratePostgres(pg);
});

afterAll(async () => {
	reader?.$client.close();
	lite?.$client.close();
	await pg?.$client.end();
	await fresh?.drop();
	rmSync(dir, { recursive: true, force: true });
});

const now = new Date('2026-12-01T06:00:00.000Z');
const org = (id: string) => ({ id, slug: id, name: 'Bailleur', kind: 'landlord' as const, createdAt: now });

/** The same scenario on each engine, written once against what both builders share. */
const engines = () => [
	{
		name: 'SQLite',
		unit: sqliteUnitOfWork(lite),
		insert: (tx: Db, id: string) => tx.insert(schema.organisations).values(org(id)),
		names: async (db: Db) => (await db.select({ id: schema.organisations.id }).from(schema.organisations)).map((r) => r.id).sort(),
		outside: () => reader,
		count: async (tx: Db, id: string) => (await tx.select().from(schema.organisations).where(eq(schema.organisations.id, id))).length
	},
	{
		name: 'PostgreSQL',
		unit: postgresUnitOfWork(pg),
		insert: (tx: PgDb, id: string) => tx.insert(pgSchema.organisations).values(org(id)),
		names: async (db: PgDb) => (await db.select({ id: pgSchema.organisations.id }).from(pgSchema.organisations)).map((r) => r.id).sort(),
		outside: () => pg,
		count: async (tx: PgDb, id: string) => (await tx.select().from(pgSchema.organisations).where(eq(pgSchema.organisations.id, id))).length
	}
];

describe.each(['SQLite', 'PostgreSQL'])('unit of work on %s', (engine) => {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the two engines' handles differ in type only
	const e = () => engines().find((x) => x.name === engine) as any;

	it('awaits inside, and a reader outside sees the rows only after the commit', async () => {
		const { unit, insert, names, outside, count } = e();
		const p = engine.toLowerCase();
		await unit(async (tx: unknown) => {
			await insert(tx, `${p}-a`);
			await tick();
			expect(await count(tx, `${p}-a`)).toBe(1);
			expect(await names(outside())).not.toContain(`${p}-a`);
			await insert(tx, `${p}-b`);
		});
		expect(await names(outside())).toEqual(expect.arrayContaining([`${p}-a`, `${p}-b`]));
	});

	it('is all or nothing: a throw after an await leaves no row', async () => {
		const { unit, insert, names, outside } = e();
		const p = engine.toLowerCase();
		await expect(
			unit(async (tx: unknown) => {
				await insert(tx, `${p}-gone`);
				await tick();
				throw new Error('refused');
			})
		).rejects.toThrow('refused');
		expect(await names(outside())).not.toContain(`${p}-gone`);
	});

	it('units started together do not interleave, and each sees the other only once committed', async () => {
		const { unit, insert, count } = e();
		const p = engine.toLowerCase();
		const seen: string[] = [];
		const first = unit(async (tx: unknown) => {
			await insert(tx, `${p}-x1`);
			seen.push('x1');
			await tick();
			await tick();
			seen.push('x2');
		});
		const second = unit(async (tx: unknown) => {
			const n = await count(tx, `${p}-x1`);
			seen.push(`y:${n}`);
		});
		await Promise.all([first, second]);
		if (engine === 'SQLite') expect(seen).toEqual(['x1', 'x2', 'y:1']);
		// PostgreSQL runs both at once (read committed): y sees x1 committed whole or not at all.
		else expect(['y:0', 'y:1']).toContain(seen.find((s) => s.startsWith('y:')));
	});
});
