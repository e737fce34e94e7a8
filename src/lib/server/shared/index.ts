/**
 * Where a node keeps its live state. REDIS_URL unset: in its own memory, as a single node always
 * did. Set: in Redis, shared by every node — the throttles (limiter.ts), the locks of scheduled work
 * (lock.ts), the signals of the bus (bus.ts) and socket.io's rooms, broadcasts and recovery sessions
 * (the Redis Streams adapter). The list of what still lives in one process is in the README.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { AttemptLimiter } from '../auth/rate-limit';
import type { Clock } from '../ids';
import { createLocalBus, type EventBus } from '../realtime/bus';
import { createClusterBus } from './bus';
import { RedisAttemptLimiter } from './limiter';
import { createMemoryLock, createRedisLock, type TaskLock } from './lock';
import { connectInBackground, redisClient, sharedRedis, type RedisClient } from './redis';
import { CheckFailed, type HealthCheck } from '../health';

/** What `new Server(http, { adapter })` takes. */
export type SocketAdapter = ReturnType<typeof createAdapter>;

export interface SharedState {
	mode: 'memory' | 'redis';
	bus: EventBus;
	/** Absent in memory: each service keeps its own `MemoryAttemptLimiter`. */
	limiter?: AttemptLimiter;
	lock: TaskLock;
	/** The socket.io adapter for this node's server (absent: socket.io's in-memory one). */
	socketAdapter?: () => SocketAdapter;
	/** `/readyz`'s check that the adapter of `io` (this node's server) has joined the cluster's channels. */
	socketReadiness?: (io: AdaptedServer) => HealthCheck;
}

export interface RedisStateOptions {
	/** The node's commands connection (fail-fast). */
	commands: RedisClient;
	/** Opens another connection to the same Redis (for SUBSCRIBE and the adapter's blocking reads). */
	open: (name: string, failFast: boolean) => RedisClient;
	prefix: string;
	clock: Clock;
}

/** The socket.io Redis Streams adapter, its keys and channels under the deployment's prefix. */
export function streamsAdapter(client: RedisClient, prefix: string, options: { blockTimeInMs?: number } = {}): SocketAdapter {
	return createAdapter(gaplessReads(client), {
		streamName: `${prefix}socket.io`,
		channelPrefix: channelPrefix(prefix),
		sessionKeyPrefix: `${prefix}sio:session:`,
		...options
	});
}

const channelPrefix = (prefix: string) => `${prefix}socket.io`;

/** One stream of an `XREAD`, as node-redis takes it. */
interface StreamAsked {
	key: string;
	id: string;
}
type XRead = (streams: StreamAsked | StreamAsked[], options?: object) => Promise<unknown>;

/**
 * The adapter's stream reads without their gap (@socket.io/redis-streams-adapter 0.3). Until it has
 * read its first entry, the adapter reads the stream from `$` (what is added from now on), and asks
 * `$` again after each empty blocking read: an entry another node added between Redis answering the
 * empty read and this node's next read was never delivered here (an event loop held at that moment
 * widens that gap to however long it is held; a node of a quiet cluster stays in that state until a
 * first broadcast comes through). tests/integration/stream-reads.test.ts loses a broadcast that way.
 * Once it has an entry it reads on from that entry's id, with no gap. The adapter reads on
 * connections it duplicates from the one it is given: this gives it one whose duplicates read `$` as
 * the stream's last entry at their first read (its beginning when it has none), the same entry at
 * every read until the adapter has one of its own: nothing came after it while the reads were empty.
 */
const GAPLESS = Symbol('gapless stream reads');
/** On an adapter's connection: set once one of its readers knows where to read the stream from. */
const READING = Symbol('stream read');

type Gapless = RedisClient & { [GAPLESS]?: true; [READING]?: true };

/**
 * Whether the adapter given this connection reads the cluster's stream: one of its readers knows the
 * entry it reads on from (its first read asked Redis for the stream's last entry). Until then a
 * broadcast another node adds is taken as that last entry, already seen, and never delivered here.
 */
export function readingStream(client: RedisClient): boolean {
	return (client as Gapless)[READING] === true;
}

