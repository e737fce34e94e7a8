/**
 * A unique or foreign-key violation reads the same on SQLite and PostgreSQL (`db/errors.ts`), and
 * `onConflictDoNothing().returning()` answers the same: the two paths the async services will use
 * for "already exists". Real databases: a migrated SQLite file, a fresh PostgreSQL database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, schema, type Db } from '../../../src/lib/server/db';
import { constraintViolation, isForeignKeyViolation, isUniqueViolation } from '../../../src/lib/server/db/errors';
import { connectPostgres, migratePostgres, pgSchema, type PgDb } from '../../../src/lib/server/db/postgres';
import { freshDatabase, type FreshDatabase } from './fresh';

let dir: string;
let lite: Db;
let fresh: FreshDatabase;
let pg: PgDb;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'tib-constraints-'));
	lite = openDatabase(join(dir, 'app.db'));
	fresh = await freshDatabase('constraints');
	pg = connectPostgres(fresh.url, { max: 2 });
	await migratePostgres(pg);
});

afterAll(async () => {
	lite?.$client.close();
	await pg?.$client.end();
	await fresh?.drop();
	rmSync(dir, { recursive: true, force: true });
});

const now = new Date('2026-12-01T06:00:00.000Z');
const org = (id: string, slug: string) => ({ id, slug, name: 'Bailleur', kind: 'landlord' as const, createdAt: now });
const user = { id: 'u1', username: 'amina.k7p2', displayName: 'Amina', passwordHash: 'x', createdAt: now, passwordChangedAt: now };
const membership = (id: string) => ({ id, userId: 'u1', spaceType: 'residence' as const, spaceId: 'r1', role: 'tenant' as const, createdAt: now });

/** The same write on both engines; what each threw (or null). */
async function onBoth(write: { lite: () => unknown; pg: () => Promise<unknown> }) {
	let l: unknown = null;
	let p: unknown = null;
	try {
		write.lite();
	} catch (e) {
		l = e;
	}
	try {
		await write.pg();
	} catch (e) {
		p = e;
	}
	return { l, p };
}

describe('constraint violations on SQLite and PostgreSQL', () => {
	it('read the same for a unique column, a primary key, a composite unique index and a foreign key', async () => {
		await onBoth({ lite: () => lite.insert(schema.organisations).values(org('o1', 'lmh')).run(), pg: () => pg.insert(pgSchema.organisations).values(org('o1', 'lmh')) });
		await onBoth({ lite: () => lite.insert(schema.users).values(user).run(), pg: () => pg.insert(pgSchema.users).values(user) });

		const slug = await onBoth({ lite: () => lite.insert(schema.organisations).values(org('o2', 'lmh')).run(), pg: () => pg.insert(pgSchema.organisations).values(org('o2', 'lmh')) });
		expect(constraintViolation(slug.l)).toEqual({ kind: 'unique', table: 'organisations', columns: ['slug'] });
		expect(constraintViolation(slug.p)).toEqual(constraintViolation(slug.l));
		expect(isUniqueViolation(slug.p, 'organisations', ['slug']) && isUniqueViolation(slug.l, 'organisations', ['slug'])).toBe(true);
		expect(isUniqueViolation(slug.p, 'organisations', ['id'])).toBe(false);

		const id = await onBoth({ lite: () => lite.insert(schema.organisations).values(org('o1', 'other')).run(), pg: () => pg.insert(pgSchema.organisations).values(org('o1', 'other')) });
		expect(constraintViolation(id.l)).toEqual({ kind: 'unique', table: 'organisations', columns: ['id'] });
		expect(constraintViolation(id.p)).toEqual(constraintViolation(id.l));

		await onBoth({ lite: () => lite.insert(schema.memberships).values(membership('m1')).run(), pg: () => pg.insert(pgSchema.memberships).values(membership('m1')) });
		const twice = await onBoth({ lite: () => lite.insert(schema.memberships).values(membership('m2')).run(), pg: () => pg.insert(pgSchema.memberships).values(membership('m2')) });
		expect(constraintViolation(twice.l)).toEqual({ kind: 'unique', table: 'memberships', columns: ['user_id', 'space_type', 'space_id', 'role'] });
		expect(constraintViolation(twice.p)).toEqual(constraintViolation(twice.l));

		const agency = { id: 'a1', organisationId: 'nowhere', name: 'Agence', createdAt: now };
		const fk = await onBoth({ lite: () => lite.insert(schema.agencies).values(agency).run(), pg: () => pg.insert(pgSchema.agencies).values(agency) });
		expect(isForeignKeyViolation(fk.l) && isForeignKeyViolation(fk.p)).toBe(true);
		expect(isUniqueViolation(fk.p) || isUniqueViolation(fk.l)).toBe(false);
		expect(constraintViolation(new Error('something else'))).toBeNull();
	});

	it('onConflictDoNothing().returning() gives no row on both when the key exists', async () => {
		const l = lite.insert(schema.organisations).values(org('o3', 'lmh')).onConflictDoNothing().returning({ id: schema.organisations.id }).all();
		const p = await pg.insert(pgSchema.organisations).values(org('o3', 'lmh')).onConflictDoNothing().returning({ id: pgSchema.organisations.id });
		expect(l).toEqual([]);
		expect(p).toEqual([]);
		const l2 = lite.insert(schema.organisations).values(org('o4', 'fresh')).onConflictDoNothing().returning({ id: schema.organisations.id }).all();
		const p2 = await pg.insert(pgSchema.organisations).values(org('o4', 'fresh')).onConflictDoNothing().returning({ id: pgSchema.organisations.id });
		expect(p2).toEqual(l2);
		expect(l2).toEqual([{ id: 'o4' }]);
	});
});
