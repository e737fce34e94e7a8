/**
 * The PostgreSQL schema, kept in lockstep with the SQLite one (`../schema.ts`): one file per
 * capability, each the twin of `../schema-<same name>.ts`, with the same table, column, index and
 * constraint names and the same TypeScript row types (column vocabulary: `columns.ts`). A change to
 * one side without the other fails `tests/db/schema-lockstep.test.ts`. Migrations: `drizzle/postgres`
 * (`npm run db:generate` writes both dialects).
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
