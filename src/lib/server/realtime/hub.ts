import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { z } from 'zod';
import { can, spaceKey } from '$lib/domain/policy';
import { roomForSpace, roomForUser, type OnlineList } from '$lib/realtime/events';
import { sessionIdFromToken, tokenFromCookieHeader, type SessionUser } from '../auth/session';
import { log } from '../log';
import type { Services } from '../services';
import { ackError, replyTo } from './ack';
import { attachBoardRoom } from './board-room';
import { createCollabHub, type CollabHub } from './collab-hub';
import { attachMeetingRoom } from './meeting-room';
import { attachPublicMeetingRoom } from './public-meeting-room';
import { attachVoteRoom } from './vote-room';
import { createCoalescer, PRESENCE_WINDOW_MS } from './coalesce';
import { createDeliveryHold, SIGNAL_EVENT } from './hold';
import { createLiveAuth, LIVE_AUTH_TTL_MS, type LiveAuth } from './live-auth';
import { allowRequestFrom } from './origin';
import { clientPayloads } from './payloads';
import { createPresence } from './presence';
import { createRoomGuards, spaceInRoom } from './rooms';
import { SWEEP_SLICES, sweepRounds } from './sweep';
import type { IoServer, IoSocket, SocketData } from './io';

export type { IoServer, IoSocket, SocketData } from './io';

const handshakeAuth = z.object({ public: z.boolean().optional() }).passthrough();
const SPACE_PREFIX = 'space:';
/** An account change carried between nodes with the broadcasts (hold.ts, `SIGNAL_EVENT`). */
const streamedSignal = z.discriminatedUnion('name', [
	z.object({ name: z.literal('account.changed'), payload: z.object({ userId: z.string().min(1) }), from: z.string() }),
	z.object({ name: z.literal('session.ended'), payload: z.object({ userId: z.string().min(1), sessionId: z.string().min(1) }), from: z.string() })
]);

export interface RealtimeOptions {
	/** The public URL (ORIGIN); without it a browser's Origin must match the Host it connects to. */
	origin?: string;
	/** socket.io's adapter: the Redis Streams one in a cluster (shared/index.ts), else the in-memory one. */
	adapter?: ServerOptions['adapter'];
	/**
	 * How long one round of the backstop re-read takes (every connection's user read again once):
	 * LIVE_AUTH_TTL_MS by default. Tests shorten it.
	 */
	sweepMs?: number;
}

export interface Realtime {
	io: IoServer;
	/** The live collaborative documents (Yjs) of this server. */
	collab: CollabHub;
	/**
	 * Who is online now in each space the user may see, as her socket's `presence.snapshot` would
	 * answer once connected: for the server's page, so that the list is there before the connection.
	 */
	onlineFor(user: SessionUser): Promise<({ key: string } & OnlineList)[]>;
}

