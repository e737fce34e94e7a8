/**
 * Two app nodes on the real local Redis (each its own services, bus, database connection and
 * socket.io server on a loopback port; one database file shared as PostgreSQL will be): what one
 * node does reaches the clients and caches of the other, once.
 */
import { createServer } from 'node:http';
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProposalUpdate } from '$lib/realtime/board-events';
import type { MeetingRoomState } from '$lib/realtime/meeting-events';
import { RoomFollower, type JoinAnswer } from '$lib/realtime/meeting-patch';
import { createBodyFixture } from '$lib/server/services/meetings/fixture';
import { roomForSpace, roomForUser, type OnlineMember } from '$lib/realtime/events';
import { sessionIdFromToken } from '$lib/server/auth/session';
import { until } from '$lib/server/collab/testing-peer';
import { sessionCookie, createResidence, createTestAppOn, testEngines, createUser, type TestApp } from '$lib/server/testing';
import { startNode, type TestNode } from '$lib/server/testing/cluster';
import { runChecks } from '$lib/server/health';
import { streamsAdapter, clusterCheck } from '$lib/server/shared';
import { redisClient } from '$lib/server/shared/redis';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '$lib/server/testing/redis';
import type { Client } from './socket-harness';

/** A socket.io client signed in as `userId` on `node`, connected; kept in `into` to be closed after the test. */
async function connectAs(app: TestApp, node: TestNode, userId: string, into: Client[], given?: string): Promise<Client> {
	const cookie = given ?? (await sessionCookie(app, userId));
	const socket: Client = connect(node.server.url, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false });
	into.push(socket);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

