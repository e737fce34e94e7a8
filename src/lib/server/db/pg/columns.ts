import { customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL column vocabulary that mirrors the SQLite schema's, so each `pg/schema-*.ts` reads
 * line for line like its SQLite twin and the services see the same TypeScript types on both:
 * - a point in time (`integer … timestamp_ms` in SQLite) is `timestamptz(3)`, read as a `Date`;
 * - a flag (`integer … boolean`) is `boolean`; JSON (`text … json`) is `jsonb`; `real` is
 *   `double precision` (SQLite's REAL is 8 bytes); bytes (`blob … buffer`) are `bytea`.
 * `tests/db/schema-lockstep.test.ts` checks the two migrated databases against this mapping.
 */
export const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/** drizzle-orm 0.45 has no `bytea` builder for PostgreSQL; node-postgres reads bytea as a Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
	dataType: () => 'bytea'
});
