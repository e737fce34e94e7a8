/**
 * Tests of the cluster mode run against the real local Redis (REDIS_TEST_URL, default
 * redis://127.0.0.1:6379). Each run uses its own key prefix and deletes its keys afterwards, so
 * parallel test files and other sessions sharing the server never see each other.
 */
import { randomBytes } from 'node:crypto';
import { redisClient, type RedisClient } from '../shared/redis';

export const TEST_REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
	/** Unique to this run: `tib-test:<random>:`. */
	prefix: string;
	/** Opens a connection (one per simulated node); closed by `cleanup`. */
	connect(name?: string, failFast?: boolean): Promise<RedisClient>;
	/** Deletes every key under the prefix and closes the connections. */
	cleanup(): Promise<void>;
}

/** `prefix`: join a run another process started (a node in a child process). */
export function testRedis(prefix = `tib-test:${randomBytes(6).toString('hex')}:`): TestRedis {
	const clients: RedisClient[] = [];
	return {
		prefix,
		async connect(name = 'test', failFast = true) {
			const client = redisClient({ url: TEST_REDIS_URL, name, failFast });
			await client.connect();
			clients.push(client);
			return client;
		},
		async cleanup() {
			const admin = redisClient({ url: TEST_REDIS_URL, name: 'cleanup' });
			await admin.connect();
			const keys: string[] = [];
			for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
			if (keys.length > 0) await admin.del(keys);
			admin.destroy();
			for (const c of clients.splice(0)) if (c.isOpen) c.destroy();
		}
	};
}
