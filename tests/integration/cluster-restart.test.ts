/**
 * Redis restarted during activity (issue 12): a node on its own real redis-server (started here on a
 * spare loopback port, so other suites sharing the machine's Redis are not disturbed) signs people in
 * with the cluster-wide throttle. While Redis is stopped, a sign-in fails cleanly with the localised
 * "try again" (503, no session written, the process keeps running); when Redis is back the client
 * reconnects by itself and the next sign-in succeeds, with no restart of the node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '$lib/server/services/errors';
import { createTestAppOn, testEngines, createUser, sparePort, TEST_PASSWORD, type TestApp } from '$lib/server/testing';
import { createServices, type Services } from '$lib/server/services';
import { redisState } from '$lib/server/shared';
import { answers, redisClient, type RedisClient } from '$lib/server/shared/redis';
import { openDataStore, type OpenedDatabase } from '$lib/server/db/open';
import { randomIds } from '$lib/server/ids';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let port: number;
	let redis: ChildProcess | undefined;
	let clients: RedisClient[] = [];
	let store: OpenedDatabase;
	let node: Services;

	async function startRedis(): Promise<void> {
		redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
		const probe = redisClient({ url: `redis://127.0.0.1:${port}`, name: 'probe' });
		probe.on('error', () => undefined);
		for (let i = 0; i < 100; i++) {
			try {
				await probe.connect();
				break;
			} catch {
				await new Promise((r) => setTimeout(r, 50));
			}
		}
		await probe.close();
	}

	async function stopRedis(): Promise<void> {
		const r = redis;
		if (!r || r.exitCode !== null) return;
		await new Promise<void>((done) => {
			r.on('exit', () => done());
			r.kill('SIGTERM');
		});
	}

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		port = await sparePort();
		await startRedis();
		const url = `redis://127.0.0.1:${port}`;
		const commands = redisClient({ url, name: 'commands' });
		await commands.connect();
		clients = [commands];
		const shared = redisState({
			commands,
			open: (name, failFast) => {
				const c = redisClient({ url, name, failFast });
				clients.push(c);
				void c.connect();
				return c;
			},
			prefix: 'tib-restart:',
			clock: app.clock
		});
		store = await openDataStore(app.file, { poolSize: 2 });
		node = createServices({ db: store.db, data: store.data, clock: app.clock, ids: randomIds, bus: shared.bus, lock: shared.lock, ...(shared.limiter ? { limiter: shared.limiter } : {}) });
	});

	afterEach(async () => {
		for (const c of clients) if (c.isOpen) c.destroy();
		await stopRedis();
		await node.settled();
		await store.close();
		await app.close();
	});

	describe('Redis restarted while people sign in', () => {
		it('fails cleanly with "try again" while it is down, and resumes by itself when it is back', async () => {
			const user = await createUser(app, { username: 'amina@test.local' });
			const signIn = () => node.auth.signIn({ username: 'amina@test.local', password: TEST_PASSWORD }, '10.0.0.1');
			const sessions = async () => (await app.services.deps.data.db.select().from(app.services.deps.data.t.sessions)).length;

			expect((await signIn()).session.userId).toBe(user.id);
			expect(await sessions()).toBe(1);

			await stopRedis();
			const refused = await signIn().catch((e: unknown) => e);
			expect(refused).toBeInstanceOf(UserError);
			expect(refused).toMatchObject({ code: 'error.unexpected', status: 503 });
			expect(await answers(clients[0]!)).toBe(false);
			expect(await sessions()).toBe(1);

			await startRedis();
			let back: Awaited<ReturnType<typeof signIn>> | undefined;
			for (let i = 0; i < 100 && !back; i++) {
				back = await signIn().catch(() => undefined);
				if (!back) await new Promise((r) => setTimeout(r, 100));
			}
			expect(back?.session.userId).toBe(user.id);
			expect(await answers(clients[0]!)).toBe(true);
			expect(await sessions()).toBe(2);
		}, 60_000);
	});
});
