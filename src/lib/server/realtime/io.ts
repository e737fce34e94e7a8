/** The typed socket.io server and socket of the app, for every module of the realtime layer. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';
import type { SessionUser } from '../auth/session';

export interface SocketData {
	/** The user as of the last event (re-read on every event: see live-auth.ts), null for public sockets. */
	user: SessionUser | null;
	sessionId: string | null;
	/** The user's rights version the socket's rooms were last checked against. */
	version: number;
	/**
	 * Space rooms joined only while one of the space's boards is open, by someone who may read it
	 * without belonging to it (an administrator): board-room.ts. The hub joins the spaces one belongs to.
	 */
	borrowed?: Set<string>;
}

/**
 * One of a room's users as a node tells the others (presence.ts): her id and her name, or null for a
 * discreet member. Between nodes only, never to a browser.
 */
export type PresenceEntry = [userId: string, displayName: string | null];

/** What nodes of a cluster ask one another (socket.io's `serverSideEmit`, through Redis). */
export interface InterServerEvents {
	/** The users this node has in `room`, each once, in the order they joined it. */
	'presence.room': (room: string, reply: (entries: PresenceEntry[]) => void) => void;
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
