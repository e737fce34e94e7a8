/**
 * The secret-ballot guarantees on PostgreSQL, as far as the database can show them.
 * - The `ballots` table carries no time, no sequence and no generated key: its id is a random
 *   bigint the ballot box draws, with no default; no sequence belongs to the table.
 * - The server adds no time of its own (`track_commit_timestamp` off) — reported at start otherwise.
 * - `secure_delete`'s role: a replaced ballot, or an assisted vote's erased choice, leaves a dead
 *   row version in the table's pages. VACUUM, which the PostgreSQL ballot box will run after each
 *   secret flush (as SQLite checkpoints its WAL), removes it from the page: the row is no longer
 *   there for any reader, even one inspecting pages (pageinspect), not only for SQL. Its bytes may
 *   stay in the page's free space until overwritten; VACUUM FULL rewrites the table without them.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, migratePostgres, type PgDb } from '../../../src/lib/server/db/postgres';
import { secrecyFindings } from '../../../src/lib/server/db/pg/secrecy';
import { freshDatabase, type FreshDatabase } from './fresh';

let fresh: FreshDatabase;
let db: PgDb;

beforeAll(async () => {
	fresh = await freshDatabase('secret');
	db = connectPostgres(fresh.url, { max: 1 });
	await migratePostgres(db);
});

afterAll(async () => {
	await db?.$client.end();
	await fresh?.drop();
});

describe('secret ballots on PostgreSQL', () => {
	it('the ballots table has no time, no sequence and no generated key', async () => {
		const cols = await db.execute<{ column_name: string; data_type: string; column_default: string | null; is_identity: string; is_generated: string }>(
			sql`select column_name, data_type, column_default, is_identity, is_generated from information_schema.columns where table_schema = 'public' and table_name = 'ballots'`
		);
		expect(cols.rows.length).toBeGreaterThan(5);
		expect(cols.rows.filter((c) => /time|date|interval/.test(c.data_type))).toEqual([]);
		expect(cols.rows.filter((c) => c.is_identity === 'YES' || c.is_generated !== 'NEVER')).toEqual([]);
		// Only the weight has a default (1); nothing derived from when or in which order a row came.
		expect(cols.rows.filter((c) => c.column_default !== null).map((c) => [c.column_name, c.column_default])).toEqual([['weight', '1']]);
		const owned = await db.execute(
			sql`select s.relname from pg_class s join pg_depend d on d.objid = s.oid join pg_class t on t.oid = d.refobjid where s.relkind = 'S' and t.relname = 'ballots'`
		);
		expect(owned.rows).toEqual([]);
	});

	it('the server keeps no commit times on this machine', async () => {
		expect(await secrecyFindings(db)).toEqual([]);
		const setting = await db.execute<{ track_commit_timestamp: string }>(sql`show track_commit_timestamp`);
		expect(setting.rows[0]?.track_commit_timestamp).toBe('off');
	});

	it('a replaced ballot is gone from the table pages after VACUUM', async () => {
		await db.execute(sql`create extension if not exists pageinspect`);
		// The row alone, without its consultation: foreign keys are not what this test is about.
		await db.transaction(async (tx) => {
			await tx.execute(sql`set local session_replication_role = replica`);
			await tx.execute(sql`insert into ballots (id, consultation_id, token_hash, weight, content) values (8815, 'c1', 'h1', 1, '{"marker":"first-choice-7f3a"}')`);
		});
		// The voter changes her mind: the box deletes the old ballot and writes a new one under a new id.
		await db.transaction(async (tx) => {
			await tx.execute(sql`set local session_replication_role = replica`);
			await tx.execute(sql`delete from ballots where id = 8815`);
			await tx.execute(sql`insert into ballots (id, consultation_id, token_hash, weight, content) values (31337, 'c1', 'h1', 1, '{"marker":"second-choice-9b2c"}')`);
		});
		const tuples = async () =>
			(
				await db.execute<{ data: string }>(
					sql`select encode(t_data, 'escape') as data from heap_page_items(get_raw_page('ballots', 0)) where t_data is not null`
				)
			).rows.map((r) => r.data);
		// Before VACUUM the dead row version is still an item of the page…
		expect((await tuples()).some((d) => d.includes('first-choice-7f3a'))).toBe(true);
		await db.execute(sql`vacuum ballots`);
		// …after it, only the live ballot is.
		const after = await tuples();
		expect(after.some((d) => d.includes('first-choice-7f3a'))).toBe(false);
		expect(after.some((d) => d.includes('second-choice-9b2c'))).toBe(true);
		// VACUUM does not zero the freed space (bytes may stay until overwritten; measured in the
		// note); VACUUM FULL, planned at each secret consultation's close, rewrites the table.
		await db.execute(sql`vacuum full ballots`);
		const raw = await db.execute<{ found: boolean }>(sql`select position(convert_to('first-choice-7f3a', 'UTF8') in get_raw_page('ballots', 0)) > 0 as found`);
		expect(raw.rows[0]?.found).toBe(false);
	});
});
