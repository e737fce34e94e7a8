/**
 * SQLite statements with `LIMIT ?` are compiled again at every run (issue 15).
 *
 * SQLite (3.47 and later) plans a query whose LIMIT is a bound parameter as if the parameter's value
 * were written in the SQL (`sqlite3ExprIsInteger` with its parser: LIMIT 1 lets the planner stop
 * early), and marks the parameter as one the plan depends on. Binding any value to such a
 * parameter then expires the statement, and its next step prepares it again from its text
 * (`vdbeUnbind`: `p->expired = 1`). better-sqlite3 binds every parameter at every run, so a kept
 * statement with `LIMIT ?` was parsed and planned at every call: a select of one proposal by its
 * key took 20 µs instead of 7 (40 µs inside the app), and every `.limit(1)` of ours paid it — the
 * session and user behind every request, a proposal behind every board action. The connection flag
 * that turns this off (SQLITE_DBCONFIG_ENABLE_QPSG) is not reachable from better-sqlite3.
 *
 * drizzle writes a number given to `.limit(n)` as a parameter. Here, on SQLite only, a non-negative
 * safe integer is written into the SQL text instead (`limit 1`); a placeholder or anything else is
 * left to drizzle, as before. The value is checked to be an integer, so nothing but digits reaches
 * the text. Statements are kept by their text (`keepStatements`): each distinct limit is its own
 * statement, and the app uses a handful (1, 5, 100, a page size).
 */
import { sql, type SQL } from 'drizzle-orm';
import { SQLiteDialect } from 'drizzle-orm/sqlite-core';

type BuildLimit = (limit: unknown) => SQL | undefined;

let installed = false;

/** Installs the literal LIMIT on drizzle's SQLite dialect (once; later calls do nothing). */
export function literalSqliteLimits(): void {
	if (installed) return;
	const proto = SQLiteDialect.prototype as unknown as { buildLimit?: BuildLimit };
	const original = proto.buildLimit;
	if (typeof original !== 'function') {
		// A drizzle that no longer has this method: queries stay correct, only slower (db/sqlite-limit.test.ts fails).
		console.warn('[db] drizzle SQLiteDialect.buildLimit not found: LIMIT stays a bound parameter');
		return;
	}
	proto.buildLimit = function (this: unknown, limit: unknown) {
		if (typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0) return sql.raw(` limit ${limit}`);
		return original.call(this, limit);
	};
	installed = true;
}
