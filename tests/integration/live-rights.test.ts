/**
 * Issue 7, finding 1: a live connection keeps no right its user lost. Real socket.io on loopback,
 * real SQLite, the real document access resolver; rights are changed through the services, as the
 * admin pages and account forms do.
 */
import { io as connect, type Socket, type SocketOptions, type ManagerOptions } from 'socket.io-client';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { descriptionDocName, pinsDocName } from '$lib/realtime/collab-events';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';
import type { ProposalUpdate } from '$lib/realtime/board-events';
import { roomForSpace } from '$lib/realtime/events';
import { loadUpdates } from '$lib/server/collab/store';
import { Peer, syncMessage, until } from '$lib/server/collab/testing-peer';
import { sessionIdFromToken, SESSION_COOKIE } from '$lib/server/auth/session';
import { LIVE_AUTH_TTL_MS } from '$lib/server/realtime/live-auth';
import {
	sessionCookie,
	createResidence,
	createTestAppOn, testEngines,
	createUser,
	startRealtimeServer,
	TEST_PASSWORD,
	type RealtimeServer,
	type TestApp
} from '$lib/server/testing';

/** One statement run on the test app's database from a connection of its own. */
async function raw(app: TestApp, statement: string) {
	if (app.engine === 'sqlite') {
		const db = new Database(app.file);
		db.exec(statement);
		db.close();
		return;
	}
	const client = new pg.Client({ connectionString: app.file });
	await client.connect();
	await client.query(statement);
	await client.end();
}

