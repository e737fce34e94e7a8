/**
 * The Redis connections of a node in the cluster mode (REDIS_URL set), and the readiness check a
 * load balancer asks through `/readyz`. Client library: node-redis (`redis`), the one the socket.io
 * Redis Streams adapter is tested with.
 *
 * A Redis outage never crashes the process: errors are logged (once per outage, not once per retry),
 * the client reconnects by itself with a capped backoff, and commands sent meanwhile fail at once
 * (`disableOfflineQueue`), so the request that needed Redis gets the usual localised "try again"
 * instead of hanging.
 */
import { createClient } from 'redis';
import { config } from '../config';
import { log } from '../log';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisOptions {
	url: string;
	/** For the logs: which connection of the node this is. */
	name: string;
	/**
	 * Fail commands at once while disconnected (the default), or hold them until Redis is back (the
	 * socket.io adapter's blocking stream reader wants the latter, or it would spin while Redis is down).
	 */
	failFast?: boolean;
}

/** Reconnection delays: 50 ms, 100 ms… up to 2 s between tries, for as long as it takes. */
export const reconnectDelay = (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000);

/** A client that logs its outages and recovers by itself. Not yet connected: call `connect()`. */
export function redisClient({ url, name, failFast = true }: RedisOptions): RedisClient {
	const client = createClient({
		url,
		disableOfflineQueue: failFast,
		socket: { connectTimeout: 2000, reconnectStrategy: reconnectDelay }
	});
	let down = false;
	client.on('error', (err: unknown) => {
		if (down) return;
		down = true;
		log.error('redis unreachable', { connection: name, err: String(err) });
	});
	client.on('ready', () => {
		if (down) log.info('redis reachable again', { connection: name });
		down = false;
	});
	return client;
}

/** Connects in the background: the first failure is logged and retried like any later one. */
export function connectInBackground(client: RedisClient, name: string): RedisClient {
	client.connect().catch((err: unknown) => log.error('redis connection failed', { connection: name, err: String(err) }));
	return client;
}

/** Whether a client answers a PING within `timeoutMs`. */
export async function answers(client: RedisClient, timeoutMs = 1000): Promise<boolean> {
	if (!client.isReady) return false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
		return await Promise.race([client.ping().then((r) => r === 'PONG'), timeout]);
	} catch {
		return false;
	} finally {
		clearTimeout(timer);
	}
}

const COMMANDS_KEY = Symbol.for('tib.redis.commands');

/**
 * The node's command connection (throttles, locks, signals), opened on first use. Null when
 * REDIS_URL is unset: the node then keeps its live state in memory.
 */
export function sharedRedis(): RedisClient | null {
	const url = config().REDIS_URL;
	if (!url) return null;
	const g = globalThis as Record<symbol, RedisClient | undefined>;
	g[COMMANDS_KEY] ??= connectInBackground(redisClient({ url, name: 'commands' }), 'commands');
	return g[COMMANDS_KEY];
}

/**
 * Readiness for `/readyz`: true when this node does not use Redis (REDIS_URL unset), else whether
 * Redis answers now.
 */
export async function redisReady(): Promise<boolean> {
	const client = sharedRedis();
	return client ? answers(client) : true;
}

/** The dependency checks this module offers to `/readyz`, by name. */
export const checks: Record<string, () => Promise<boolean>> = { redis: redisReady };