function gaplessReads(client: RedisClient): RedisClient {
	const marked = client as Gapless;
	if (marked[GAPLESS]) return client;
	marked[GAPLESS] = true;
	const duplicate = client.duplicate.bind(client);
	const readers = ((...args: Parameters<RedisClient['duplicate']>) => {
		const reader = duplicate(...args);
		const read = (reader.xRead as unknown as XRead).bind(reader);
		/** Per stream: its last entry when this reader first asked for `$`. */
		const start = new Map<string, string>();
		const from = async ({ key, id }: StreamAsked): Promise<StreamAsked> => {
			if (id !== '$') return { key, id };
			let known = start.get(key);
			if (known === undefined) {
				const [top] = await reader.xRevRange(key, '+', '-', { COUNT: 1 });
				start.set(key, (known = top?.id ?? '0-0'));
				marked[READING] = true;
			}
			return { key, id: known };
		};
		(reader as unknown as { xRead: XRead }).xRead = async (streams, options) =>
			read(await Promise.all((Array.isArray(streams) ? streams : [streams]).map(from)), options);
		return reader;
	}) as RedisClient['duplicate'];
	// On the client itself, not a wrapper: the adapter also writes through it (XADD, PUBLISH), and
	// node-redis's methods expect the client as `this`. It is the adapter's own connection.
	client.duplicate = readers;
	return client;
}

/** A socket.io server, as far as the readiness check reads it. */
export interface AdaptedServer {
	of(namespace: '/'): { adapter: object };
}

/**
 * `/readyz`'s `cluster` check: ready once this node's socket.io adapter has subscribed to the cluster's
 * channels (Redis pub/sub: the nodes' questions to one another and each node's own channel, where the
 * answers to its questions come back), that is once Redis counts a subscriber on this node's own
 * channel (PUBSUB NUMSUB), and reads the cluster's stream, the broadcasts (`readingStream` of the
 * connection given to the adapter, `adapterClient`). The adapter subscribes and reads on connections
 * of its own, opened when the server starts. Before it subscribed the node hears no question and its
 * own questions lose their answers: a presence list asked then counted only this node's people, for up
 * to 5 s. Before it reads, a broadcast to a room of its people is lost (see `gaplessReads`). The load
 * balancer (`npm run cluster`'s HAProxy) sends people to a node only once it is ready.
 *
 * The channel is the adapter's own naming (`<prefix>#<namespace>#<server id>#`, @socket.io/redis-streams-adapter
 * 0.3) and the server id is socket.io-adapter's `uid`, not part of its typed API: tests/integration/cluster.test.ts
 * checks that a node becomes ready, so a version that names them otherwise fails there, not in production.
 */
export function clusterCheck(commands: RedisClient, prefix: string, io: AdaptedServer, adapterClient: RedisClient): HealthCheck {
	return {
		name: 'cluster',
		async run() {
			const uid = (io.of('/').adapter as { uid?: unknown }).uid;
			if (typeof uid !== 'string') throw new Error('the socket.io adapter has no server id');
			const channel = `${channelPrefix(prefix)}#/#${uid}#`;
			const subscribed = Number((await commands.pubSubNumSub(channel))[channel] ?? 0) > 0;
			// Read after Redis answered: a reader that knew its start before then still knows it.
			const reading = readingStream(adapterClient);
			if (!subscribed) throw new CheckFailed('not yet subscribed to the cluster channels', { subscribed, reading });
			if (!reading) throw new CheckFailed('not yet reading the cluster stream', { subscribed, reading });
		}
	};
}

export function redisState({ commands, open, prefix, clock }: RedisStateOptions): SharedState {
	/** The connection given to this node's adapter (socketAdapter is called once per server). */
	let adapterClient: RedisClient | undefined;
	return {
		mode: 'redis',
		bus: createClusterBus({ publisher: commands, subscriber: open('bus subscriber', false), prefix }),
		limiter: new RedisAttemptLimiter(commands, clock, `${prefix}attempts:`),
		lock: createRedisLock(commands, { prefix }),
		// Its own connection that holds commands during an outage: the adapter reads the stream in a
		// loop and would spin on immediate failures.
		socketAdapter: () => streamsAdapter((adapterClient = open('socket.io adapter', false)), prefix),
		socketReadiness: (io) => {
			if (!adapterClient) throw new Error('socketReadiness before socketAdapter: the server has no Redis adapter');
			return clusterCheck(commands, prefix, io, adapterClient);
		}
	};
}

export const memoryState = (): SharedState => ({ mode: 'memory', bus: createLocalBus(), lock: createMemoryLock() });

/** The node's shared state as configured (REDIS_URL, REDIS_PREFIX). */
export function sharedState(cfg: { REDIS_URL?: string; REDIS_PREFIX: string }, clock: Clock): SharedState {
	const commands = sharedRedis();
	if (!cfg.REDIS_URL || !commands) return memoryState();
	const url = cfg.REDIS_URL;
	return redisState({
		commands,
		open: (name, failFast) => connectInBackground(redisClient({ url, name, failFast }), name),
		prefix: cfg.REDIS_PREFIX,
		clock
	});
}
