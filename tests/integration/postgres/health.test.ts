/**
 * Readiness through its real checks: a migrated SQLite file, a fresh PostgreSQL database before and
 * after its migrations, a PostgreSQL that does not answer; the two routes' handlers as the server
 * calls them; and a server started with a PostgreSQL URL, which migrates and then says why it stops.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, schema, type Db } from '../../../src/lib/server/db';
import { connectPostgres, migratePostgres, postgresMigrationStatus } from '../../../src/lib/server/db/postgres';
import { openDataStore } from '../../../src/lib/server/db/open';
import { addReadinessCheck, booleanCheck, runChecks } from '../../../src/lib/server/health';
import { postgresChecks, sqliteChecks } from '../../../src/lib/server/health/database';
import { GET as healthz } from '../../../src/routes/healthz/+server';
import { GET as readyz } from '../../../src/routes/readyz/+server';
import { databaseExists, freshDatabase, type FreshDatabase } from './fresh';

let dir: string;
const made: FreshDatabase[] = [];

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'tib-health-'));
});

afterAll(async () => {
	for (const f of made) await f.drop();
	rmSync(dir, { recursive: true, force: true });
});

async function fresh(label: string) {
	const f = await freshDatabase(label);
	made.push(f);
	return f;
}

// The handlers read nothing from the request.
const call = (handler: (event: never) => Response | Promise<Response>) => handler({} as never);

describe('readiness checks', () => {
	it('a migrated SQLite file is ready; one without migrations says how many are missing', async () => {
		const db = openDatabase(join(dir, 'ok.db'));
		const ok = await runChecks(sqliteChecks(db));
		expect(ok).toMatchObject({ ready: true, checks: { database: { ok: true }, migrations: { ok: true } } });
		const detail = ok.checks.migrations?.detail as { applied: number; expected: number };
		expect(detail.applied).toBe(detail.expected);
		expect(detail.expected).toBeGreaterThan(0);

		const bare = drizzle(new Database(join(dir, 'bare.db')), { schema }) as Db;
		const pending = await runChecks(sqliteChecks(bare));
		expect(pending.ready).toBe(false);
		expect(pending.checks.database?.ok).toBe(true);
		expect(pending.checks.migrations).toMatchObject({ ok: false, problem: 'unavailable', detail: { applied: 0, expected: detail.expected } });
		bare.$client.close();
		db.$client.close();
	});

	it('a PostgreSQL database is ready once migrated, and not before', async () => {
		const f = await fresh('ready');
		const db = connectPostgres(f.url, { max: 2 });
		try {
			const before = await runChecks(postgresChecks(db));
			expect(before.ready).toBe(false);
			expect(before.checks.database?.ok).toBe(true);
			expect(before.checks.migrations).toMatchObject({ ok: false, detail: { applied: 0 } });

			// Two nodes starting together: the advisory lock lets one migrate, the other finds it done.
			const other = connectPostgres(f.url, { max: 1 });
			const [a, b] = await Promise.all([migratePostgres(db), migratePostgres(other)]).finally(() => other.$client.end());
			expect(a.upToDate && b.upToDate).toBe(true);
			const after = await runChecks(postgresChecks(db));
			expect(after.ready).toBe(true);
			expect((await postgresMigrationStatus(db)).applied).toBe(a.expected);
		} finally {
			await db.$client.end();
		}
	});

	it('a PostgreSQL that does not answer is "unavailable", without its error in the answer', async () => {
		const db = connectPostgres('postgres://postgres@127.0.0.1:1/none', { max: 1 });
		try {
			const r = await runChecks(postgresChecks(db));
			expect(r.ready).toBe(false);
			expect(r.checks.database).toMatchObject({ ok: false, problem: 'unavailable' });
			expect(JSON.stringify(r)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
		} finally {
			await db.$client.end();
		}
	});

	it('a check that never answers is cut short as a timeout', async () => {
		const r = await runChecks([{ name: 'stuck', run: () => new Promise<void>(() => {}) }], { timeoutMs: 20 });
		expect(r).toMatchObject({ ready: false, checks: { stuck: { ok: false, problem: 'timeout' } } });
	});
});

describe('GET /healthz and GET /readyz', () => {
	it('healthz answers ok, never cached', async () => {
		const res = await call(healthz);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(await res.json()).toEqual({ status: 'ok' });
	});

	it('readyz runs every registered check: 200 when all pass, 503 with the failing one named', async () => {
		const removeDb = addReadinessCheck({ name: 'database', run: () => void 0 });
		let redisUp = true;
		// Redis's module offers its checks as "does it answer?" functions (shared/redis.ts `checks`).
		const removeRedis = addReadinessCheck(booleanCheck('redis', async () => redisUp));
		try {
			const up = await call(readyz);
			expect(up.status).toBe(200);
			expect(up.headers.get('cache-control')).toBe('no-store');
			expect(await up.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, redis: { ok: true } } });
			redisUp = false;
			const down = await call(readyz);
			expect(down.status).toBe(503);
			expect(await down.json()).toMatchObject({ status: 'not ready', checks: { database: { ok: true }, redis: { ok: false, problem: 'unavailable' } } });
		} finally {
			removeRedis();
			removeDb();
		}
	});
});

describe('opening a PostgreSQL database at start (db/open.ts, as hooks init and the seed do)', () => {
	it('migrates once though two nodes start together, then is ready and serves the async data handle', async () => {
		const f = await fresh('start');
		// Two nodes opening at once take turns on the migration lock; both end up on the same schema.
		const [a, b] = await Promise.all([openDataStore(f.url, { poolSize: 2 }), openDataStore(f.url, { poolSize: 2 })]);
		try {
			expect(a.kind).toBe('postgres');
			expect(a.notes[0]).toMatch(/migrations applied/);
			for (const store of [a, b]) expect(await runChecks(store.checks)).toMatchObject({ ready: true, checks: { database: { ok: true }, migrations: { ok: true } } });
			const db = connectPostgres(f.url, { max: 1 });
			try {
				expect((await postgresMigrationStatus(db)).upToDate).toBe(true);
			} finally {
				await db.$client.end();
			}
			// The synchronous SQLite handle refuses every use on PostgreSQL, naming the path that tried.
			expect(() => a.db.select()).toThrow(/synchronous SQLite handle/);
			const { users } = a.data.t;
			expect(await a.data.db.select().from(users)).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
		expect(await databaseExists(f.name)).toBe(true);
	}, 90_000);
});
