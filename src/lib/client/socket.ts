import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';

type RealSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the app uses of a socket.io connection: listeners, emits (with acknowledgements), its state. */
export type ClientSocket = Pick<RealSocket, 'on' | 'off' | 'emit'> & { readonly connected: boolean };

/**
 * The connection's library (socket.io-client, 13 KB gzip) is not part of any page's first load: it is
 * fetched when the first component asks for a connection, after the page is on screen. Until it is
 * there, listeners and emits wait in order and `connected` is false; then they go to the real socket
 * (which buffers emits until it connects, as it always does), and its `connect` event follows.
 */
class DeferredSocket {
	#real: RealSocket | null = null;
	#waiting: ((socket: RealSocket) => void)[] = [];
	#closed = false;

	constructor(options: { public?: boolean }) {
		const open = async (attempt: number): Promise<void> => {
			try {
				const { io } = await import('socket.io-client');
				if (this.#closed) return;
				this.#real = io({ withCredentials: true, transports: ['websocket', 'polling'], ...(options.public ? { auth: { public: true } } : {}) });
				for (const run of this.#waiting.splice(0)) run(this.#real);
			} catch {
				// Offline when the page opened: try again when the network is back (the page works without it).
				if (!this.#closed && attempt < 5) window.addEventListener('online', () => void open(attempt + 1), { once: true });
			}
		};
		void open(0);
	}

	#use(run: (socket: RealSocket) => void) {
		if (this.#real) run(this.#real);
		else this.#waiting.push(run);
	}

	get connected() {
		return this.#real?.connected ?? false;
	}

	on = ((event: string, listener: (...args: unknown[]) => void) => {
		this.#use((s) => (s as unknown as { on: (e: string, l: typeof listener) => void }).on(event, listener));
		return this;
	}) as unknown as ClientSocket['on'];

	off = ((event: string, listener: (...args: unknown[]) => void) => {
		this.#use((s) => (s as unknown as { off: (e: string, l: typeof listener) => void }).off(event, listener));
		return this;
	}) as unknown as ClientSocket['off'];

	emit = ((event: string, ...args: unknown[]) => {
		this.#use((s) => (s as unknown as { emit: (e: string, ...a: unknown[]) => void }).emit(event, ...args));
		return true;
	}) as unknown as ClientSocket['emit'];

	close() {
		this.#closed = true;
		this.#waiting = [];
		this.#real?.disconnect();
		this.#real = null;
	}
}

let socket: DeferredSocket | null = null;
let users = 0;

/**
 * One connection per tab, opened when the first component needs it and closed when the last one
 * lets go. The session cookie rides along with the handshake.
 */
export function acquireSocket(options: { public?: boolean } = {}): ClientSocket {
	// `public`: a visitor without an account may connect, for public rooms only (the portal's live view).
	socket ??= new DeferredSocket(options);
	users += 1;
	return socket;
}

export function releaseSocket() {
	users -= 1;
	if (users <= 0 && socket) {
		socket.close();
		socket = null;
		users = 0;
	}
}
