import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, OnlineMember, ServerToClientEvents } from '$lib/realtime/events';
import { SESSION_COOKIE, sessionIdFromToken } from '$lib/server/auth/session';
import { PRESENCE_LISTED } from '$lib/realtime/common';
import { sessionCookie, createResidence, createTestAppOn, createUser, startRealtimeServer, testEngines, type RealtimeServer, type TestApp } from '$lib/server/testing';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let app: TestApp;
let server: RealtimeServer;
const clients: Client[] = [];

function client(cookie?: string, auth: Record<string, unknown> = {}): Client {
	const c: Client = connect(server.url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, auth, reconnection: false, forceNew: true });
	clients.push(c);
	return c;
}

const connected = (c: Client) =>
	new Promise<void>((resolve, reject) => {
		c.once('connect', () => resolve());
		c.once('connect_error', (err) => reject(err));
	});

const refused = (c: Client) =>
	new Promise<string>((resolve, reject) => {
		c.once('connect', () => reject(new Error('connected without a session')));
		c.once('connect_error', (err) => resolve(err.message));
	});

/** Asks for snapshots until the list for `key` satisfies `predicate`, and resolves with it. */
async function presenceSnapshotWhere(c: Client, key: string, predicate: (list: { online: OnlineMember[]; count: number }) => boolean) {
	for (;;) {
		const reply = await c.emitWithAck('presence.snapshot', {});
		const list = reply.ok ? reply.data.spaces.find((s) => s.key === key) : undefined;
		if (list && predicate(list)) return list;
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** Resolves with the first presence update for `key` that satisfies `predicate`. */
const presenceWhere = (c: Client, key: string, predicate: (online: OnlineMember[]) => boolean) =>
	new Promise<OnlineMember[]>((resolve) => {
		const listener = (p: { key: string; online: OnlineMember[] }) => {
			if (p.key === key && predicate(p.online)) {
				c.off('presence.changed', listener);
				resolve(p.online);
			}
		};
		c.on('presence.changed', listener);
	});

// The door, the session check (auth/session.ts, live-auth) and presence are on the async data handle: both engines.
describe.each(testEngines)('realtime door on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		server = await startRealtimeServer(app);
	});
	afterEach(async () => {
		for (const c of clients.splice(0)) c.disconnect();
		await server.close();
		await app.close();
	});

	it('refuses a socket without a session', async () => {
		expect(await refused(client())).toBe('unauthorized');
	});

	it('refuses a socket with a forged or expired session cookie', async () => {
		expect(await refused(client('session=not-a-real-token'))).toBe('unauthorized');
		const user = await createUser(app);
		const cookie = await sessionCookie(app, user.id);
		app.clock.advance(31 * 24 * 3600 * 1000);
		expect(await refused(client(cookie))).toBe('unauthorized');
	});

	it('lets a guest in only when asking for public rooms', async () => {
		await expect(connected(client(undefined, { public: true }))).resolves.toBeUndefined();
	});

	it('shows co-members who is online, live, and not to strangers; discreet members stay anonymous', async () => {
		const { residence } = await createResidence(app);
		const { residence: other } = await createResidence(app);
		const key = `residence:${residence.id}`;
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
		const stranger = await createUser(app, { displayName: 'Ailleurs', roles: [{ type: 'residence', id: other.id, role: 'tenant' }] });
		await app.services.spaces.setDiscreet(karim, true);

		const a = client(await sessionCookie(app, amina.id));
		await connected(a);
		const s = client(await sessionCookie(app, stranger.id));
		await connected(s);
		let strangerSaw = false;
		s.on('presence.changed', (p) => {
			if (p.key === key) strangerSaw = true;
		});

		const seen = presenceWhere(a, key, (online) => online.length === 2);
		const k = client(await sessionCookie(app, karim.id));
		await connected(k);
		const online = await seen;
		expect(online).toEqual(expect.arrayContaining([{ userId: amina.id, displayName: 'Amina' }, { userId: null, displayName: null }]));

		const snapshot = await new Promise<{ key: string; online: OnlineMember[] }[]>((resolve, reject) =>
			k.emit('presence.snapshot', {}, (res) => (res.ok ? resolve(res.data.spaces) : reject(new Error(res.error))))
		);
		expect(snapshot).toHaveLength(1);
		expect(snapshot[0]!.key).toBe(key);
		expect(snapshot[0]!.online).toHaveLength(2);

		const left = presenceWhere(a, key, (list) => list.length === 1);
		k.disconnect();
		expect(await left).toEqual([{ userId: amina.id, displayName: 'Amina' }]);
		expect(strangerSaw).toBe(false);
	});

	it("tells the server's page who is online in her spaces, as her socket would hear it once connected, and nothing of a stranger's space", async () => {
		const { residence } = await createResidence(app);
		const { residence: other } = await createResidence(app);
		const key = `residence:${residence.id}`;
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
		const zoe = await createUser(app, { displayName: 'Zoé', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
		const stranger = await createUser(app, { displayName: 'Ailleurs', roles: [{ type: 'residence', id: other.id, role: 'tenant' }] });
		await app.services.spaces.setDiscreet(zoe, true);
		// Before anyone connects: her space, and in it only herself, as her socket will count her once connected.
		expect(await server.onlineFor(amina)).toEqual([{ key, online: [{ userId: amina.id, displayName: 'Amina' }], count: 1 }]);

		const k = client(await sessionCookie(app, karim.id));
		const inRoom = presenceWhere(k, key, (online) => online.length === 1);
		await connected(k);
		await inRoom;
		const z = client(await sessionCookie(app, zoe.id));
		const both = presenceWhere(k, key, (online) => online.length === 2);
		await connected(z);
		await both;
		const s = client(await sessionCookie(app, stranger.id));
		await connected(s);

		// Amina, not connected: Karim by name, Zoé (discreet) without, herself; the stranger's space is not hers.
		const page = await server.onlineFor(amina);
		expect(page).toHaveLength(1);
		expect(page[0]!.key).toBe(key);
		expect(page[0]!.online).toEqual([{ userId: karim.id, displayName: 'Karim' }, { userId: null, displayName: null }, { userId: amina.id, displayName: 'Amina' }]);
		expect(page[0]!.count).toBe(3);
		// The stranger's page: his own space only, where nobody else is (his socket counted once, not twice).
		expect(await server.onlineFor(stranger)).toEqual([{ key: `residence:${other.id}`, online: [{ userId: stranger.id, displayName: 'Ailleurs' }], count: 1 }]);
	});

	it('counts a crowd and lists only the first arrivals: the list each phone gets stays small', async () => {
		const { residence } = await createResidence(app);
		const key = `residence:${residence.id}`;
		const crowd = PRESENCE_LISTED + 3;
		const users = [];
		for (let i = 0; i < crowd; i++) users.push(await createUser(app, { displayName: `Voisin ${i}`, roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] }));
		const first = client(await sessionCookie(app, users[0]!.id));
		await connected(first);
		// The whole crowd is announced only once the last one is in.
		const announced = new Promise<{ online: OnlineMember[]; count: number }>((resolve) =>
			first.on('presence.changed', (p) => {
				if (p.key === key && p.count === crowd) resolve(p);
			})
		);
		for (const [i, user] of users.entries()) {
			if (i === 0) continue;
			// One after another, each in the room before the next: the order of arrival is known.
			await connected(client(await sessionCookie(app, user.id)));
			await presenceSnapshotWhere(first, key, (list) => list.count === i + 1);
		}
		const heard = await announced;
		expect(heard.online.map((m) => m.displayName)).toEqual(users.slice(0, PRESENCE_LISTED).map((u) => u.displayName));
		// Her page, rendered while her socket is open: the same list, herself counted once.
		const page = await server.onlineFor(users[crowd - 1]!);
		expect(page).toEqual([{ key, online: heard.online, count: crowd }]);
	});

	it('follows rights as they are now: a removed role leaves the space at once, a signed-out session is disconnected', async () => {
		const { residence, admin } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const key = `residence:${residence.id}`;
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
		const a = client(await sessionCookie(app, amina.id));
		await connected(a);
		const both = presenceWhere(a, key, (online) => online.length === 2);
		const karimCookie = await sessionCookie(app, karim.id);
		const k = client(karimCookie);
		await connected(k);
		await both;

		const alone = presenceWhere(a, key, (online) => online.length === 1);
		await app.services.admin.removeRole(admin, { userId: karim.id, space, role: 'tenant' });
		expect(await alone).toEqual([{ userId: amina.id, displayName: 'Amina' }]);
		expect(k.connected).toBe(true);

		const gone = new Promise<string>((resolve) => k.once('disconnect', (reason) => resolve(reason)));
		await app.services.auth.signOut(sessionIdFromToken(karimCookie.slice(SESSION_COOKIE.length + 1)));
		expect(await gone).toBe('io server disconnect');
	});
});