/** The presence of one space as `socket` is told it (`presence.snapshot`): who is listed, and how many in all. */
async function presenceIn(socket: Client, key: string): Promise<{ online: OnlineMember[]; count: number }> {
	const reply = (await socket.emitWithAck('presence.snapshot', {})) as { data?: { spaces: { key: string; online: OnlineMember[]; count: number }[] } };
	return reply.data?.spaces.find((s) => s.key === key) ?? { online: [], count: 0 };
}

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let redis: TestRedis;
	let nodes: TestNode[] = [];
	const clients: Client[] = [];

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		redis = testRedis();
		nodes = [await startNode(app, redis, 'node 1'), await startNode(app, redis, 'node 2')];
	});
	afterEach(async () => {
		for (const c of clients.splice(0)) c.disconnect();
		for (const n of nodes) await n.close();
		await redis.cleanup();
		await app.close();
	});

	const signedIn = (node: TestNode, userId: string, given?: string) => connectAs(app, node, userId, clients, given);

	async function residents() {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
		return { residence, space, amina, karim };
	}

	describe('two nodes on Redis', () => {
		it('a support given on node 2 reaches a client of node 1, exactly once', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const { residence, amina, karim } = await residents();
			const { id } = await two.services.proposals.propose(amina, { residenceId: residence.id, title: 'Bancs devant l’entrée' });
			const onOne = await signedIn(one, karim.id);
			const onTwo = await signedIn(two, amina.id);
			const seenOnOne: ProposalUpdate[] = [];
			const seenOnTwo: ProposalUpdate[] = [];
			onOne.on('proposal.updated', (p) => seenOnOne.push(p));
			onTwo.on('proposal.updated', (p) => seenOnTwo.push(p));

			await two.services.proposals.setSupport(amina, { proposalId: id, on: true });
			await until(() => seenOnOne.some((p) => p.change === 'support') && seenOnTwo.some((p) => p.change === 'support'));
			expect(seenOnOne.find((p) => p.change === 'support')?.card).toMatchObject({ id, supports: 1 });

			// A round trip through both nodes after the event: a duplicate would have arrived by then.
			await onOne.emitWithAck('presence.snapshot', {});
			await onTwo.emitWithAck('presence.snapshot', {});
			await two.services.proposals.setSupport(amina, { proposalId: id, on: false });
			await until(() => seenOnOne.filter((p) => p.change === 'support').length === 2);
			await onOne.emitWithAck('presence.snapshot', {});
			expect(seenOnOne.filter((p) => p.change === 'support')).toHaveLength(2);
			expect(seenOnTwo.filter((p) => p.change === 'support')).toHaveLength(2);
		});

		it('presence is global: a member on node 1 sees the one connected to node 2', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const { space, amina, karim } = await residents();
			const onOne = await signedIn(one, amina.id);
			await signedIn(two, karim.id);
			const key = `${space.type}:${space.id}`;
			// Karim's socket joins its rooms just after connecting: ask until it is there (the test's timeout bounds this).
			let online = (await presenceIn(onOne, key)).online;
			while (online.length < 2) online = (await presenceIn(onOne, key)).online;
			expect(online.map((m) => m.displayName).sort()).toEqual(['Amina', 'Karim']);
		});

		it('presence across nodes: each person once, a discreet one counted without her name, a node answering nonsense not counted', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const { space, amina, karim } = await residents();
			const zoe = await createUser(app, { displayName: 'Zoé', roles: [{ ...space, role: 'tenant' }] });
			await app.services.spaces.setDiscreet(zoe, true);
			// A third member of the cluster that answers the presence question with what is not a list of
			// users (an old or broken node, or someone writing to Redis).
			const rogueClient = await redis.connect('rogue adapter');
			const rogue = new Server(createServer(), { adapter: streamsAdapter(rogueClient, redis.prefix, { blockTimeInMs: 300 }) });
			rogue.on('presence.room', (_room: string, reply: (x: unknown) => void) => reply({ intruder: 'Intrus', count: 500 }));
			try {
				const onOne = await signedIn(one, amina.id);
				await signedIn(two, karim.id);
				await signedIn(two, zoe.id);
				// Amina's second tab, on the other node: still one person.
				await signedIn(two, amina.id);
				const key = `${space.type}:${space.id}`;
				const snapshot = () => presenceIn(onOne, key);
				let list = await snapshot();
				while (list.count < 3) list = await snapshot();
				// Asked again once everyone's rooms are joined: three people, the third without a name.
				list = await snapshot();
				expect(list.count).toBe(3);
				expect(list.online.map((m) => m.displayName)).toEqual(['Amina', 'Karim', null]);
				expect(list.online[2]?.userId).toBeNull();
			} finally {
				await rogue.close();
				if (rogueClient.isOpen) await rogueClient.close().catch(() => undefined);
			}
		});

		it('signing out on node 2 disconnects that session’s socket on node 1 (signals cross nodes)', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const { amina } = await residents();
			const cookie = await sessionCookie(app, amina.id);
			const socket = await signedIn(one, amina.id, cookie);
			const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
			await two.services.auth.signOut(sessionIdFromToken(cookie.split('=')[1]!));
			await disconnected;
			expect(socket.connected).toBe(false);
		});

		it('a role removed on node 2: what the space broadcasts right after does not reach her socket on node 1', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const { residence, space, amina } = await residents();
			const admin = await createUser(app, { displayName: 'Admin', isAdmin: true });
			const room = roomForSpace('residence', residence.id);
			const socket = await signedIn(one, amina.id);
			const onTwo = await signedIn(two, amina.id);
			await until(() => one.server.io.of('/').sockets.get(socket.id!)?.rooms.has(room) ?? false);
			const heard: ProposalUpdate['change'][] = [];
			socket.on('proposal.updated', (p) => heard.push(p.change));
			// The change travels between nodes as a packet to her room: neither of her sockets ever gets it.
			const events: string[] = [];
			socket.onAny((event: string) => events.push(event));
			onTwo.onAny((event: string) => events.push(event));

			await two.services.admin.removeRole(admin, { userId: amina.id, space, role: 'tenant' });
			// At once: the change is still on its way to node 1 (the bus's channel and the broadcasts' stream).
			two.bus.publish(room, 'proposal.updated', { card: {} as ProposalUpdate['card'], change: 'edited', actorId: admin.id });
			await until(() => !(one.server.io.of('/').sockets.get(socket.id!)?.rooms.has(room) ?? true));
			// A later event of the same node as a barrier: the first, had it been delivered, came before it.
			two.bus.publish(roomForUser(amina.id), 'proposal.updated', { card: {} as ProposalUpdate['card'], change: 'moved', actorId: admin.id });
			await until(() => heard.includes('moved'));
			expect(heard).toEqual(['moved']);
			// Whatever a packet of that name carries, it reaches no client and breaks nothing.
			(two.server.io.to(roomForUser(amina.id)).emit as (e: string, p: unknown) => boolean)('live.signal', { name: 'account.changed', payload: 42 });
			two.bus.publish(roomForUser(amina.id), 'proposal.updated', { card: {} as ProposalUpdate['card'], change: 'hidden', actorId: admin.id });
			await until(() => heard.includes('hidden'));
			expect(events.filter((e) => e !== 'proposal.updated' && e !== 'presence.changed')).toEqual([]);
		});

		it('a meeting changed from both nodes: every screen, on either node, follows the patches to the state a fresh join gets', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const f = await createBodyFixture(app);
			const { id } = await one.services.meetings.schedule(f.chair, { bodyId: f.body.id, title: 'Comité', startsAt: '2026-11-22T10:00' });
			await one.services.meetings.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'decision' });
			await one.services.meetings.open(f.chair, { meetingId: id });
			await two.services.meetings.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
			// Screens kept by the room page's own rules (`RoomFollower`, as client/meeting-live.svelte.ts
			// keeps them): one join at a time, the patches that come meanwhile applied after its answer,
			// never a state older than the one held.
			const screens: { follower: RoomFollower; patches: number }[] = [];
			for (const [node, user] of [[one, f.chair], [two, f.fatou], [one, f.elise], [two, f.secretary]] as const) {
				const socket = await signedIn(node, user.id);
				let joined = () => {};
				const first = new Promise<void>((resolve) => (joined = resolve));
				const follower = new RoomFollower(
					id,
					(answer) =>
						void socket.emitWithAck('meeting.join', { meetingId: id }).then((r: JoinAnswer) => {
							expect(r.ok).toBe(true);
							answer(r);
						}),
					() => joined()
				);
				const screen = { follower, patches: 0 };
				socket.on('meeting.state', (s) => follower.accept(s));
				socket.on('meeting.patch', (p) => {
					screen.patches++;
					follower.patch(p);
				});
				follower.rejoin();
				await first;
				screens.push(screen);
			}
			// Changes from both nodes, one after the other, without waiting for the screens: each node sends
			// what changed since its own last state, and a change made on node 2 reaches node 1's screens
			// through Redis, possibly after a later change made on node 1. The clock moves between changes,
			// as it does in a meeting: a screen ignores a change older than what it holds.
			const by = [one, two];
			for (const [k, u] of [f.chair, f.fatou, f.elise, f.vincent, f.director].entries()) {
				await by[k % 2]!.services.meetings.checkIn(f.secretary, { meetingId: id, userId: u.id });
				app.clock.advance(1);
			}
			for (const [k, u] of [f.fatou, f.elise, f.vincent].entries()) {
				await by[k % 2]!.services.meetings.raiseHand(u, { meetingId: id });
				app.clock.advance(1000);
			}
			await two.services.meetings.next(f.chair, { meetingId: id });
			app.clock.advance(1);
			await one.services.meetings.withdraw(f.chair, { meetingId: id, speechId: (await one.services.meetings.roomState(f.chair, id)).speeches.find((s) => s.userId === f.vincent.id)!.id });
			const fresh = await one.services.meetings.roomState(f.chair, id);
			const content = ({ now: _now, ...rest }: MeetingRoomState) => rest;
			// Five check-ins, three hands raised, the next item, a speech withdrawn: a patch each, to every
			// screen. A screen can hold the final state before every patch has reached it (the last change's
			// patch carries what the other node changed too, while that node's own patches are still on
			// their way through Redis): each screen is waited for until it has all of them.
			const changes = 10;
			await until(() =>
				screens.every(({ follower: { state }, patches }) => patches >= changes && state!.digests.speeches === fresh.digests.speeches && state!.digests.attendance === fresh.digests.attendance)
			);
			for (const screen of screens) {
				expect(content(screen.follower.state!)).toEqual(content(fresh));
				expect(screen.patches).toBe(changes);
			}
		});

		it('a signal is delivered once on each node, byte arrays intact; room events stay on their node', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const got: [string, Uint8Array][] = [];
			const origins: string[] = [];
			one.bus.onSignal('collab.changed', ({ update }, here) => (got.push(['one', update]), origins.push(`one:${here}`)));
			two.bus.onSignal('collab.changed', ({ update }, here) => (got.push(['two', update]), origins.push(`two:${here}`)));
			const events: string[] = [];
			two.bus.subscribe(({ event }) => events.push(event));

			one.bus.signal('collab.changed', { doc: 'proposal:x', update: new Uint8Array([1, 2, 250]) });
			one.bus.publish('space:residence:x', 'presence.changed', { key: 'residence:x', online: [], count: 0 });
			await until(() => got.length === 2);
			// One more signal as a barrier: anything duplicated would have come before it.
			one.bus.signal('collab.changed', { doc: 'proposal:x', update: new Uint8Array([9]) });
			await until(() => got.length === 4);
			expect(got.map(([n]) => n).sort()).toEqual(['one', 'one', 'two', 'two']);
			expect([...got.find(([n]) => n === 'two')![1]]).toEqual([1, 2, 250]);
			// Each node's listeners are told where the fact was signalled.
			expect([...new Set(origins)].sort()).toEqual(['one:true', 'two:false']);
			expect(events).toEqual([]);
		});

		it('a client cut from node 1 recovers its session on node 2, missed events included (Redis Streams adapter)', async () => {
			const [one, two] = nodes as [TestNode, TestNode];
			const { residence, amina, karim } = await residents();
			const { id } = await two.services.proposals.propose(amina, { residenceId: residence.id, title: 'Un composteur' });
			const cookie = await sessionCookie(app, karim.id);
			const first = await signedIn(one, karim.id, cookie);
			const seen = new Promise<void>((resolve) => first.once('proposal.updated', () => resolve()));
			await two.services.proposals.setSupport(amina, { proposalId: id, on: true });
			await seen;
			// What the browser keeps to recover: its session id and the offset of the last event it got.
			const { _pid: pid, _lastOffset: offset } = first as unknown as { _pid: string; _lastOffset: string };
			expect(pid).toBeTruthy();
			expect(offset).toBeTruthy();

			// Node 1 loses the connection (as when it dies behind the load balancer); the session is saved in Redis.
			first.io.engine.close();
			const commands = await redis.connect('probe');
			// Polled until saved; the test's own timeout bounds the wait.
			while ((await commands.exists(`${redis.prefix}sio:session:${pid}`)) !== 1) await new Promise((r) => setTimeout(r, 10));
			await two.services.proposals.setSupport(amina, { proposalId: id, on: false });

			const again: Client = connect(two.server.url, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false, autoConnect: false, auth: { pid, offset } });
			clients.push(again);
			const missed: ProposalUpdate[] = [];
			again.on('proposal.updated', (p) => missed.push(p));
			again.connect();
			await until(() => missed.length > 0);
			expect(missed[0]).toMatchObject({ change: 'support', card: { id, supports: 0 } });
			// Same session id: recovered, not a fresh connection.
			expect((again as unknown as { _pid: string })._pid).toBe(pid);
		});
	});
});

