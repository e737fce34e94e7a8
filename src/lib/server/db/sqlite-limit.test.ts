import { eq, sql } from 'drizzle-orm';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './index';
import { users as pgUsers } from './pg/schema-core';
import { users } from './schema';

/**
 * On SQLite a number given to `.limit(n)` is written into the SQL (db/sqlite-limit.ts): a bound
 * LIMIT makes SQLite compile the statement again at every run. Installed by `db/index.ts`.
 */
describe('literal LIMIT on SQLite', () => {
	let dir: string;
	let db: Db;
	afterEach(() => {
		db?.$client.close();
		rmSync(dir, { recursive: true, force: true });
	});

	function open() {
		dir = mkdtempSync(join(tmpdir(), 'tib-limit-'));
		db = openDatabase(join(dir, 'app.db'));
		const now = new Date();
		for (const name of ['ana', 'bea', 'cam', 'dan', 'eli'])
			db.insert(users).values({ id: `u-${name}`, username: name, displayName: name, passwordHash: '-', createdAt: now, passwordChangedAt: now }).run();
	}

	it('writes a whole number into the text, not as a parameter, and reads as many rows', () => {
		open();
		const one = db.select({ id: users.id }).from(users).where(eq(users.id, 'u-bea')).limit(1);
		expect(one.toSQL().sql).toMatch(/ limit 1$/);
		expect(one.toSQL().params).toEqual(['u-bea']);
		expect(one.all()).toEqual([{ id: 'u-bea' }]);
		const some = db.select({ id: users.id }).from(users).orderBy(users.username).limit(3);
		expect(some.toSQL()).toMatchObject({ params: [] });
		expect(some.all().map((r) => r.id)).toEqual(['u-ana', 'u-bea', 'u-cam']);
		expect(db.select().from(users).limit(0).all()).toEqual([]);
	});

	it('leaves a placeholder (and anything not a whole number) to drizzle, as a parameter', () => {
		open();
		const byPlaceholder = db.select({ id: users.id }).from(users).orderBy(users.username).limit(sql.placeholder('n')).prepare();
		expect(byPlaceholder.all({ n: 2 }).map((r) => r.id)).toEqual(['u-ana', 'u-bea']);
		expect(byPlaceholder.all({ n: 4 })).toHaveLength(4);
		const fraction = db.select({ id: users.id }).from(users).limit(2.5);
		expect(fraction.toSQL().sql).toMatch(/ limit \?$/);
		expect(fraction.toSQL().params).toEqual([2.5]);
	});

	it('changes nothing for PostgreSQL: its LIMIT stays a parameter', () => {
		const pg = pgDrizzle.mock();
		const query = pg.select({ id: pgUsers.id }).from(pgUsers).where(eq(pgUsers.id, 'u-bea')).limit(1).toSQL();
		expect(query.sql).toMatch(/ limit \$2$/);
		expect(query.params).toEqual(['u-bea', 1]);
	});
});
