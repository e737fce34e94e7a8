/**
 * Co-editing across two app nodes on the real local Redis: two people on two nodes type in one
 * proposal description; both converge, both nodes' copies agree, each update is stored once (by the
 * node its author is connected to), and cursors with the account's name cross nodes. On both engines:
 * on PostgreSQL the two nodes append to the same document's log at the same time.
 */
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { descriptionDocName } from '$lib/realtime/collab-events';
import type { SessionUser } from '$lib/server/auth/session';
import { readDocumentText } from '$lib/server/collab/store';
import { first } from '$lib/server/db/data';
import { Peer, until } from '$lib/server/collab/testing-peer';
import { createResidence, createTestAppOn, createUser, sessionCookie, testEngines, type TestApp } from '$lib/server/testing';
import { startNode, type TestNode } from '$lib/server/testing/cluster';
import { testRedis, type TestRedis } from '$lib/server/testing/redis';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let redis: TestRedis;
	let nodes: TestNode[] = [];
	const peers: Peer[] = [];

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		redis = testRedis();
		nodes = [await startNode(app, redis, 'node 1'), await startNode(app, redis, 'node 2')];
	});
	afterEach(async () => {
		for (const p of peers.splice(0)) p.close();
		for (const n of nodes) await n.close();
		await redis.cleanup();
		await app.close();
	});

	const peer = async (user: SessionUser, node: TestNode, doc: string) => {
		const p = new Peer(node.server.url, await sessionCookie(app, user.id), doc);
		peers.push(p);
		return p;
	};

	async function proposal() {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
		const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Un banc' });
		return { amina, claire, doc: descriptionDocName(id) };
	}

	describe('co-editing across nodes', () => {
		it('converges, keeps both nodes’ copies equal, and stores each update once', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const { amina, claire, doc } = await proposal();
			const a = await peer(amina, one, doc);
			const b = await peer(claire, two, doc);
			expect((await a.join()).ok).toBe(true);
			expect((await b.join()).ok).toBe(true);
			expect(b.readOnly).toBe(false);

			const lineA = a.firstLine();
			await a.flush();
			// The paragraph and its text (two updates) reach B through the other node before B types in it.
			await until(() => (b.doc.getXmlFragment('description').get(0) as Y.XmlElement | undefined)?.length === 1);
			const lineB = b.firstLine();
			for (let i = 0; i < 15; i++) {
				lineA.insert(0, 'a');
				lineB.insert(lineB.length, 'b');
			}
			await Promise.all([a.flush(), b.flush()]);
			expect([...a.results, ...b.results].every((r) => r.ok)).toBe(true);
			const same = (x: Y.Doc, state: Uint8Array | null) => !!state && Buffer.from(Y.encodeStateVector(x)).equals(Buffer.from(Y.encodeStateVector(docOf(state))));
			await until(() => a.text() === b.text() && a.text().length === 30 && same(a.doc, one.server.collab.documentState(doc)) && same(a.doc, two.server.collab.documentState(doc)));
			expect([...a.text()].sort().join('')).toBe('a'.repeat(15) + 'b'.repeat(15));
			expect(await readDocumentText(app.services.deps.data, doc)).toBe(a.text());
			// Every accepted message was stored at most once: a node storing what another relayed would double the log.
			const { collabUpdates } = app.services.deps.data.t;
			const rows = (await first(app.services.deps.data.db.select({ n: count().mapWith(Number) }).from(collabUpdates).where(eq(collabUpdates.doc, doc))))?.n ?? 0;
			expect(rows).toBeGreaterThan(0);
			expect(rows).toBeLessThanOrEqual(a.results.length + b.results.length);
		});

		it('shows an editor’s cursor, under her account’s name, to a co-editor on the other node, and removes it when she leaves', async () => {
			const { Awareness, encodeAwarenessUpdate, applyAwarenessUpdate } = await import('y-protocols/awareness');
			const [one, two] = nodes as [TestNode, TestNode];
			const { amina, claire, doc } = await proposal();
			const a = await peer(amina, one, doc);
			const b = await peer(claire, two, doc);
			await a.join();
			await b.join();
			const seen = new Awareness(new Y.Doc());
			b.socket.on('collab.awareness', ({ update }) => applyAwarenessUpdate(seen, new Uint8Array(update as ArrayBuffer), 'server'));

			const mine = new Awareness(a.doc);
			mine.setLocalState({ user: { name: 'Quelqu’un d’autre' }, cursor: { anchor: 1 } });
			a.socket.emit('collab.awareness', { doc, update: encodeAwarenessUpdate(mine, [a.doc.clientID]) });
			await until(() => seen.getStates().has(a.doc.clientID));
			expect((seen.getStates().get(a.doc.clientID)?.user as { name: string }).name).toBe('Amina');

			// Node 2 knows that client id speaks for a socket of node 1: Claire cannot take it over.
			const forged = new Awareness(new Y.Doc());
			forged.clientID = a.doc.clientID;
			forged.setLocalState({ cursor: { anchor: 0 } });
			const refused = (await b.socket.emitWithAck('collab.awareness', { doc, update: encodeAwarenessUpdate(forged, [a.doc.clientID]) })) as { ok: boolean; code?: string };
			expect(refused).toMatchObject({ ok: false, code: 'collab.error.invalid' });
			forged.destroy();

			a.close();
			await until(() => !seen.getStates().has(a.doc.clientID));
			mine.destroy();
			seen.destroy();
		});
	});
});

function docOf(update: Uint8Array): Y.Doc {
	const d = new Y.Doc();
	Y.applyUpdate(d, update);
	return d;
}
