import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { descriptionDocName, pinsDocName } from '$lib/realtime/collab-events';
import { openDataStore } from '$lib/server/db/open';
import { createLocalBus } from '$lib/server/realtime/bus';
import { randomIds } from '$lib/server/ids';
import { createServices } from '$lib/server/services';
import { createDocAccess, descriptionAccess, parseDocName, pinsAccess, type DocAccess, type ProposalFacts } from '$lib/server/collab/access';
import { buildDocument, documentFromUpdates, fragmentText, loadUpdates, readDocumentText } from '$lib/server/collab/store';
import { Peer, syncMessage, until } from '$lib/server/collab/testing-peer';
import {
	createResidence,
	createTestAppOn,
	createUser,
	sessionCookie,
	startRealtimeServer,
	testEngines,
	type RealtimeServer,
	type TestApp,
	type TestEngine
} from '$lib/server/testing';
import type { SessionUser } from '$lib/server/auth/session';

let app: TestApp;
let server: RealtimeServer;
const peers: Peer[] = [];
const extraServers: RealtimeServer[] = [];
/** Run after the servers close: a second process's database connections. */
const closers: (() => Promise<void>)[] = [];

/** Proposal facts as the proposals table would give them: the resolver is policy + these fixtures. */
const proposalsById = new Map<string, ProposalFacts>();
const fixtureAccess: DocAccess = async (actor, docName) => {
	const ref = parseDocName(docName);
	if (!ref) return 'none';
	if (ref.kind === 'pins') return pinsAccess(actor, { type: 'residence', id: ref.residenceId });
	if (ref.kind !== 'description') return 'none';
	const facts = proposalsById.get(ref.proposalId);
	return facts ? descriptionAccess(actor, facts) : 'none';
};

let residenceId: string;
let author: SessionUser;
let neighbour: SessionUser;
let facilitator: SessionUser;
const doc = descriptionDocName('prop1');

/** A new process on the same database: its own connections, services and bus (no hub yet). */
async function restartedServices(app: TestApp) {
	const store = await openDataStore(app.file, { poolSize: 4 });
	closers.push(() => store.close());
	return createServices({ db: store.db, data: store.data, clock: app.clock, ids: randomIds, bus: createLocalBus() });
}

