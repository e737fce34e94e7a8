/**
 * The SQLite and PostgreSQL schemas cannot drift: both are migrated from their own `drizzle/`
 * folders into real databases (a temporary SQLite file; a fresh PostgreSQL database on the local
 * server, dropped afterwards), read back from the databases' own catalogues, and compared table by
 * table: columns (types mapped between dialects), nullability, defaults, primary keys, indexes and
 * unique constraints by name, foreign keys. A second test compares the TypeScript row types both
 * drizzle schemas give the services, which pins each column's exact mapping (a `timestamp_ms` integer
 * must be a timestamptz, a boolean a boolean, JSON a jsonb).
 *
 * When this fails after you changed one schema: make the same change in its twin
 * (`src/lib/server/db/schema-X.ts` ↔ `src/lib/server/db/pg/schema-X.ts`) and run `npm run db:generate`.
 */
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/lib/server/db';
import * as sqliteSchema from '../../../src/lib/server/db/schema';
import * as pgSchema from '../../../src/lib/server/db/pg/schema';
import { connectPostgres, migratePostgres, type PgDb } from '../../../src/lib/server/db/postgres';
import { postgresShape, sqliteShape, TYPE_MAP, type SchemaShape } from './catalog';
import { freshDatabase, type FreshDatabase } from './fresh';

let sqlite: SchemaShape;
let postgres: SchemaShape;
let dir: string;
let fresh: FreshDatabase;
let pgdb: PgDb | undefined;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'tib-lockstep-'));
	const db = openDatabase(join(dir, 'app.db'));
	sqlite = sqliteShape(db.$client);
	db.$client.close();
	fresh = await freshDatabase('lockstep');
	pgdb = connectPostgres(fresh.url, { max: 2 });
	await migratePostgres(pgdb);
	postgres = await postgresShape(pgdb.$client);
});

afterAll(async () => {
	await pgdb?.$client.end();
	await fresh?.drop();
	rmSync(dir, { recursive: true, force: true });
});

/** PostgreSQL's types said in SQLite's storage classes, through the allowed mapping. */
function inSqliteTerms(shape: SchemaShape): SchemaShape {
	const back = new Map(Object.entries(TYPE_MAP).flatMap(([lite, pgTypes]) => pgTypes.map((t) => [t, lite] as const)));
	return Object.fromEntries(
		Object.entries(shape).map(([table, t]) => [
			table,
			{ ...t, columns: Object.fromEntries(Object.entries(t.columns).map(([c, col]) => [c, { ...col, type: back.get(col.type) ?? `unmapped PostgreSQL type ${col.type}` }])) }
		])
	);
}

describe('SQLite and PostgreSQL schemas in lockstep', () => {
	it('have the same tables, columns, nullability, defaults, keys, indexes and foreign keys', () => {
		expect(Object.keys(sqlite).length).toBeGreaterThan(40);
		expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
		for (const table of Object.keys(sqlite)) expect({ table, ...inSqliteTerms(postgres)[table] }).toEqual({ table, ...sqlite[table] });
	});

	it('give the services the same TypeScript types, column by column', () => {
		type Col = { name: string; dataType: string; enumValues?: readonly string[]; notNull: boolean; sqlType: string };
		const describeTable = (cols: Col[], bytes: (c: Col) => string) =>
			Object.fromEntries(cols.map((c) => [c.name, { dataType: bytes(c), enumValues: c.enumValues ?? null, notNull: c.notNull }]));
		const lite = new Map<string, Record<string, unknown>>();
		for (const t of Object.values(sqliteSchema))
			if (is(t, SQLiteTable)) {
				const cfg = sqliteTableConfig(t);
				lite.set(cfg.name, describeTable(cfg.columns.map((c) => ({ name: c.name, dataType: c.dataType, enumValues: c.enumValues, notNull: c.notNull, sqlType: c.getSQLType() })), (c) => c.dataType));
			}
		const pgTables = new Map<string, Record<string, unknown>>();
		const pgTypes = new Map<string, string>();
		for (const t of Object.values(pgSchema))
			if (is(t, PgTable)) {
				const cfg = pgTableConfig(t);
				for (const c of cfg.columns) pgTypes.set(`${cfg.name}.${c.name}`, c.getSQLType());
				// drizzle has no bytea builder in 0.45: ours is a custom type read as a Buffer.
				pgTables.set(cfg.name, describeTable(cfg.columns.map((c) => ({ name: c.name, dataType: c.dataType, enumValues: c.enumValues, notNull: c.notNull, sqlType: c.getSQLType() })), (c) => (c.sqlType === 'bytea' ? 'buffer' : c.dataType)));
			}
		expect([...pgTables.keys()].sort()).toEqual([...lite.keys()].sort());
		for (const [name, cols] of lite) expect({ table: name, columns: pgTables.get(name) }).toEqual({ table: name, columns: cols });
		// Plain integers stay 4 bytes except the keys that must not wrap (random ballot and voice-answer ids, audit rows, the votes' trace queue, whose sequence counts every vote ever cast).
		const bigints = [...pgTypes].filter(([, t]) => t === 'bigint').map(([c]) => c).sort();
		expect(bigints).toEqual(['audit_log.id', 'ballots.id', 'participation_trace_queue.seq', 'proposal_events.id', 'survey_voice_answers.id'].sort());
	});
});