// Presence does not depend on the database engine: this one runs on SQLite alone (it waits socket.io's
// request timeout, 5 s).
describe('presence with a node that does not answer (a node of the previous version, during a rolling upgrade)', () => {
	it('the nodes that answered are counted once socket.io stops waiting, not this node alone', async () => {
		const app = await createTestAppOn('sqlite');
		const redis = testRedis();
		const nodes = [await startNode(app, redis, 'node 1'), await startNode(app, redis, 'node 2')];
		const sockets: Client[] = [];
		let old: Server | undefined;
		let oldClient: Awaited<ReturnType<TestRedis['connect']>> | undefined;
		try {
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
			const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
			const onOne = await connectAs(app, nodes[0]!, amina.id, sockets);
			await connectAs(app, nodes[1]!, karim.id, sockets);
			const key = `${space.type}:${space.id}`;
			const snapshot = () => presenceIn(onOne, key);
			// Both in the room, the two nodes answering each other.
			while ((await snapshot()).count < 2);
			// A third member of the cluster with no answer to the presence question: socket.io waits for it
			// until its request timeout, then hands over the answers that came.
			oldClient = await redis.connect('old node adapter');
			old = new Server(createServer(), { adapter: streamsAdapter(oldClient, redis.prefix, { blockTimeInMs: 300 }) });
			// Until it has joined the cluster's channels (what `/readyz` waits for): before that the nodes would
			// not hear it, nor it them.
			const joined = clusterCheck(oldClient, redis.prefix, old, oldClient);
			await until(async () => (await runChecks([joined])).ready);
			const started = performance.now();
			const list = await snapshot();
			// It did wait for the silent node (the answer is socket.io's timeout, not an early one)…
			expect(performance.now() - started).toBeGreaterThan(4_000);
			// …and Karim, on node 2, which answered, is counted.
			expect(list?.count).toBe(2);
			expect(list?.online.map((m) => m.displayName)).toEqual(['Amina', 'Karim']);
		} finally {
			for (const s of sockets) s.disconnect();
			await old?.close();
			if (oldClient?.isOpen) await oldClient.close().catch(() => undefined);
			for (const n of nodes) await n.close();
			await redis.cleanup();
			await app.close();
		}
		// socket.io's 5 s, once.
	}, 20_000);
});

