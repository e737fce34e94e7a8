/**
 * The whole schema as drizzle and drizzle-kit see it. Tables live by capability in schema-*.ts;
 * the accounts, spaces and audit tables every part refers to are in schema-core.ts, which the
 * parts import directly (never this file, so the schema has no import cycle).
 *
 * Each part has a PostgreSQL twin, `pg/schema-<same name>.ts`: change both, then `npm run db:generate`
 * (it writes `drizzle/` and `drizzle/postgres`). `tests/integration/postgres/schema-lockstep.test.ts`
 * fails while they differ.
 */
export * from './schema-core';
export * from './schema-boards';
export * from './schema-collab';
export * from './schema-votes';
export * from './schema-notifications';
export * from './schema-meetings';
export * from './schema-minutes';
export * from './schema-practice';
export * from './schema-indicators';
export * from './schema-inclusion';
