/**
 * Live tallies across two app nodes on the real local Redis: each node caches its count, and a node
 * that counted votes tells the others theirs is stale, so the count is right whichever node took the
 * vote and whichever node is asked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '$lib/server/auth/session';
import { createResidence, createTestAppOn, testEngines, createUser, type TestApp } from '$lib/server/testing';
import { startNode, type TestNode } from '$lib/server/testing/cluster';
import { testRedis, type TestRedis } from '$lib/server/testing/redis';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let redis: TestRedis;
	let nodes: TestNode[] = [];

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		redis = testRedis();
		nodes = [await startNode(app, redis, 'node 1'), await startNode(app, redis, 'node 2')];
	});
	afterEach(async () => {
		for (const n of nodes) await n.close();
		await redis.cleanup();
		await app.close();
	});

	describe('live tallies on two nodes', () => {
		it('count every vote once, whichever node took it and whichever node is asked', async () => {
			const { residence } = await createResidence(app, [{ name: 'Bâtiment A', dwellings: 8 }]);
			const space = { type: 'residence' as const, id: residence.id };
			const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
			const voters: SessionUser[] = [];
			for (let i = 0; i < 6; i++) voters.push(await createUser(app, { displayName: `Voisin ${i}`, roles: [{ ...space, role: 'tenant' }] }));
			const { id } = await app.services.consultations.create(claire, {
				space,
				question: 'Un banc ?',
				method: 'yes-no-abstain',
				options: [],
				electorate: 'residence',
				secrecy: 'public',
				resultsVisibility: 'live',
				openNow: true
			});
			const participants = async (n: TestNode) => (await n.services.consultations.view(claire, id)).live.turnout.participants;
			// Both nodes hold a count before anyone votes.
			expect(await Promise.all(nodes.map(participants))).toEqual([0, 0]);

			for (const [i, voter] of voters.entries()) {
				const node = nodes[i % 2]!;
				await node.services.consultations.cast(voter, { consultationId: id, ballot: { position: i < 4 ? 'for' : 'against' } });
				await node.services.consultations.flushBallotBox();
			}
			// The other node hears "stale" over Redis, then rebuilds its count from the database.
			const start = Date.now();
			while ((await Promise.all(nodes.map(participants))).some((n) => n !== 6) && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
			expect(await Promise.all(nodes.map(participants))).toEqual([6, 6]);
			for (const n of nodes) expect((await n.services.consultations.view(claire, id)).live.result).toEqual((await nodes[0]!.services.consultations.view(claire, id)).live.result);
		});
	});
});
