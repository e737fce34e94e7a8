import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { spaceKey } from '$lib/domain/policy';
import {
	roomForSpace,
	roomForUser,
	type ClientToServerEvents,
	type OnlineMember,
	type ServerToClientEvents
} from '$lib/realtime/events';
import { tokenFromCookieHeader, validateSessionToken, type SessionUser } from '../auth/session';
import { log } from '../log';
import type { Services } from '../services';
import { attachBoardRoom } from './board-room';
import { attachMeetingRoom } from './meeting-room';
import { createCoalescer, PRESENCE_WINDOW_MS } from './coalesce';
import { attachCollab } from '../collab/service';

export interface SocketData {
	user: SessionUser | null;
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const handshakeAuth = z.object({ public: z.boolean().optional() }).passthrough();

/** Attaches socket.io to an HTTP server; the session cookie authenticates sockets as it does pages. */
export function attachRealtime(httpServer: HttpServer, services: Services): IoServer {
	const { db, clock, bus } = services.deps;
	const io: IoServer = new Server(httpServer, {
		serveClient: false,
		// Recovers missed events after a short cut (a phone going through a lift) without a full reload.
		connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 }
	});

	io.use((socket, next) => {
		const token = tokenFromCookieHeader(socket.handshake.headers.cookie);
		const { user } = token ? validateSessionToken(db, clock, token) : { user: null };
		const auth = handshakeAuth.safeParse(socket.handshake.auth ?? {});
		if (!user && !(auth.success && auth.data.public)) return next(new Error('unauthorized'));
		socket.data.user = user;
		next();
	});

	async function onlineIn(room: string): Promise<OnlineMember[]> {
		const sockets = await io.in(room).fetchSockets();
		const seen = new Map<string, OnlineMember>();
		for (const s of sockets) {
			const u = s.data.user;
			if (u && !seen.has(u.id)) seen.set(u.id, { userId: u.id, displayName: u.discreet ? null : u.displayName });
		}
		return [...seen.values()];
	}

	const presence = createCoalescer(PRESENCE_WINDOW_MS);
	io.engine.on('close', () => presence.clear());
	httpServer.on('close', () => presence.clear());

	/** Each space's room hears its online list once per window, however many come and go meanwhile. */
	function broadcastPresence(keys: string[]) {
		for (const key of keys) {
			const room = `space:${key}`;
			presence.schedule(room, () => {
				onlineIn(room)
					.then((online) => io.to(room).emit('presence.changed', { key, online }))
					.catch((err: unknown) => log.error('presence broadcast failed', { err: String(err) }));
			});
		}
	}

	io.on('connection', (socket: IoSocket) => {
		const user = socket.data.user;
		if (!user) return; // public sockets only join public rooms (boards' projector views, later)
		const spaces = services.spaces.coMemberSpaces(user);
		const keys = spaces.map(spaceKey);
		void socket.join([roomForUser(user.id), ...spaces.map((s) => roomForSpace(s.type, s.id))]);
		broadcastPresence(keys);
		attachBoardRoom(io, socket, presence);
		attachMeetingRoom(socket, services);

		socket.on('presence.snapshot', (_payload, ack) => {
			if (typeof ack !== 'function') return;
			Promise.all(keys.map(async (key) => ({ key, online: await onlineIn(`space:${key}`) })))
				.then((list) => ack({ ok: true, data: { spaces: list } }))
				.catch((err: unknown) => {
					log.error('presence snapshot failed', { err: String(err) });
					ack({ ok: false, code: 'error.unexpected', error: 'error.unexpected' });
				});
		});

		socket.on('disconnect', () => {
			broadcastPresence(keys);
		});
	});

	// Yjs documents (proposal descriptions, site-plan pins): their own rooms and authorisation.
	attachCollab(io, services);

	const unsubscribe = bus.subscribe(({ room, event, payload }) => {
		(io.to(room).emit as (e: string, p: unknown) => boolean)(event, payload);
	});
	io.engine.on('close', unsubscribe);
	httpServer.on('close', unsubscribe);

	// Consultations scheduled to open or close do so on time and are announced live, even unwatched.
	const sweep = setInterval(() => {
		try {
			services.consultations.sweep();
		} catch (err) {
			log.error('consultation sweep failed', { err: String(err) });
		}
	}, 30_000);
	sweep.unref();
	httpServer.on('close', () => clearInterval(sweep));

	return io;
}