describe.each(testEngines)('on %s', (engine) => {
	type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

	let app: TestApp;
	let server: RealtimeServer;
	const clients: Client[] = [];
	const peers: Peer[] = [];

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		server = await startRealtimeServer(app);
	});
	afterEach(async () => {
		for (const c of clients.splice(0)) c.disconnect();
		for (const p of peers.splice(0)) p.close();
		await server.close();
		await app.close();
	});

	function client(cookie: string, options: Partial<ManagerOptions & SocketOptions> = {}): Client {
		const socket: Client = connect(server.url, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false, ...options });
		clients.push(socket);
		return socket;
	}
	const connected = (c: Client) =>
		new Promise<void>((resolve, reject) => {
			if (c.connected) return resolve();
			c.once('connect', () => resolve());
			c.once('connect_error', reject);
		});
	const disconnected = (c: Client) => new Promise<string>((resolve) => c.once('disconnect', (reason) => resolve(reason)));

	async function setup() {
		const { residence, admin } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
		return { residence, space, admin, amina, claire };
	}

	/** A connection of this user, once it is in the room, and the changes of the cards it hears. */
	async function listening(userId: string, room: string) {
		const staff = client(await sessionCookie(app, userId));
		await connected(staff);
		await until(() => server.io.of('/').sockets.get(staff.id!)?.rooms.has(room) ?? false);
		const heard: ProposalUpdate['change'][] = [];
		staff.on('proposal.updated', (p) => heard.push(p.change));
		return { staff, heard };
	}

	/** A Yjs update typed by someone: one paragraph of text. */
	function typed(text: string): Uint8Array {
		const doc = new Y.Doc();
		const p = new Y.XmlElement('paragraph');
		doc.getXmlFragment('description').insert(0, [p]);
		p.insert(0, [new Y.XmlText(text)]);
		return syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(doc));
	}

	describe('live connections follow rights as they are now', () => {
		it('a removed role: the next Yjs update is refused and not stored, the document and the space fall silent', async () => {
			const { residence, space, admin, amina, claire } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Un banc' });
			const doc = descriptionDocName(id);
			const author = new Peer(server.url, await sessionCookie(app, amina.id), doc);
			peers.push(author);
			expect(await author.join()).toMatchObject({ ok: true, data: { readOnly: false } });
			expect((await author.send(typed('avant'))).ok).toBe(true);
			const stored = (await loadUpdates(app.services.deps.data, doc)).updates.length;

			// The facilitator's socket listens to the space; it must fall silent too.
			const staff = client(await sessionCookie(app, claire.id));
			await connected(staff);
			const heard: ProposalUpdate[] = [];
			staff.on('proposal.updated', (p) => heard.push(p));

			await app.services.admin.removeRole(admin, { userId: amina.id, space, role: 'tenant' });
			await app.services.admin.removeRole(admin, { userId: claire.id, space, role: 'facilitator' });

			const refused = await author.send(typed('après'));
			expect(refused.ok).toBe(false);
			expect((await loadUpdates(app.services.deps.data, doc)).updates.length).toBe(stored);
			expect(await author.socket.emitWithAck('collab.join', { doc })).toMatchObject({ ok: false, code: 'collab.error.forbidden' });

			// An event published to the space after the removal does not reach her; the round trip after it proves it was not merely late.
			app.services.deps.bus.publish(roomForSpace('residence', residence.id), 'proposal.updated', { card: {} as ProposalUpdate['card'], change: 'edited', actorId: admin.id });
			expect(await staff.emitWithAck('board.join', { residenceId: residence.id })).toMatchObject({ ok: false, code: 'forbidden' });
			expect(heard).toEqual([]);
			const rooms = [...(server.io.of('/').sockets.get(staff.id!)?.rooms ?? [])];
			expect(rooms.filter((r) => r.startsWith('space:') || r.startsWith('board:'))).toEqual([]);
		});

		it('the moment a role is removed, nothing more sent to the space reaches her socket, even before it has read her rights again', async () => {
			const { residence, space, admin, claire } = await setup();
			const room = roomForSpace('residence', residence.id);
			const { staff, heard } = await listening(claire.id, room);
			app.services.deps.bus.publish(room, 'proposal.updated', { card: {} as ProposalUpdate['card'], change: 'created', actorId: admin.id });
			await until(() => heard.length === 1);

			await app.services.admin.removeRole(admin, { userId: claire.id, space, role: 'facilitator' });
			// Published at once: her connection is still reading who she is now (a query, slower on PostgreSQL).
			app.services.deps.bus.publish(room, 'proposal.updated', { card: {} as ProposalUpdate['card'], change: 'edited', actorId: admin.id });
			await until(() => !(server.io.of('/').sockets.get(staff.id!)?.rooms.has(room) ?? true));
			await staff.emitWithAck('presence.snapshot', {});
			expect(heard).toEqual(['created']);
		});

		it('a change that leaves her rights to a space holds back what the space hears only until her connection has read them, and loses none of it', async () => {
			const { residence, admin, claire } = await setup();
			const other = await createResidence(app);
			const room = roomForSpace('residence', residence.id);
			const { staff, heard } = await listening(claire.id, room);

			await app.services.admin.assignRole(admin, { userId: claire.id, space: { type: 'residence', id: other.residence.id }, role: 'tenant' });
			for (const change of ['created', 'edited', 'withdrawn'] as const) {
				app.services.deps.bus.publish(room, 'proposal.updated', { card: {} as ProposalUpdate['card'], change, actorId: admin.id });
			}
			await until(() => server.io.of('/').sockets.get(staff.id!)?.rooms.has(roomForSpace('residence', other.residence.id)) ?? false);
			await until(() => heard.length === 3);
			expect(heard).toEqual(['created', 'edited', 'withdrawn']);
		});

		it('a connection whose rights cannot be read again after a change is closed, not left in the rooms it had', async () => {
			const { residence, space, admin, claire } = await setup();
			const { staff } = await listening(claire.id, roomForSpace('residence', residence.id));
			// The sessions table out of reach: her connection's next read of who she is fails.
			await raw(app, 'alter table sessions rename to sessions_away');
			const gone = disconnected(staff);
			await app.services.admin.removeRole(admin, { userId: claire.id, space, role: 'facilitator' });
			expect(await gone).toBe('io server disconnect');
			await raw(app, 'alter table sessions_away rename to sessions');
		});

		it('a role removed without any signal (straight in the database) still ends her connection\'s access, a slice of the connections at a time', async () => {
			const { residence, space } = await setup();
			const room = roomForSpace('residence', residence.id);
			// One round of the backstop in 1.5 s: with 15 slices, a tick every 100 ms and one of these six connections at each.
			await server.close();
			server = await startRealtimeServer(app, { sweepMs: 1500 });
			const members = await Promise.all(
				Array.from({ length: 6 }, async (_, i) => {
					const user = await createUser(app, { displayName: `Voisin ${i}`, roles: [{ ...space, role: 'tenant' }] });
					return (await listening(user.id, room)).staff;
				})
			);
			const ids = members.map((m) => m.id!);
			await raw(app, `delete from memberships where space_id = '${residence.id}' and role = 'tenant'`);
			// Nothing signalled the change: the cached rights hold until they are older than the cache's life.
			await new Promise((r) => setTimeout(r, 300));
			const inRoom = () => ids.filter((id) => server.io.of('/').sockets.get(id)?.rooms.has(room));
			expect(inRoom()).toHaveLength(6);

			app.clock.advance(LIVE_AUTH_TTL_MS + 1);
			const left: number[] = [];
			const start = Date.now();
			await until(() => {
				const still = inRoom().length;
				while (left.length < 6 - still) left.push(Date.now() - start);
				return still === 0;
			}, 10_000);
			// Each connection was read again, and left the room, at its own tick rather than all six at once.
			expect(left[5]! - left[0]!).toBeGreaterThanOrEqual(250);
			expect(members.every((m) => m.connected)).toBe(true);
		});

		it('a granted role: the open socket joins the space and starts hearing it', async () => {
			const { residence, space, admin } = await setup();
			const karim = await createUser(app, { displayName: 'Karim' });
			const socket = client(await sessionCookie(app, karim.id));
			await connected(socket);
			await app.services.admin.assignRole(admin, { userId: karim.id, space, role: 'tenant' });
			const heard = new Promise<ProposalUpdate>((resolve) => socket.once('proposal.updated', resolve));
			await until(() => server.io.of('/').sockets.get(socket.id!)?.rooms.has(roomForSpace('residence', residence.id)) ?? false);
			app.services.deps.bus.publish(roomForSpace('residence', residence.id), 'proposal.updated', { card: {} as ProposalUpdate['card'], change: 'edited', actorId: admin.id });
			expect((await heard).change).toBe('edited');
		});

		it('a facilitator made a tenant can no longer write the site-plan pins, though she still reads them', async () => {
			const { residence, space, admin, claire } = await setup();
			const doc = pinsDocName(residence.id);
			const peer = new Peer(server.url, await sessionCookie(app, claire.id), doc);
			peers.push(peer);
			expect(await peer.join()).toMatchObject({ ok: true, data: { readOnly: false } });
			peer.doc.getMap('pins').set('p1', { x: 0.5, y: 0.5 });
			await peer.flush();
			expect(peer.results.at(-1)).toMatchObject({ ok: true });
			expect((await loadUpdates(app.services.deps.data, doc)).updates).toHaveLength(1);

			// She stays a tenant, so she still reads the plan: the update itself is what gets refused.
			await app.services.admin.assignRole(admin, { userId: claire.id, space, role: 'tenant' });
			await app.services.admin.removeRole(admin, { userId: claire.id, space, role: 'facilitator' });
			peer.doc.getMap('pins').set('p2', { x: 0.2, y: 0.2 });
			await peer.flush();
			expect(peer.results.at(-1)).toMatchObject({ ok: false, code: 'collab.error.readOnly' });
			expect((await loadUpdates(app.services.deps.data, doc)).updates).toHaveLength(1);
		});

		it('sign-out disconnects the sockets of that session, and only those', async () => {
			const { amina } = await setup();
			const cookie = await sessionCookie(app, amina.id);
			const signedOut = client(cookie);
			const otherDevice = client(await sessionCookie(app, amina.id));
			await Promise.all([connected(signedOut), connected(otherDevice)]);
			const gone = disconnected(signedOut);
			await app.services.auth.signOut(sessionIdFromToken(cookie.slice(SESSION_COOKIE.length + 1)));
			// "io server disconnect": the server closed it, and socket.io does not reconnect by itself.
			expect(await gone).toBe('io server disconnect');
			const snapshot = await otherDevice.emitWithAck('presence.snapshot', {});
			expect(snapshot.ok).toBe(true);
			// Coming back with the ended session's cookie is refused.
			const again = client(cookie);
			await expect(connected(again)).rejects.toThrow('unauthorized');
		});

		it('a password change disconnects every socket of the account', async () => {
			const { amina } = await setup();
			const phone = client(await sessionCookie(app, amina.id));
			const laptop = client(await sessionCookie(app, amina.id));
			await Promise.all([connected(phone), connected(laptop)]);
			const gone = Promise.all([disconnected(phone), disconnected(laptop)]);
			await app.services.auth.changePassword(amina, { current: TEST_PASSWORD, next: 'un autre mot de passe solide', confirm: 'un autre mot de passe solide' });
			expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
		});

		it('a connection that recovers after a cut is authenticated again: ended session refused, changed rights not recovered', async () => {
			const { residence, space, admin, amina } = await setup();
			const room = roomForSpace('residence', residence.id);
			const card = {} as ProposalUpdate['card'];
			const recovering = (cookie: string) => client(cookie, { reconnection: true, reconnectionDelay: 20, reconnectionDelayMax: 40 });
			/** Cuts the transport (as a lift would), publishes while the socket is away, waits for it to come back. */
			/** The server joins a new connection to its spaces' rooms after reading them (a query): wait for it. */
			const inRoom = (socket: Client) => until(() => server.io.of('/').sockets.get(socket.id!)?.rooms.has(room) ?? false);
			async function cutAndPublish(socket: Client, whileAway: () => unknown) {
				await inRoom(socket);
				// The client can only ask for recovery from the offset of an event it received.
				const first = new Promise((resolve) => socket.once('proposal.updated', resolve));
				app.services.deps.bus.publish(room, 'proposal.updated', { card, change: 'created', actorId: admin.id });
				await first;
				const heard: ProposalUpdate[] = [];
				socket.on('proposal.updated', (p) => heard.push(p));
				const back = new Promise<boolean>((resolve) => socket.once('connect', () => resolve(socket.recovered)));
				const serverSide = server.io.of('/').sockets.get(socket.id!)!;
				const away = new Promise<void>((resolve) => serverSide.once('disconnect', () => resolve()));
				// It comes back only once the change made while it was away has committed (however long
				// that takes on this engine), asking to recover its session as a phone out of a lift would.
				socket.io.reconnection(false);
				socket.io.engine.close();
				await away;
				app.services.deps.bus.publish(room, 'proposal.updated', { card, change: 'edited', actorId: admin.id });
				await whileAway();
				socket.io.reconnection(true);
				socket.connect();
				return { recovered: await back, heard };
			}

			// Nothing changed: the connection recovers and gets what it missed (so the refusals below mean something).
			const steady = recovering(await sessionCookie(app, amina.id));
			await connected(steady);
			const calm = await cutAndPublish(steady, () => undefined);
			expect(calm.recovered).toBe(true);
			await steady.emitWithAck('presence.snapshot', {});
			expect(calm.heard).toHaveLength(1);

			// Rights changed during the cut: no recovery (the missed event is not replayed), fresh rooms only.
			const changed = recovering(await sessionCookie(app, amina.id));
			await connected(changed);
			const afterRemoval = await cutAndPublish(changed, () => app.services.admin.removeRole(admin, { userId: amina.id, space, role: 'tenant' }));
			expect(afterRemoval.recovered).toBe(false);
			await changed.emitWithAck('presence.snapshot', {});
			expect(afterRemoval.heard).toEqual([]);
			const rooms = [...(server.io.of('/').sockets.get(changed.id!)?.rooms ?? [])];
			expect(rooms).not.toContain(room);

			// Session ended during the cut: the reconnection is refused outright.
			await app.services.admin.assignRole(admin, { userId: amina.id, space, role: 'tenant' });
			const cookie = await sessionCookie(app, amina.id);
			const ended = recovering(cookie);
			await connected(ended);
			await inRoom(ended);
			const first = new Promise((resolve) => ended.once('proposal.updated', resolve));
			app.services.deps.bus.publish(room, 'proposal.updated', { card, change: 'created', actorId: admin.id });
			await first;
			ended.on('proposal.updated', () => expect.fail('an ended session heard the space'));
			const refused = new Promise<string>((resolve) => ended.once('connect_error', (err) => resolve(err.message)));
			// The client comes back only once the sign-out has committed (however long that takes on
			// this engine), asking to recover its session as a phone out of a lift would.
			ended.io.reconnection(false);
			const serverSide = server.io.of('/').sockets.get(ended.id!)!;
			const away = new Promise<void>((resolve) => serverSide.once('disconnect', () => resolve()));
			ended.io.engine.close();
			await away;
			await app.services.auth.signOut(sessionIdFromToken(cookie.slice(SESSION_COOKIE.length + 1)));
			app.services.deps.bus.publish(room, 'proposal.updated', { card, change: 'edited', actorId: admin.id });
			ended.io.reconnection(true);
			ended.connect();
			expect(await refused).toBe('unauthorized');
			ended.disconnect();
		});
	});

	describe('the handshake checks Origin', () => {
		it('refuses a page of another site, accepts the same origin and clients that send none', async () => {
			const { amina } = await setup();
			const cookie = await sessionCookie(app, amina.id);
			const foreign = client(cookie, { extraHeaders: { cookie, origin: 'https://evil.example' } });
			await expect(connected(foreign)).rejects.toThrow();
			expect(server.io.of('/').sockets.size).toBe(0);
			const same = client(cookie, { extraHeaders: { cookie, origin: server.url } });
			await expect(connected(same)).resolves.toBeUndefined();
			const none = client(cookie);
			await expect(connected(none)).resolves.toBeUndefined();
		});
	});

	describe('discretion', () => {
		it('a discreet member’s cursor carries neither name nor id', async () => {
			const { residence, amina, claire } = await setup();
			await app.services.spaces.setDiscreet(amina, true);
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Un banc' });
			const doc = descriptionDocName(id);
			const watcher = new Peer(server.url, await sessionCookie(app, claire.id), doc);
			const discreet = new Peer(server.url, await sessionCookie(app, amina.id), doc);
			peers.push(watcher, discreet);
			await watcher.join();
			await discreet.join();
			const updates: Uint8Array[] = [];
			watcher.socket.on('collab.awareness', ({ update }) => updates.push(update instanceof Uint8Array ? update : new Uint8Array(update)));
			const { Awareness, encodeAwarenessUpdate } = await import('y-protocols/awareness');
			const awareness = new Awareness(discreet.doc);
			awareness.setLocalState({ user: { id: amina.id, name: 'Amina' }, cursor: null });
			const res = await discreet.socket.emitWithAck('collab.awareness', { doc, update: encodeAwarenessUpdate(awareness, [discreet.doc.clientID]) });
			expect(res.ok).toBe(true);
			await until(() => updates.length > 0);
			const text = new TextDecoder().decode(updates.at(-1));
			expect(text).not.toContain(amina.id);
			expect(text).not.toContain('Amina');
			awareness.destroy();
		});
	});
});