/**
 * A door to the test Redis. After `hold()` it lets new connections in but holds what they send until
 * `open()`: connections that are slow to come up (a new node starting, its adapter's still opening).
 */
async function redisDoor() {
	const target = new URL(TEST_REDIS_URL);
	const waiting: Socket[] = [];
	const piped: Socket[] = [];
	let opened = true;
	const pipe = (socket: Socket) => {
		const upstream = tcpConnect(Number(target.port || 6379), target.hostname);
		piped.push(socket, upstream);
		for (const [a, b] of [[socket, upstream], [upstream, socket]] as const) {
			a.pipe(b);
			a.on('error', () => b.destroy());
		}
	};
	const server = createTcpServer((socket) => (opened ? pipe(socket) : waiting.push(socket)));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
		hold: () => void (opened = false),
		/** Lets what was held (the sockets are paused: nothing they sent is lost) and everything after it through. */
		open() {
			opened = true;
			for (const socket of waiting.splice(0)) pipe(socket);
		},
		async close() {
			for (const socket of [...waiting, ...piped]) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

// Readiness does not depend on the database engine: SQLite alone.
describe('a node that has just started', () => {
	it('is not ready for the load balancer until its socket.io adapter has joined the cluster channels; then its questions get the other node’s answers', async () => {
		const app = await createTestAppOn('sqlite');
		const redis = testRedis();
		const one = await startNode(app, redis, 'node 1');
		const sockets: Client[] = [];
		const door = await redisDoor();
		const commands = await redis.connect('readiness commands');
		// The new node's adapter publishes on a connection that is up; those it opens itself (to subscribe
		// and to read the stream) are slow to come up.
		const lateClient = redisClient({ url: door.url, name: 'new node adapter', failFast: false });
		await lateClient.connect();
		door.hold();
		let late: Server | undefined;
		try {
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
			const onOne = await connectAs(app, one, amina.id, sockets);
			while ((await presenceIn(onOne, `${space.type}:${space.id}`)).count < 1);
			const room = roomForSpace(space.type, space.id);
			const ask = async (server: Server) => (await server.serverSideEmitWithAck('presence.room', room)) as unknown[];

			// Node 1 is ready: its adapter is subscribed (the check reads the adapter's own channel name) and reads the stream.
			expect((await runChecks([clusterCheck(commands, redis.prefix, one.server.io, one.adapterClient)])).ready).toBe(true);

			// A new node whose adapter's own connections are still coming up.
			late = new Server(createServer(), { adapter: streamsAdapter(lateClient, redis.prefix, { blockTimeInMs: 300 }) });
			const check = clusterCheck(commands, redis.prefix, late, lateClient);
			const before = await runChecks([check]);
			expect(before.ready).toBe(false);
			expect(before.checks.cluster).toMatchObject({ ok: false, detail: { subscribed: false, reading: false } });
			// What it would say now, were people sent to it: node 1 does not hear the question (nor could its
			// answer come back), and Amina, on node 1, is not counted.
			expect(await ask(late)).toEqual([]);

			door.open();
			await until(async () => (await runChecks([check])).ready, 10_000);
			// Ready: node 1 answers its question, with Amina.
			const answers = await ask(late);
			expect(answers).toHaveLength(1);
			expect(JSON.stringify(answers)).toContain('Amina');
		} finally {
			for (const s of sockets) s.disconnect();
			await late?.close();
			if (lateClient.isOpen) await lateClient.close().catch(() => undefined);
			await door.close();
			await commands.close().catch(() => undefined);
			await one.close();
			await redis.cleanup();
			await app.close();
		}
	}, 30_000);
});
