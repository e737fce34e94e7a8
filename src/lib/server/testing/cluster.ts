/**
 * Several app nodes in one test process, as a cluster runs them: each node has its own database
 * connection (to the test app's database: the same SQLite file, or the same PostgreSQL database), its own services, bus
 * and socket.io server on its own loopback port, and they share the real local Redis under one
 * test-run prefix (signals, throttles, locks, the socket.io Redis Streams adapter).
 */
import { openDataStore } from '../db/open';
import { randomIds } from '../ids';
import { createServices, type Services } from '../services';
import { redisState, streamsAdapter, type SharedState } from '../shared';
import type { ClusterBus } from '../shared/bus';
import { startRealtimeServer, type RealtimeServer, type TestApp } from '.';
import { TEST_REDIS_URL, type TestRedis } from './redis';
import { redisClient, type RedisClient } from '../shared/redis';

export interface TestNode {
	services: Services;
	shared: SharedState;
	bus: ClusterBus;
	server: RealtimeServer;
	/** The connection given to the server's socket.io adapter (what `/readyz`'s cluster check asks about its reads). */
	adapterClient: RedisClient;
	close(): Promise<void>;
}

/** Starts one node on `app`'s database (a SQLite file or a PostgreSQL URL) (fixtures created through `app` are seen by every node). */
export async function startNode(app: TestApp, redis: TestRedis, name: string): Promise<TestNode> {
	const commands = await redis.connect(`${name} commands`);
	const opened: ReturnType<typeof redisClient>[] = [];
	const shared = redisState({
		commands,
		open: (what, failFast) => {
			const client = redisClient({ url: TEST_REDIS_URL, name: `${name} ${what}`, failFast });
			opened.push(client);
			void client.connect();
			return client;
		},
		prefix: redis.prefix,
		clock: app.clock
	});
	const bus = shared.bus as ClusterBus;
	await bus.listening;
	const store = await openDataStore(app.file, { poolSize: 4 });
	const services = createServices(
		{ db: store.db, data: store.data, clock: app.clock, ids: randomIds, bus, lock: shared.lock, ...(shared.limiter ? { limiter: shared.limiter } : {}) },
		{ consultations: { ballotBox: { windowMs: 5, tallyEveryMs: 5 } } }
	);
	// The adapter reads the stream with short blocking reads here, so the test run ends quickly.
	const adapterClient = redisClient({ url: TEST_REDIS_URL, name: `${name} adapter`, failFast: false });
	await adapterClient.connect();
	opened.push(adapterClient);
	const server = await startRealtimeServer({ ...app, services }, { adapter: streamsAdapter(adapterClient, redis.prefix, { blockTimeInMs: 300 }) });
	return {
		services,
		shared,
		bus,
		server,
		adapterClient,
		async close() {
			await server.close();
			await bus.close();
			// Close gracefully: commands still in flight (a blocking stream read, a lock renewal) finish
			// instead of being rejected with nobody left to catch them; destroy only what hangs.
			await Promise.all(opened.map((c) => shut(c)));
			await services.settled();
			await store.close();
		}
	};
}

async function shut(client: ReturnType<typeof redisClient>): Promise<void> {
	if (!client.isOpen) return;
	const closed = client.close().then(
		() => true,
		() => true
	);
	const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref());
	if (!(await Promise.race([closed, timedOut])) && client.isOpen) client.destroy();
}
