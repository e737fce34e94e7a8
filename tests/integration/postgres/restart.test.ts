/**
 * PostgreSQL restarted during activity (issue 12): a PostgreSQL server of the test's own (initdb in a
 * temporary folder, on a spare loopback port, so the machine's shared server and other suites are
 * not disturbed) serves the converted services through the node's pool. People sign in; the server
 * is stopped (fast shutdown: open connections are cut, as in a restart); a sign-in meanwhile fails
 * cleanly — recognised as "database unavailable", so forms answer the localised "try again" (503) —
 * and writes nothing; when the server is back, the next sign-in succeeds through the same pool, with
 * no restart of the node.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '$lib/server/db/errors';
import { postgresData } from '$lib/server/db/data';
import { connectPostgres, migratePostgres, type PgDb } from '$lib/server/db/postgres';
import { randomIds } from '$lib/server/ids';
import { createLocalBus } from '$lib/server/realtime/bus';
import { createServices, type Services } from '$lib/server/services';
import { refusedSqliteHandle } from '$lib/server/db/open';
import { createUser, sparePort, TEST_PASSWORD, TestClock, type TestApp } from '$lib/server/testing';

const BIN = (() => {
	const r = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' });
	return r.stdout.trim();
})();
const asPostgres = (cmd: string, args: string[]) => {
	const full = [join(BIN, cmd), ...args];
	const r = process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', ...full], { encoding: 'utf8' }) : spawnSync(full[0]!, full.slice(1), { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
};

let dir: string;
let port: number;
let db: PgDb;
let services: Services;
let app: TestApp;

const start = () => asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
const stop = () => asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'tib-pg-restart-'));
	if (process.getuid?.() === 0) {
		const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
		chownSync(dir, Number(pw.stdout.trim()), -1);
	}
	port = await sparePort();
	asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
	start();
	db = connectPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 4 });
	await migratePostgres(db);
	const clock = new TestClock();
	services = createServices({ db: refusedSqliteHandle(), data: postgresData(db), clock, ids: randomIds, bus: createLocalBus() });
	app = { services, clock, engine: 'postgres', dir, file: '', close: async () => undefined };
}, 60_000);

afterAll(async () => {
	await services?.settled();
	await db?.$client.end().catch(() => undefined);
	try {
		stop();
	} catch {
		/* already stopped */
	}
	rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL restarted while people sign in', () => {
	it('fails cleanly while it is down, writes nothing, and resumes through the same pool when it is back', async () => {
		const user = await createUser(app, { username: 'karim@test.local' });
		const signIn = () => services.auth.signIn({ username: 'karim@test.local', password: TEST_PASSWORD }, '10.0.0.2');
		const { data } = services.deps;
		const sessions = async () => (await data.db.select().from(data.t.sessions)).length;
		expect((await signIn()).session.userId).toBe(user.id);
		expect(await sessions()).toBe(1);

		stop();
		const refused = await signIn().catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(Error);
		expect(isDatabaseUnavailable(refused), String(refused)).toBe(true);

		start();
		let back: Awaited<ReturnType<typeof signIn>> | undefined;
		for (let i = 0; i < 100 && !back; i++) {
			back = await signIn().catch(() => undefined);
			if (!back) await new Promise((r) => setTimeout(r, 100));
		}
		expect(back?.session.userId).toBe(user.id);
		// Two sessions: the one before the restart and the one after; the refused attempt wrote none.
		expect(await sessions()).toBe(2);
	}, 120_000);
});
