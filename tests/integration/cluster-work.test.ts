/**
 * Scheduled work runs once across nodes: the lock itself on the real local Redis, then two nodes'
 * schedulers racing to close one consultation, and two nodes' mail workers racing to empty one outbox
 * into a real SMTP server.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { first as firstRow } from '$lib/server/db/data';
import { randomIds } from '$lib/server/ids';
import { enqueueMail } from '$lib/server/mail/outbox';
import { createMailer } from '$lib/server/mail/transport';
import { schedulerTick } from '$lib/server/scheduler';
import { createMailService } from '$lib/server/services/notifications/mail';
import { createMemoryLock, createRedisLock } from '$lib/server/shared/lock';
import { createResidence, createTestAppOn, testEngines, createUser, type TestApp } from '$lib/server/testing';
import { startNode, type TestNode } from '$lib/server/testing/cluster';
import { startSmtp } from '$lib/server/testing/smtp';
import { testRedis, type TestRedis } from '$lib/server/testing/redis';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let redis: TestRedis;
	const nodes: TestNode[] = [];

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		redis = testRedis();
	});
	afterEach(async () => {
		for (const n of nodes.splice(0)) await n.close();
		await redis.cleanup();
		await app.close();
	});

	const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

	describe('the lock of scheduled work', () => {
		it('in Redis: one holder at a time across connections, renewed while the work runs, free again after', async () => {
			const [a, b] = [createRedisLock(await redis.connect('a'), { prefix: redis.prefix, ttlMs: 150 }), createRedisLock(await redis.connect('b'), { prefix: redis.prefix, ttlMs: 150 })];
			let inside = 0;
			let most = 0;
			const work = async () => {
				most = Math.max(most, ++inside);
				// Longer than the lock's lifetime: only the renewal keeps the other node out.
				await later(500);
				inside--;
				return 'done';
			};
			const first = a.run('sweep', work);
			await later(20);
			const tries = [];
			for (let i = 0; i < 5; i++) {
				tries.push(await b.run('sweep', work));
				await later(80);
			}
			expect(await first).toEqual({ ran: true, value: 'done' });
			expect(tries.every((t) => !t.ran)).toBe(true);
			expect(most).toBe(1);
			expect(await b.run('sweep', async () => 'next')).toEqual({ ran: true, value: 'next' });
		});

		it('in Redis: a node never releases a lock that is no longer its own', async () => {
			const client = await redis.connect('owner');
			const lock = createRedisLock(client, { prefix: redis.prefix, ttlMs: 10_000 });
			const key = `${redis.prefix}lock:sweep`;
			await lock.run('sweep', async () => {
				// As if our lock had expired and another node had taken it meanwhile.
				await client.set(key, 'another node’s token');
			});
			expect(await client.get(key)).toBe('another node’s token');
		});

		it('in memory: a run is skipped while the previous one is still going', async () => {
			const lock = createMemoryLock();
			const slow = lock.run('sweep', () => later(50));
			expect(await lock.run('sweep', () => 1)).toEqual({ ran: false });
			await slow;
			expect(await lock.run('sweep', () => 2)).toEqual({ ran: true, value: 2 });
		});
	});

	describe('two nodes', () => {
		it('racing schedulers close a consultation once, on one node', async () => {
			nodes.push(await startNode(app, redis, 'node 1'), await startNode(app, redis, 'node 2'));
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
			const now = app.clock.now().getTime();
			const { id } = await app.services.consultations.create(claire, {
				space,
				question: 'Un banc ?',
				method: 'yes-no-abstain',
				options: [],
				electorate: 'residence',
				secrecy: 'public',
				resultsVisibility: 'live',
				opensAt: new Date(now + 60_000).toISOString(),
				closesAt: new Date(now + 3_600_000).toISOString()
			});
			const closes: string[] = [];
			nodes.forEach((n, i) =>
				n.bus.subscribe(({ event, payload }) => {
					if (event === 'vote.tally' && (payload as { status: string }).status === 'closed') closes.push(`node ${i + 1}`);
				})
			);
			app.clock.advance(2 * 3_600_000);
			const ran = await Promise.all(nodes.flatMap((n) => [schedulerTick(n.services, n.shared.lock), schedulerTick(n.services, n.shared.lock)]));
			expect(ran.filter(Boolean)).toHaveLength(1);
			// Later ticks on either node find nothing left to do.
			for (const n of nodes) expect(await schedulerTick(n.services, n.shared.lock)).toBe(true);
			expect(closes).toHaveLength(1);
			const { consultations } = app.services.deps.data.t;
			expect((await firstRow(app.services.deps.data.db.select({ s: consultations.status }).from(consultations).where(eq(consultations.id, id))))?.s).toBe('closed');
		});

		it('racing mail workers send each outbox message once', async () => {
			nodes.push(await startNode(app, redis, 'node 1'), await startNode(app, redis, 'node 2'));
			const { port, received, stop } = await startSmtp();
			try {
				const { data, clock } = app.services.deps;
				for (let i = 0; i < 6; i++) await enqueueMail(data, clock, randomIds, { to: `n${i}@example.org`, subject: `Message ${i}`, text: 'x', html: '<p>x</p>', headers: {}, userId: null, purpose: 'test' });
				const workers = nodes.map((n) =>
					createMailService(n.services.deps, { mailer: () => createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Board <board@example.org>', logFile: join(app.dir, 'mail.log') }) })
				);
				const first = await Promise.all(workers.map((w) => w.deliver()));
				expect(first.map((r) => r.sent).sort()).toEqual([0, 6]);
				// Later passes, on either node, find nothing left to send.
				for (const w of workers) expect((await w.deliver()).sent).toBe(0);
				expect(received.map((m) => m.subject).sort()).toEqual(['Message 0', 'Message 1', 'Message 2', 'Message 3', 'Message 4', 'Message 5']);
			} finally {
				await stop();
			}
		});
	});
});
