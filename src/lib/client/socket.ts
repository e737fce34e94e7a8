import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: ClientSocket | null = null;
let users = 0;

/**
 * One connection per tab, opened when the first component needs it and closed when the last one
 * lets go. The session cookie rides along with the handshake.
 */
export function acquireSocket(options: { public?: boolean } = {}): ClientSocket {
	// `public`: a visitor without an account may connect, for public rooms only (the portal's live view).
	socket ??= io({ withCredentials: true, transports: ['websocket', 'polling'], ...(options.public ? { auth: { public: true } } : {}) });
	users += 1;
	return socket;
}

export function releaseSocket() {
	users -= 1;
	if (users <= 0 && socket) {
		socket.disconnect();
		socket = null;
		users = 0;
	}
}
