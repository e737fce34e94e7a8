import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';
import { sessionCookie, createTestApp, startRealtimeServer, type RealtimeServer, type TestApp } from '$lib/server/testing';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A fresh app and a real socket.io server on a loopback port for every test, torn down after it with
 * every client the test opened. `signedIn(userId)` resolves once that person's socket is connected.
 */
export function liveHarness() {
	let app: TestApp | undefined;
	let server: RealtimeServer | undefined;
	const clients: Client[] = [];

	beforeEach(async () => {
		app = createTestApp();
		server = await startRealtimeServer(app);
	});
	afterEach(async () => {
		for (const c of clients.splice(0)) c.disconnect();
		await server?.close();
		await app?.close();
	});

	return {
		get app(): TestApp {
			if (!app) throw new Error('liveHarness: used outside a test');
			return app;
		},
		get server(): RealtimeServer {
			if (!server) throw new Error('liveHarness: used outside a test');
			return server;
		},
		async signedIn(userId: string): Promise<Client> {
			const socket: Client = connect(this.server.url, { extraHeaders: { cookie: await sessionCookie(this.app, userId) }, transports: ['websocket'], forceNew: true });
			clients.push(socket);
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
			return socket;
		}
	};
}