describe.each(testEngines)('collaborative documents (%s)', (engine: TestEngine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		app.services.collab.configure({ access: fixtureAccess });
		server = await startRealtimeServer(app);
		const { residence } = await createResidence(app);
		residenceId = residence.id;
		author = await createUser(app, { displayName: 'Amina', roles: [{ type: 'residence', id: residenceId, role: 'tenant' }] });
		neighbour = await createUser(app, { displayName: 'Karim', roles: [{ type: 'residence', id: residenceId, role: 'tenant' }] });
		facilitator = await createUser(app, { displayName: 'Claire', roles: [{ type: 'residence', id: residenceId, role: 'facilitator' }] });
		proposalsById.clear();
		proposalsById.set('prop1', { space: { type: 'residence', id: residenceId }, authorId: author.id, coAuthorIds: [], hidden: false });
	});

	afterEach(async () => {
		for (const p of peers.splice(0)) p.close();
		for (const s of extraServers.splice(0)) await s.close();
		await server.close();
		for (const close of closers.splice(0)) await close();
		await app.close();
	});

	async function peer(user: SessionUser, name = doc, url = server.url): Promise<Peer> {
		const p = new Peer(url, await sessionCookie(app, user.id), name);
		peers.push(p);
		return p;
	}

	const state = (d: Y.Doc) => Y.encodeStateAsUpdate(d);

	describe('collaborative documents over socket.io', () => {
		it('converges byte for byte when two people type at the same time', async () => {
			await app.services.collab.seedDescription('prop1', 'Un banc devant le bâtiment A');
			const a = await peer(author);
			const b = await peer(facilitator);
			expect((await a.join()).ok).toBe(true);
			expect((await b.join()).ok).toBe(true);
			expect(a.readOnly).toBe(false);
			expect(b.readOnly).toBe(false);
			expect(a.text()).toBe('Un banc devant le bâtiment A');

			// Interleaved keystrokes at both ends of the same line, without waiting for each other.
			const lineA = a.firstLine();
			const lineB = b.firstLine();
			for (let i = 0; i < 20; i++) {
				lineA.insert(i, 'a');
				lineB.insert(lineB.length, 'b');
			}
			await Promise.all([a.flush(), b.flush()]);
			expect([...a.results, ...b.results].every((r) => r.ok)).toBe(true);

			const hubState = () => server.collab.documentState(doc);
			await until(() => a.text() === b.text() && Y.encodeStateVector(a.doc).toString() === Y.encodeStateVector(b.doc).toString());
			const expected = 'a'.repeat(20) + 'Un banc devant le bâtiment A' + 'b'.repeat(20);
			expect(a.text()).toBe(expected);
			expect(b.text()).toBe(expected);
			expect(state(a.doc)).toEqual(state(b.doc));
			expect(hubState()).toEqual(state(a.doc));
			expect(await readDocumentText(app.services.deps.data, doc)).toBe(expected);
		});

		it('refuses a reader’s update with a clear error and stores nothing', async () => {
			await app.services.collab.seedDescription('prop1', 'Texte de départ');
			const reader = await peer(neighbour);
			const joined = await reader.join();
			expect(joined.ok && joined.data.readOnly).toBe(true);
			const rowsBefore = (await loadUpdates(app.services.deps.data, doc)).updates.length;

			const forged = new Y.Doc();
			Y.applyUpdate(forged, state(reader.doc));
			const before = Y.encodeStateVector(forged);
			const p = forged.getXmlFragment('description').get(0) as Y.XmlElement;
			(p.get(0) as Y.XmlText).insert(0, 'PIRATE ');
			const res = await reader.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(forged, before)));

			expect(res.ok).toBe(false);
			if (!res.ok) {
				expect(res.code).toBe('collab.error.readOnly');
				expect(res.error).toContain('pas le modifier');
			}
			expect((await loadUpdates(app.services.deps.data, doc)).updates.length).toBe(rowsBefore);
			expect(await readDocumentText(app.services.deps.data, doc)).toBe('Texte de départ');
			expect(await app.services.collab.readDescription('prop1')).toBe('Texte de départ');
		});

		it('refuses to join a document of a residence one is not a member of', async () => {
			const stranger = await createUser(app, { displayName: 'Ailleurs' });
			const res = await (await peer(stranger)).join();
			expect(res.ok).toBe(false);
			if (!res.ok) expect(res.code).toBe('collab.error.forbidden');
			expect(server.collab.loadedDocuments()).toBe(0);
		});

		it('refuses an oversized update with a clear error', async () => {
			const a = await peer(author);
			await a.join();
			const big = new Y.Doc();
			big.getXmlFragment('description').insert(0, [new Y.XmlText('x'.repeat(300 * 1024))]);
			const res = await a.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(big)));
			expect(res.ok).toBe(false);
			if (!res.ok) {
				expect(res.code).toBe('collab.error.tooLarge');
				expect(res.error).toContain('256');
			}
			expect((await loadUpdates(app.services.deps.data, doc)).updates.length).toBe(0);
		});

		it('refuses malformed messages and updates for a document not joined', async () => {
			const a = await peer(author);
			await a.join();
			const garbage = await a.send(new Uint8Array([2, 5, 1, 2]));
			expect(garbage.ok ? null : garbage.code).toBe('collab.error.invalid');
			const other = await a.socket.emitWithAck('collab.sync', { doc: descriptionDocName('elsewhere'), message: syncMessage(0, new Uint8Array([0])) });
			expect(other.ok ? null : other.code).toBe('collab.error.notJoined');
			const badName = await a.socket.emitWithAck('collab.join', { doc: '../../etc/passwd' });
			expect(badName.ok ? null : badName.code).toBe('collab.error.invalid');
		});

		it('loses no acknowledged change across a server restart', async () => {
			const a = await peer(author);
			await a.join();
			a.firstLine().insert(0, 'Installer des bacs à compost');
			await a.flush();
			expect(a.results.every((r) => r.ok)).toBe(true);
			a.close();
			await server.close();

			// A new process: new connections, new services, new hub, same database.
			const services = await restartedServices(app);
			services.collab.configure({ access: fixtureAccess });
			const restarted = await startRealtimeServer({ ...app, services });
			extraServers.push(restarted);
			const b = await peer(author, doc, restarted.url);
			await b.join();
			expect(b.text()).toBe('Installer des bacs à compost');
			expect(await services.collab.readDescription('prop1')).toBe('Installer des bacs à compost');
		});

		it('resyncs after a reconnect with only what the client missed', async () => {
			await app.services.collab.seedDescription('prop1', Array.from({ length: 200 }, (_, i) => `Ligne ${i} : des idées pour la cour intérieure.`).join('\n'));
			const a = await peer(author);
			const b = await peer(facilitator);
			await a.join();
			await b.join();
			const full = state(a.doc).byteLength;

			a.pause();
			b.firstLine().insert(0, 'Nouveau : ');
			await b.flush();
			await a.resume();

			expect(a.text()).toBe(b.text());
			expect(a.text().startsWith('Nouveau : Ligne 0')).toBe(true);
			expect(full).toBeGreaterThan(5000);
			expect(a.lastStep2Bytes).toBeLessThan(full / 20);
		});

		it('merges offline edits of a writer when it comes back', async () => {
			await app.services.collab.seedDescription('prop1', 'Fête des voisins');
			const a = await peer(author);
			const b = await peer(facilitator);
			await a.join();
			await b.join();
			a.pause();
			a.firstLine().insert(0, 'Grande ');
			b.firstLine().insert(b.firstLine().length, ' en juin');
			await b.flush();
			await a.resume();
			await until(() => b.text() === a.text());
			expect(a.text()).toBe('Grande Fête des voisins en juin');
			expect(await readDocumentText(app.services.deps.data, doc)).toBe('Grande Fête des voisins en juin');
		});

		it('compacts the log past its threshold without changing the document, and unloads it when the last client leaves', async () => {
			app.services.collab.configure({ limits: { compactAfterUpdates: 10 } });
			const a = await peer(author);
			await a.join();
			for (let i = 0; i < 25; i++) {
				a.firstLine().insert(i, String(i % 10));
				await a.flush();
			}
			const rows = (await loadUpdates(app.services.deps.data, doc)).updates.length;
			expect(rows).toBeLessThan(10);
			const rebuilt = await buildDocument(app.services.deps.data, doc);
			expect(state(rebuilt)).toEqual(state(a.doc));
			expect(await readDocumentText(app.services.deps.data, doc)).toBe(a.text());
			rebuilt.destroy();

			expect(server.collab.loadedDocuments()).toBe(1);
			const b = await peer(facilitator);
			await b.join();
			expect(b.text()).toBe(a.text());
			a.close();
			b.close();
			await until(() => server.collab.loadedDocuments() === 0);
		});

		it('relays awareness with the account’s name and removes it on disconnect', async () => {
			const { Awareness, encodeAwarenessUpdate, applyAwarenessUpdate } = await import('y-protocols/awareness');
			const a = await peer(author);
			const b = await peer(neighbour);
			await a.join();
			await b.join();
			const seen = new Awareness(new Y.Doc());
			b.socket.on('collab.awareness', ({ update }) => applyAwarenessUpdate(seen, new Uint8Array(update as ArrayBuffer), 'server'));

			const mine = new Awareness(a.doc);
			mine.setLocalState({ user: { name: 'Quelqu’un d’autre' }, cursor: { anchor: 1 } });
			a.socket.emit('collab.awareness', { doc, update: encodeAwarenessUpdate(mine, [a.doc.clientID]) });
			await until(() => seen.getStates().has(a.doc.clientID));
			const user = seen.getStates().get(a.doc.clientID)?.user as { name: string; color: string };
			expect(user.name).toBe('Amina');
			expect(user.color).toMatch(/^#[0-9a-f]{6}$/);

			a.close();
			await until(() => !seen.getStates().has(a.doc.clientID));
			mine.destroy();
			seen.destroy();
		});

		it('lets facilitators write the residence pins and members only read them', async () => {
			const pins = pinsDocName(residenceId);
			const f = await peer(facilitator, pins);
			const t = await peer(neighbour, pins);
			await f.join();
			const joined = await t.join();
			expect(f.readOnly).toBe(false);
			expect(joined.ok && joined.data.readOnly).toBe(true);
			f.doc.getMap('pins').set('prop1', { x: 0.25, y: 0.75 });
			await f.flush();
			expect(f.results.every((r) => r.ok)).toBe(true);
			await until(() => t.doc.getMap('pins').has('prop1'));
			expect(t.doc.getMap('pins').get('prop1')).toEqual({ x: 0.25, y: 0.75 });
			expect((await buildDocument(app.services.deps.data, pins)).getMap('pins').get('prop1')).toEqual({ x: 0.25, y: 0.75 });
		});
	});

	describe('storage through the live hub', () => {
		const hubText = () => {
			const state = server.collab.documentState(doc);
			return state ? fragmentText(documentFromUpdates([state]).getXmlFragment('description')) : '';
		};

		it('stores both co-editors’ updates before acknowledging them; a new process reopens the document with both', async () => {
			await app.services.collab.seedDescription('prop1', 'Jardin partagé');
			const a = await peer(author);
			const b = await peer(facilitator);
			expect((await a.join()).ok).toBe(true);
			expect((await b.join()).ok).toBe(true);
			const lineA = a.firstLine();
			const lineB = b.firstLine();
			for (const [i, word] of ['bacs ', 'en ', 'bois '].entries()) {
				lineA.insert(0, word.toUpperCase());
				lineB.insert(lineB.length, ` ${word.trim()}${i}`);
			}
			await Promise.all([a.flush(), b.flush()]);
			expect([...a.results, ...b.results].every((r) => r.ok)).toBe(true);
			// Acknowledged means written: the log holds both people's words without waiting for anything.
			const stored = await readDocumentText(app.services.deps.data, doc);
			for (const word of ['BACS', 'EN', 'BOIS', 'bacs0', 'en1', 'bois2', 'Jardin partagé']) expect(stored).toContain(word);
			await until(() => a.text() === b.text());
			expect(stored).toBe(a.text());
			a.close();
			b.close();
			await until(() => server.collab.loadedDocuments() === 0);
			await server.close();

			const services = await restartedServices(app);
			services.collab.configure({ access: fixtureAccess });
			const restarted = await startRealtimeServer({ ...app, services });
			extraServers.push(restarted);
			const c = await peer(author, doc, restarted.url);
			expect((await c.join()).ok).toBe(true);
			expect(c.text()).toBe(stored);
			expect(await services.collab.readDescription('prop1')).toBe(stored);
		});

		it('stores updates accepted just before the last clients left, though their turn came after', async () => {
			await app.services.collab.seedDescription('prop1', 'Départ');
			const a = await peer(author);
			const b = await peer(facilitator);
			await a.join();
			await b.join();
			// Writes wait behind a unit held open (SQLite: the one writer; PostgreSQL: the log's table locked).
			const { data } = app.services.deps;
			let release!: () => void;
			const gate = new Promise<void>((resolve) => (release = resolve));
			const held = data.write(async () => {
				if (data.dialect === 'postgres') await data.rows(sql`lock table collab_updates in exclusive mode`);
				await gate;
			});
			a.firstLine().insert(0, 'Un ');
			await until(() => hubText().startsWith('Un '));
			b.firstLine().insert(b.firstLine().length, ' deux');
			await until(() => hubText() === 'Un Départ deux');
			// Both tabs close while the two updates wait to be written: the document leaves memory.
			a.close();
			b.close();
			await until(() => server.collab.loadedDocuments() === 0);
			release();
			await held;
			await until(async () => (await app.services.collab.readDescription('prop1')) === 'Un Départ deux');
		});

		it('loads a document once when several people open it at the same moment, seeding it once', async () => {
			const { id } = await app.services.proposals.propose(author, { residenceId, title: 'Un abri vélos', description: 'Près de l’entrée' });
			proposalsById.set(id, { space: { type: 'residence', id: residenceId }, authorId: author.id, coAuthorIds: [], hidden: false });
			const name = descriptionDocName(id);
			const editors = await Promise.all([author, facilitator, neighbour, author].map((u) => peer(u, name)));
			const joined = await Promise.all(editors.map((e) => e.join()));
			expect(joined.every((j) => j.ok)).toBe(true);
			expect(server.collab.loadedDocuments()).toBe(1);
			for (const e of editors) expect(e.text()).toBe('Près de l’entrée');
			expect((await loadUpdates(app.services.deps.data, name)).updates).toHaveLength(1);
			// And they all edit the one copy.
			editors[0]!.firstLine().insert(0, 'Juste ');
			await editors[0]!.flush();
			await until(() => editors.every((e) => e.text() === 'Juste Près de l’entrée'));
			expect(await app.services.collab.readDescription(id)).toBe('Juste Près de l’entrée');
		});
	});

	describe('descriptions of real proposals', () => {
		it('start from the text the proposal was created with, written once', async () => {
			const { id } = await app.services.proposals.propose(author, { residenceId, title: 'Des bancs', description: 'Deux bancs\nprès de l’aire de jeux' });
			proposalsById.set(id, { space: { type: 'residence', id: residenceId }, authorId: author.id, coAuthorIds: [], hidden: false });
			expect(await app.services.collab.readDescription(id)).toBe('Deux bancs\nprès de l’aire de jeux');

			const a = await peer(author, descriptionDocName(id));
			await a.join();
			expect(a.text()).toBe('Deux bancs\nprès de l’aire de jeux');
			a.close();
			await until(() => server.collab.loadedDocuments() === 0);

			const b = await peer(author, descriptionDocName(id));
			await b.join();
			expect(b.text()).toBe('Deux bancs\nprès de l’aire de jeux');
			expect((await loadUpdates(app.services.deps.data, descriptionDocName(id))).updates).toHaveLength(1);
			expect(await app.services.collab.seedDescription(id, 'Autre texte')).toBe(false);
			expect(await app.services.collab.readDescription(id)).toBe('Deux bancs\nprès de l’aire de jeux');
			expect((await loadUpdates(app.services.deps.data, descriptionDocName(id))).updates).toHaveLength(1);
		});
	});

	describe('the production access resolver', () => {
		it('reads the proposals table: author and facilitators write, other members read, strangers nothing', async () => {
			const resolve = createDocAccess(app.services.deps.data);
			const { id } = await app.services.proposals.propose(author, { residenceId, title: 'Un composteur', description: 'Près du local vélos' });
			const name = descriptionDocName(id);
			const stranger = await createUser(app, {});
			expect(await resolve(author, name)).toBe('write');
			expect(await resolve(facilitator, name)).toBe('write');
			expect(await resolve(neighbour, name)).toBe('read');
			expect(await resolve(stranger, name)).toBe('none');
			expect(await resolve(author, descriptionDocName('missing'))).toBe('none');
			expect(await resolve(author, pinsDocName(residenceId))).toBe('read');
			expect(await resolve(facilitator, pinsDocName(residenceId))).toBe('write');
		});
	});
});
