/**
 * Constraint errors said the same way on both engines, for the services' "already exists" paths.
 *
 * SQLite (better-sqlite3) names the columns: `SQLITE_CONSTRAINT_UNIQUE` / `…_PRIMARYKEY`, "UNIQUE
 * constraint failed: table.a, table.b". PostgreSQL (node-postgres) names the constraint: code
 * `23505` with `table` and `constraint`, whose columns come from the PostgreSQL schema (the same
 * index names as SQLite's: the lockstep test compares them). drizzle wraps both in a
 * DrizzleQueryError (`cause`). The PostgreSQL `detail` ("Key (email)=(…)") carries the value and is
 * never read.
 *
 * In a PostgreSQL transaction a failed statement aborts the transaction: catching a violation and
 * carrying on needs a savepoint (a nested `tx.transaction`) — or `onConflictDoNothing().returning()`.
 */
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { is } from 'drizzle-orm';
import * as pgSchema from './pg/schema';

export interface ConstraintViolation {
	kind: 'unique' | 'foreign-key';
	table: string;
	/** The unique key's columns (unique violations only). */
	columns: string[];
}

interface DriverError {
	code?: unknown;
	message?: unknown;
	table?: unknown;
	constraint?: unknown;
	cause?: unknown;
}

let pgKeys: Map<string, { table: string; columns: string[] }> | undefined;

/** Every unique key of the PostgreSQL schema by the name PostgreSQL gives it. */
function postgresKeys() {
	if (pgKeys) return pgKeys;
	pgKeys = new Map();
	for (const t of Object.values(pgSchema)) {
		if (!is(t, PgTable)) continue;
		const cfg = getTableConfig(t);
		const add = (name: string, columns: string[]) => pgKeys?.set(name, { table: cfg.name, columns });
		const pk = cfg.columns.filter((c) => c.primary).map((c) => c.name);
		if (pk.length) add(`${cfg.name}_pkey`, pk);
		for (const p of cfg.primaryKeys) add(p.getName(), p.columns.map((c) => c.name));
		for (const c of cfg.columns) if (c.isUnique && c.uniqueName) add(c.uniqueName, [c.name]);
		for (const u of cfg.uniqueConstraints) add(u.getName() ?? '', u.columns.map((c) => c.name));
		for (const ix of cfg.indexes)
			if (ix.config.unique) add(ix.config.name ?? '', ix.config.columns.map((c) => ('name' in c ? String(c.name) : '')));
	}
	return pgKeys;
}

function driverError(err: unknown): DriverError | null {
	for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as DriverError).cause, depth++) {
		const code = (e as DriverError).code;
		if (typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || /^23\d{3}$/.test(code))) return e as DriverError;
	}
	return null;
}

/** The constraint a database error broke, or null when it is not a unique or foreign-key violation. */
export function constraintViolation(err: unknown): ConstraintViolation | null {
	const e = driverError(err);
	if (!e) return null;
	const code = String(e.code);
	if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
		const cols = String(e.message).replace(/^UNIQUE constraint failed: /, '').split(', ');
		const table = cols[0]?.split('.')[0] ?? '';
		return { kind: 'unique', table, columns: cols.map((c) => c.slice(c.indexOf('.') + 1)) };
	}
	if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { kind: 'foreign-key', table: '', columns: [] };
	if (code === '23505') {
		const key = postgresKeys().get(String(e.constraint));
		return { kind: 'unique', table: key?.table ?? String(e.table ?? ''), columns: key?.columns ?? [] };
	}
	if (code === '23503') return { kind: 'foreign-key', table: String(e.table ?? ''), columns: [] };
	return null;
}

/** True when `err` broke a unique key — of `table` (and exactly these `columns`) when given. */
export function isUniqueViolation(err: unknown, table?: string, columns?: readonly string[]): boolean {
	const v = constraintViolation(err);
	if (v?.kind !== 'unique') return false;
	if (table !== undefined && v.table !== table) return false;
	return columns === undefined || (v.columns.length === columns.length && columns.every((c) => v.columns.includes(c)));
}

export function isForeignKeyViolation(err: unknown): boolean {
	return constraintViolation(err)?.kind === 'foreign-key';
}

/** Node's network errors and PostgreSQL's "the server is going away / not there" classes (08, 57P0x). */
const UNAVAILABLE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300']);

/**
 * True when `err` says the database is momentarily out of reach rather than that the request is
 * wrong: SQLite busy past its timeout (another process holds the write lock), PostgreSQL restarting
 * or refusing connections, a pooled connection cut. The person is told to try again (503), in her
 * language, and nothing was written: the unit of work it interrupted rolled back.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
	for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as DriverError).cause, depth++) {
		const code = (e as DriverError).code;
		if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
		const message = (e as DriverError).message;
		if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)) return true;
	}
	return false;
}
