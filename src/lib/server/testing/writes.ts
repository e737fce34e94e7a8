/**
 * A mark of everything written so far, on either engine, for tests that check a path writes nothing
 * (reads that must leave the database still, a refused request):
 * - SQLite: `total_changes()` of the writer connection, which every unit of work runs on; it counts
 *   each row inserted, updated or deleted.
 * - PostgreSQL: every live row version of every table, named by its place and the transaction that
 *   wrote it (`ctid`, `xmin`): an insert or an update makes a new version (new place, new
 *   transaction), a delete takes one away; a read changes none. Compared whole, not summed.
 */
import { sql } from 'drizzle-orm';
import type { TestApp } from './index';

export async function writeMark(app: TestApp): Promise<string> {
	const { data, db } = app.services.deps;
	if (data.dialect === 'sqlite') return String(db.$client.prepare('select total_changes()').pluck().get());
	const tables = await data.rows<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = current_schema() order by tablename`);
	const versions = tables
		.map(({ name }) => `select '${name}' as t, coalesce(string_agg(ctid::text || ':' || xmin::text, ',' order by ctid), '') as v from "${name}"`)
		.join(' union all ');
	const [row] = await data.rows<{ mark: string }>(sql.raw(`select md5(string_agg(t || '=' || v, ';' order by t)) as mark from (${versions}) s`));
	return row!.mark;
}