/** Attaches socket.io to an HTTP server; the session cookie authenticates sockets as it does pages. */
export function attachRealtime(httpServer: HttpServer, services: Services, options: RealtimeOptions = {}): Realtime {
	const { data, clock, bus } = services.deps;
	const io: IoServer = new Server(httpServer, {
		serveClient: false,
		...(options.adapter ? { adapter: options.adapter } : {}),
		allowRequest: allowRequestFrom(options.origin),
		// Recovers missed events after a short cut (a phone going through a lift) without a full reload,
		// but never skips authentication: the session may have ended during the cut.
		connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false }
	});
	const live: LiveAuth = createLiveAuth({ data, clock, bus });
	const guards = createRoomGuards();
	const coalescer = createCoalescer(PRESENCE_WINDOW_MS);
	const presence = createPresence(io, coalescer, { cluster: options.adapter !== undefined });

	// A recovered connection gets its missed events before any middleware runs, so recovery itself
	// is refused when the saved session ended or its rights changed since: the client then opens a
	// fresh connection, which is authenticated and joins only the rooms it may.
	const adapter = io.of('/').adapter;
	const restore = adapter.restoreSession.bind(adapter);
	type Saved = Awaited<ReturnType<typeof restore>>;
	adapter.restoreSession = async (pid, offset) => {
		// The adapters answer null when there is nothing to restore, whatever their type says.
		const saved = (await restore(pid, offset)) as Saved | null;
		const data = saved?.data as SocketData | undefined;
		if (!saved || !data?.sessionId) return saved as Saved;
		const user = await live.current(data.sessionId);
		return (user && live.version(user.id) === data.version ? saved : null) as Saved;
	};

	io.use((socket, next) => {
		const token = tokenFromCookieHeader(socket.handshake.headers.cookie);
		const sessionId = token ? sessionIdFromToken(token) : null;
		(sessionId ? live.current(sessionId) : Promise.resolve(null)).then(
			(user) => {
				const auth = handshakeAuth.safeParse(socket.handshake.auth ?? {});
				if (!user && !(auth.success && auth.data.public)) return next(new Error('unauthorized'));
				socket.data.user = user;
				socket.data.sessionId = user ? sessionId : null;
				socket.data.version = user ? live.version(user.id) : 0;
				next();
			},
			(err: unknown) => {
				log.error('socket authentication failed', { err: String(err) });
				next(new Error('unavailable'));
			}
		);
	});

	function broadcastSpace(key: string) {
		const room = `${SPACE_PREFIX}${key}`;
		presence.schedule(room, (list) => io.to(room).emit('presence.changed', { key, ...list }));
	}
	/** Who is online in each of these spaces (keys), for a socket's snapshot and for a page (`onlineFor`: its viewer). */
	const onlineIn = (keys: string[], viewer?: SessionUser) =>
		Promise.all(keys.map(async (key) => ({ key, ...(await presence.online(`${SPACE_PREFIX}${key}`, viewer)) })));
	const spaceKeysOf = (rooms: Iterable<string>) =>
		[...rooms].map((r) => spaceInRoom(r, SPACE_PREFIX)).flatMap((s) => (s ? [spaceKey(s)] : []));

	guards.register({ owns: (room) => room.startsWith('user:'), allows: (user, room) => !!user && room === roomForUser(user.id) });
	guards.register({
		owns: (room) => spaceInRoom(room, SPACE_PREFIX) !== null,
		allows: (user, room) => can(user, 'space.view', spaceInRoom(room, SPACE_PREFIX)!),
		left: (_socket, room) => broadcastSpace(room.slice(SPACE_PREFIX.length))
	});
	const board = attachBoardRoom(io, presence, guards);
	attachMeetingRoom(io, services, guards);
	attachPublicMeetingRoom(io, services, guards);
	attachVoteRoom(io, guards);

	/** Joins the rooms of the user's spaces as they are now (a role granted starts the events). */
	async function joinSpaces(socket: IoSocket, user: SessionUser) {
		const spaces = await services.spaces.coMemberSpaces(user);
		const rooms = [roomForUser(user.id), ...spaces.map((s) => roomForSpace(s.type, s.id))];
		const fresh = rooms.filter((r) => !socket.rooms.has(r));
		// A space she now belongs to is hers, no longer only while its board is open (board-room.ts).
		for (const r of rooms) socket.data.borrowed?.delete(r);
		await socket.join(rooms);
		for (const key of spaceKeysOf(fresh)) broadcastSpace(key);
	}

	/** Re-reads the socket's user; a socket whose session ended is disconnected (and cannot recover). */
	async function refresh(socket: IoSocket): Promise<SessionUser | null | 'ended'> {
		const sessionId = socket.data.sessionId;
		if (!sessionId) return null;
		const user = await live.current(sessionId);
		if (!user) {
			socket.disconnect();
			return 'ended';
		}
		socket.data.user = user;
		return user;
	}

	/** Brings a socket's rooms and presence in line with its user's rights as they are now. */
	async function recheck(socket: IoSocket) {
		const user = await refresh(socket);
		if (user === 'ended' || !socket.connected) return;
		if (user) socket.data.version = live.version(user.id);
		await guards.enforce(socket);
		if (user && socket.connected) await joinSpaces(socket, user);
		// Names and discretion may have changed too: the rooms the socket is still in hear it.
		for (const key of spaceKeysOf(socket.rooms)) broadcastSpace(key);
		board.rebroadcast(socket);
	}
	const recheckFailed = (err: unknown) => log.error('socket recheck failed', { err: String(err) });

	// From the moment a change is signalled until the socket's rooms match the rights it read, what its
	// rooms broadcast waits (hold.ts). A recheck that fails closes the connection rather than go on with
	// rooms nobody checked: the client reconnects, and its handshake reads the user again.
	// In a cluster the change also travels with the broadcasts, ahead of any later one (hold.ts): each
	// node applies what another node signalled; its own are applied already (the bus's own delivery to
	// the other nodes follows and reads the user once more: harmless).
	const node = randomBytes(8).toString('hex');
	const hold = createDeliveryHold(io, (carried) => {
		const parsed = streamedSignal.safeParse(carried);
		if (!parsed.success) return log.error('unreadable account change from another node', { err: parsed.error.message });
		const { from, ...signal } = parsed.data;
		if (from !== node) live.signalled(signal);
	});
	const offForward = options.adapter
		? (['account.changed', 'session.ended'] as const).map((name) =>
				bus.onSignal(name, (payload, here) => {
					if (here) (io.to(roomForUser(payload.userId)).emit as (e: string, p: unknown) => boolean)(SIGNAL_EVENT, { name, payload, from: node });
				})
			)
		: [];
	const offChange = live.onChange((userId) => {
		const ids = io.of('/').adapter.rooms.get(roomForUser(userId));
		for (const id of [...(ids ?? [])]) {
			const socket = io.of('/').sockets.get(id);
			if (!socket) continue;
			hold.hold(socket);
			recheck(socket)
				.catch((err: unknown) => {
					recheckFailed(err);
					socket.disconnect();
				})
				.finally(() => hold.release(socket));
		}
	});

	// Backstop for changes made without a signal (and for sessions reaching their expiry): every
	// socket re-reads its user at the cache's pace, even one that sends nothing. A slice of the
	// sockets at each tick: all of them at once read every session in one burst (1,000 members
	// connected held the event loop 40 to 150 ms every 15 s, and every page and socket with it).
	const sweepMs = options.sweepMs ?? LIVE_AUTH_TTL_MS;
	const nextSlice = sweepRounds<IoSocket>(SWEEP_SLICES);
	const sweep = setInterval(() => {
		for (const socket of nextSlice(io.of('/').sockets)) {
			if (!socket.data.sessionId) continue;
			refresh(socket)
				.then(async (user) => {
					if (user !== 'ended' && socket.data.user && socket.data.version !== live.version(socket.data.user.id)) await recheck(socket);
				})
				.catch(recheckFailed);
		}
	}, sweepMs / SWEEP_SLICES);
	sweep.unref();

	io.on('connection', (socket: IoSocket) => {
		// Every event is handled with the user as they are now, never as they were at the handshake.
		// Reading who that is may wait on the database: events pass one after another, in the order
		// they came, so a Yjs update or a move is never overtaken by the one sent after it.
		let queue: Promise<void> = Promise.resolve();
		socket.use((packet, next) => {
			queue = queue.then(async () => {
				let user: Awaited<ReturnType<typeof refresh>>;
				try {
					user = await refresh(socket);
				} catch (err) {
					log.error('socket event authentication failed', { err: String(err) });
					return replyTo(packet[packet.length - 1])(ackError(socket.data.user?.locale, 'error.unexpected'));
				}
				if (user === 'ended') return replyTo(packet[packet.length - 1])(ackError(null, 'error.signInRequired'));
				if (user && socket.data.version !== live.version(user.id)) recheck(socket).catch(recheckFailed);
				next();
			});
		});
		// A recovered socket comes back with its old rooms: check them as for any change of rights.
		if (socket.recovered) recheck(socket).catch(recheckFailed);
		else if (socket.data.user) joinSpaces(socket, socket.data.user).catch(recheckFailed);

		socket.on('presence.snapshot', (payload, ack) => {
			const reply = replyTo(ack);
			const user = socket.data.user;
			if (!clientPayloads['presence.snapshot'].safeParse(payload).success) return reply(ackError(user?.locale, 'error.invalidInput'));
			if (!user) return reply(ackError(null, 'error.signInRequired'));
			onlineIn(spaceKeysOf(socket.rooms))
				.then((list) => reply({ ok: true, data: { spaces: list } }))
				.catch((err: unknown) => {
					log.error('presence snapshot failed', { err: String(err) });
					reply(ackError(user.locale, 'error.unexpected'));
				});
		});

		socket.on('disconnecting', () => {
			// Still in its rooms while "disconnecting"; the coalesced recount runs after it left.
			for (const key of spaceKeysOf(socket.rooms)) broadcastSpace(key);
		});
	});

	// Yjs documents (proposal descriptions, site-plan pins, minutes): their own rooms; the collab
	// service decides access and stores them.
	const collab = createCollabHub({ collab: services.collab, bus });
	collab.attach(io, guards);

	const unsubscribe = bus.subscribe(({ room, event, payload }) => {
		(io.to(room).emit as (e: string, p: unknown) => boolean)(event, payload);
	});
	const stop = () => {
		unsubscribe();
		for (const off of offForward) off();
		offChange();
		live.close();
		clearInterval(sweep);
		coalescer.clear();
		collab.close();
	};
	io.engine.on('close', stop);
	httpServer.on('close', stop);

	async function onlineFor(user: SessionUser) {
		// Counted as her socket will be once connected, as every list she reads counts her.
		return onlineIn((await services.spaces.coMemberSpaces(user)).map(spaceKey), user);
	}

	return { io, collab, onlineFor };
}
