/**
 * kill -9 a node during a vote storm (issue 12): two app nodes in their own processes share the
 * database and the real local Redis; 300 tenants vote in a secret consultation, half through each
 * node. One node is killed with SIGKILL in the middle of its group commits. The voters it had not
 * answered try again on the surviving side (a fresh node, as the load balancer would send them).
 * Afterwards every vote either node acknowledged is in the database with its ballot, nobody voted
 * twice, every tenant counted once, and a node asked afterwards counts all 300.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestAppOn, testEngines, type TestApp } from '$lib/server/testing';
import { openDataStore } from '$lib/server/db/open';
import { randomIds } from '$lib/server/ids';
import { createLocalBus } from '$lib/server/realtime/bus';
import { createServices } from '$lib/server/services';
import { testRedis, type TestRedis } from '$lib/server/testing/redis';
import { secretVote } from './ballot-box/fixture';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let redis: TestRedis;
	const children: ChildProcess[] = [];

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		redis = testRedis();
	});
	afterEach(async () => {
		for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
		await redis.cleanup();
		await app.close();
	});

	interface NodeRun {
		child: ChildProcess;
		acked: string[];
		exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
		/** Resolves when `n` votes are acknowledged. */
		acks(n: number): Promise<void>;
	}

	function nodeProcess(name: string, consultationId: string, voterIds: string[], options: string[]): NodeRun {
		const args = JSON.stringify({ file: app.file, prefix: redis.prefix, name, consultationId, voterIds, options });
		const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'cluster-kill-node.ts'), args], {
			cwd: resolve(import.meta.dirname, '../..'),
			stdio: ['ignore', 'pipe', 'inherit']
		});
		children.push(child);
		const acked: string[] = [];
		const waiters: { n: number; done: () => void }[] = [];
		let buffer = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			buffer += chunk.toString();
			const lines = buffer.split('\n');
			buffer = lines.pop()!;
			for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
			for (const w of waiters.filter((w) => acked.length >= w.n)) {
				waiters.splice(waiters.indexOf(w), 1);
				w.done();
			}
		});
		const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
		return {
			child,
			acked,
			exited,
			acks: (n) => new Promise<void>((done, fail) => {
				if (acked.length >= n) return done();
				waiters.push({ n, done });
				void exited.then(() => fail(new Error(`${name} exited after ${acked.length} acknowledgements, before ${n}`)));
			})
		};
	}

	describe('a node killed with SIGKILL during a vote storm', () => {
		it('loses no acknowledged vote; its unanswered voters vote again on another node; all are counted once', async () => {
			const s = await secretVote(app, 300);
			const ids = s.voters.map((v) => v.id);
			const [first, second] = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)];
			const a = nodeProcess('node a', s.id, first, s.options);
			const b = nodeProcess('node b', s.id, second, s.options);

			// Both nodes are writing; node a dies in the middle of its group commits.
			await a.acks(40);
			a.child.kill('SIGKILL');
			expect((await a.exited).signal).toBe('SIGKILL');
			const ackedByA = [...a.acked];
			expect(ackedByA.length).toBeGreaterThanOrEqual(40);
			expect(ackedByA.length).toBeLessThan(first.length);

			// The voters node a never answered retry, and the load balancer sends them to a live node.
			const retry = nodeProcess('node c', s.id, first.filter((id) => !ackedByA.includes(id)), s.options);
			expect(await b.exited).toEqual({ code: 0, signal: null });
			expect(await retry.exited).toEqual({ code: 0, signal: null });
			expect(b.acked.length).toBe(second.length);

			const { data } = app.services.deps;
			const { participations, ballots } = data.t;
			const voted = (await data.db.select({ id: participations.userId }).from(participations).where(eq(participations.consultationId, s.id))).map((r) => r.id);
			const votedSet = new Set(voted);
			for (const id of [...ackedByA, ...b.acked, ...retry.acked]) expect(votedSet.has(id), `acknowledged vote of ${id} lost`).toBe(true);
			expect(voted.length).toBe(300);
			expect(votedSet.size).toBe(300);
			const [{ n }] = (await data.db.select({ n: count() }).from(ballots).where(eq(ballots.consultationId, s.id))) as [{ n: number }];
			expect(n).toBe(300);

			// A node started afterwards builds its live count from the database: every tenant once.
			const lateStore = await openDataStore(app.file, { poolSize: 2 });
			const late = createServices({ db: lateStore.db, data: lateStore.data, clock: app.clock, ids: randomIds, bus: createLocalBus() });
			try {
				expect((await late.consultations.view(s.claire, s.id)).live.turnout.participants).toBe(300);
			} finally {
				await late.settled();
				await lateStore.close();
			}
		}, 180_000);
	});
});
