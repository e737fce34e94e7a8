/**
 * Queries built once and run many times (issue 15). Building a query is most of what drizzle costs
 * (tens of microseconds of CPU for a select by id, hundreds for a multi-row insert; running the
 * compiled statement takes a few), and a vote runs the same few queries as every other vote.
 *
 * A query prepared on a handle runs on that handle only, so each handle gets its own: the one
 * `data.db` gives at the call (the reading connection or pool outside a unit of work, the unit's own
 * transaction inside one, so reads there see the unit's writes, as an unprepared query would). SQLite
 * has two handles for the life of a data handle (the reader, and the writer every unit runs on): each
 * query is built at most twice. A PostgreSQL unit's transaction is new at each unit: inside units
 * there a query is built once per unit, as it was before (nothing gained, nothing lost).
 *
 * Queries over a list of keys or rows take one placeholder per key: one prepared query per length up
 * to `PREPARED_MAX`; a longer list runs in slices (`slices`).
 */
import { is, Param, Placeholder, sql } from 'drizzle-orm';
import type { SQLiteInsertValue, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { AsyncDb, Data } from './data';

/** The longest list (of keys to read, of rows to insert) one prepared query takes. */
export const PREPARED_MAX = 16;

/** `list` cut in slices of at most `size` (the last one shorter). */
export function slices<T>(list: readonly T[], size = PREPARED_MAX): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/**
 * `build(db, n)` once per handle and length `n` (1 ≤ n ≤ PREPARED_MAX; 1 for a query that takes no
 * list): returns the query prepared on the handle `data.db` gives now.
 */
export function prepared<Q>(data: Data, build: (db: AsyncDb, n: number) => Q): (n?: number) => Q {
	const byHandle = new WeakMap<object, Map<number, Q>>();
	return (n = 1) => {
		if (n < 1 || n > PREPARED_MAX) throw new RangeError(`a prepared query takes 1 to ${PREPARED_MAX} keys, not ${n}`);
		const db = data.db;
		let built = byHandle.get(db);
		if (!built) byHandle.set(db, (built = new Map()));
		let query = built.get(n);
		if (!query) built.set(n, (query = build(db, n)));
		return query;
	};
}

/**
 * `build(data)` once per data handle, for module-level code that takes `data` as an argument (a
 * service builds its statements once in its own closure instead). Usually `build` returns
 * `prepared(data, …)` closures, which then build each statement once per handle and length.
 */
export function perData<T>(build: (data: Data) => T): (data: Data) => T {
	const built = new WeakMap<Data, T>();
	return (data) => {
		let found = built.get(data);
		if (found === undefined) built.set(data, (found = build(data)));
		return found;
	};
}

/** Placeholder names `${prefix}0` … `${prefix}${n - 1}`. */
export const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** The values of a list for `names(prefix, list.length)`. */
export function valuesOf(prefix: string, list: readonly unknown[], into: Record<string, unknown> = {}): Record<string, unknown> {
	for (let i = 0; i < list.length; i++) into[`${prefix}${i}`] = list[i];
	return into;
}

/** A row for `preparedInsert`: every listed column given (undefined is written as NULL, not as the column's default). */
export type RowOf<T extends SQLiteTable, K extends keyof T['$inferInsert']> = { [C in K]: T['$inferInsert'][C] };

/** Where one parameter of a prepared insert comes from: row `row`'s column `col` (encoded), or a constant. */
type Slot = { row: number; col: number; encode: ((value: unknown) => unknown) | null } | { constant: unknown };

/** SQLite: the statement under a prepared insert, and each of its parameters' source, in order. */
interface Positional {
	stmt: { run(...params: unknown[]): unknown };
	slots: Slot[];
}

/**
 * SQLite: what drizzle's `execute(values)` does for a prepared insert (each parameter is looked up by
 * placeholder name in `values`, through the column's encoder: `fillPlaceholders`), planned once, so
 * that a multi-row insert takes its parameters straight from the rows. For 16 rows of 14 columns
 * drizzle checked 224 parameters' classes on every call, after the caller built an object of 224 named
 * values (issue 15: a sixth of a vote's CPU at 1,000 voters). Null when the prepared query is not
 * shaped as expected (another driver, another drizzle): the caller then takes drizzle's way.
 */
function positionalPlan(prepared: unknown, names: ReadonlyMap<string, { row: number; col: number }>): Positional | null {
	const q = prepared as { stmt?: { run?: unknown }; query?: { params?: unknown } };
	const stmt = q.stmt;
	const params = q.query?.params;
	if (!stmt || typeof stmt.run !== 'function' || !Array.isArray(params)) return null;
	const slots: Slot[] = [];
	for (const p of params as unknown[]) {
		if (is(p, Placeholder)) {
			const at = names.get(p.name);
			if (!at) return null;
			slots.push({ ...at, encode: null });
		} else if (is(p, Param) && is(p.value, Placeholder)) {
			const at = names.get(p.value.name);
			if (!at) return null;
			const encoder = p.encoder;
			slots.push({ ...at, encode: (value) => encoder.mapToDriverValue(value) });
		} else slots.push({ constant: p });
	}
	return { stmt: stmt as Positional['stmt'], slots };
}

/**
 * Inserts rows of `table` giving these `columns`, with prepared multi-row inserts (slices of at
 * most PREPARED_MAX rows, in order), in the current unit of work.
 */
export function preparedInsert<T extends SQLiteTable, K extends keyof T['$inferInsert'] & string>(data: Data, table: T, columns: readonly K[]) {
	const query = prepared(data, (db, n) =>
		db
			.insert(table)
			.values(Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map((c) => [c, sql.placeholder(`${c}_${i}`)])) as SQLiteInsertValue<T>))
			.prepare()
	);
	// The placeholder names, made once (row i, column j): `${column}_${i}`.
	const keys = Array.from({ length: PREPARED_MAX }, (_, i) => columns.map((c) => `${c}_${i}`));
	const names = new Map(keys.flatMap((row, i) => row.map((name, j) => [name, { row: i, col: j }] as const)));
	/** SQLite: each prepared query's plan (null: drizzle's own way). */
	const plans = new WeakMap<object, Positional | null>();
	return async (rows: readonly RowOf<T, K>[]) => {
		for (const some of slices(rows)) {
			const q = query(some.length);
			let plan = plans.get(q);
			if (plan === undefined) plans.set(q, (plan = data.dialect === 'sqlite' ? positionalPlan(q, names) : null));
			if (plan) {
				const params = new Array<unknown>(plan.slots.length);
				for (let k = 0; k < params.length; k++) {
					const slot = plan.slots[k]!;
					if ('constant' in slot) params[k] = slot.constant;
					else {
						const value = some[slot.row]![columns[slot.col]!] ?? null;
						params[k] = slot.encode ? slot.encode(value) : value;
					}
				}
				plan.stmt.run(...params);
				continue;
			}
			const values: Record<string, unknown> = {};
			some.forEach((row, i) => {
				const named = keys[i]!;
				for (let j = 0; j < columns.length; j++) values[named[j]!] = row[columns[j]!] ?? null;
			});
			await query(some.length).execute(values);
		}
	};
}
