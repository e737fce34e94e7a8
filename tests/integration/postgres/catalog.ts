/**
 * Both migrated schemas read from the databases themselves (not from drizzle's description), in one
 * shape so they can be compared: SQLite through its PRAGMAs, PostgreSQL through its catalogue.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';

export interface ColumnShape {
	type: string;
	notNull: boolean;
	hasDefault: boolean;
}

export interface TableShape {
	columns: Record<string, ColumnShape>;
	primaryKey: string[];
	/** Every index but the primary key's, unique constraints included: name → "unique (a, b)" or "(a, b)". */
	indexes: Record<string, string>;
	/** "(a) → table(b) on update no action on delete no action", sorted. */
	foreignKeys: string[];
}

export type SchemaShape = Record<string, TableShape>;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export function sqliteShape(db: Database.Database): SchemaShape {
	const tables = db
		.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name")
		.all() as { name: string }[];
	const shape: SchemaShape = {};
	for (const { name } of tables) {
		const cols = db.prepare(`pragma table_info(${ident(name)})`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
		const indexes: Record<string, string> = {};
		for (const ix of db.prepare(`pragma index_list(${ident(name)})`).all() as { name: string; unique: number; origin: string }[]) {
			if (ix.origin === 'pk') continue;
			const on = (db.prepare(`pragma index_info(${ident(ix.name)})`).all() as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
			indexes[ix.name] = `${ix.unique ? 'unique ' : ''}(${on.join(', ')})`;
		}
		const fks = new Map<number, { table: string; from: string[]; to: string[]; on_update: string; on_delete: string }>();
		for (const fk of db.prepare(`pragma foreign_key_list(${ident(name)})`).all() as { id: number; table: string; from: string; to: string; on_update: string; on_delete: string }[]) {
			const entry = fks.get(fk.id) ?? { table: fk.table, from: [], to: [], on_update: fk.on_update, on_delete: fk.on_delete };
			entry.from.push(fk.from);
			entry.to.push(fk.to);
			fks.set(fk.id, entry);
		}
		shape[name] = {
			columns: Object.fromEntries(
				cols.map((c) => [c.name, { type: c.type.toLowerCase(), notNull: c.notnull === 1 || c.pk > 0, hasDefault: c.dflt_value !== null }])
			),
			primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
			indexes,
			foreignKeys: [...fks.values()].map((f) => `(${f.from.join(', ')}) → ${f.table}(${f.to.join(', ')}) on update ${f.on_update.toLowerCase()} on delete ${f.on_delete.toLowerCase()}`).sort()
		};
	}
	return shape;
}

const ACTIONS: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

export async function postgresShape(client: pg.Client | pg.Pool): Promise<SchemaShape> {
	const shape: SchemaShape = {};
	const table = (name: string) => (shape[name] ??= { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] });
	const cols = await client.query<{ table_name: string; column_name: string; type: string; not_null: boolean; has_default: boolean; identity: string }>(`
		select c.relname as table_name, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type,
		       a.attnotnull as not_null, a.atthasdef as has_default, a.attidentity as identity
		from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
		order by c.relname, a.attnum`);
	for (const c of cols.rows) {
		// An identity column is PostgreSQL's form of SQLite's AUTOINCREMENT key: neither has a default.
		table(c.table_name).columns[c.column_name] = { type: c.type, notNull: c.not_null, hasDefault: c.has_default && c.identity === '' };
	}
	const indexes = await client.query<{ table_name: string; index_name: string; is_unique: boolean; is_primary: boolean; columns: string[] }>(`
		select t.relname as table_name, i.relname as index_name, x.indisunique as is_unique, x.indisprimary as is_primary,
		       array(select a.attname from unnest(x.indkey) with ordinality k(attnum, ord)
		             join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.ord)::text[] as columns
		from pg_index x join pg_class t on t.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
		join pg_namespace n on n.oid = t.relnamespace where n.nspname = 'public'`);
	for (const ix of indexes.rows) {
		if (ix.is_primary) table(ix.table_name).primaryKey = ix.columns;
		else table(ix.table_name).indexes[ix.index_name] = `${ix.is_unique ? 'unique ' : ''}(${ix.columns.join(', ')})`;
	}
	const fks = await client.query<{ table_name: string; target: string; from_cols: string[]; to_cols: string[]; upd: string; del: string }>(`
		select t.relname as table_name, r.relname as target, k.confupdtype as upd, k.confdeltype as del,
		       array(select a.attname from unnest(k.conkey) with ordinality u(attnum, ord) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.ord)::text[] as from_cols,
		       array(select a.attname from unnest(k.confkey) with ordinality u(attnum, ord) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum order by u.ord)::text[] as to_cols
		from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_class r on r.oid = k.confrelid
		join pg_namespace n on n.oid = t.relnamespace where k.contype = 'f' and n.nspname = 'public'`);
	for (const f of fks.rows)
		table(f.table_name).foreignKeys.push(`(${f.from_cols.join(', ')}) → ${f.target}(${f.to_cols.join(', ')}) on update ${ACTIONS[f.upd]} on delete ${ACTIONS[f.del]}`);
	for (const t of Object.values(shape)) t.foreignKeys.sort();
	return shape;
}

/**
 * The type each SQLite storage class may take on PostgreSQL. Which one a given column must take is
 * fixed by its drizzle mode (a `timestamp_ms` integer is a timestamptz, …): the schema test checks
 * that through the TypeScript types both schemas give the services.
 */
export const TYPE_MAP: Record<string, string[]> = {
	integer: ['integer', 'bigint', 'boolean', 'timestamp(3) with time zone'],
	text: ['text', 'jsonb'],
	real: ['double precision'],
	blob: ['bytea']
};
