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
	return createAdapter(client, {
		streamName: `${prefix}socket.io`,
		channelPrefix: `${prefix}socket.io`,
		sessionKeyPrefix: `${prefix}sio:session:`,
		...options
	});
}

export function redisState({ commands, open, prefix, clock }: RedisStateOptions): SharedState {
	return {
		mode: 'redis',
		bus: createClusterBus({ publisher: commands, subscriber: open('bus subscriber', false), prefix }),
		limiter: new RedisAttemptLimiter(commands, clock, `${prefix}attempts:`),
		lock: createRedisLock(commands, { prefix }),
		// Its own connection that holds commands during an outage: the adapter reads the stream in a
		// loop and would spin on immediate failures.
		socketAdapter: () => streamsAdapter(open('socket.io adapter', false), prefix)
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
