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
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
