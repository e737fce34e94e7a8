/**
 * The socket.io adapter's stream reads (src/lib/server/shared/index.ts, `streamsAdapter`): a broadcast
 * another node adds to the stream while this node has no read waiting at Redis still reaches this
 * node's sockets. Real Redis, a real socket.io server on a loopback port, the other node a child
 * process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '$lib/server/collab/testing-peer';
import { runChecks } from '$lib/server/health';
import { readingStream, streamsAdapter, clusterCheck } from '$lib/server/shared';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '$lib/server/testing/redis';

/** The other node: the adapter as the package ships it, under the same names; `<ms>` on stdin broadcasts after that delay. */
const OTHER_NODE = `
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
const prefix = process.env.PREFIX;
const client = createClient({ url: process.env.REDIS_URL });
await client.connect();
const io = new Server({ adapter: createAdapter(client, { streamName: prefix + 'socket.io', channelPrefix: prefix + 'socket.io', sessionKeyPrefix: prefix + 'sio:session:' }) });
let n = 0;
process.stdin.on('data', (d) => {
	setTimeout(() => {
		io.to('r').emit('ping', ++n);
		setTimeout(() => process.stdout.write('sent ' + n + '\\n'), 100);
	}, Number(String(d).trim()));
});
process.stdout.write('ready\\n');
`;

describe('the adapter’s stream reads', () => {
	let redis: TestRedis | undefined;
	let other: ChildProcessWithoutNullStreams | undefined;
	let server: Server | undefined;
	let socket: Socket | undefined;
	afterEach(async () => {
		socket?.disconnect();
		other?.kill();
		await server?.close();
		await redis?.cleanup();
	});

	it('a broadcast added to the stream while no read of this node waits at Redis still reaches its sockets', async () => {
		redis = testRedis();
		const reader = await redis.connect('adapter', false);
		const http = createServer();
		server = new Server(http, { adapter: streamsAdapter(reader, redis.prefix, { blockTimeInMs: 100 }) });
		server.on('connection', (s) => void s.join('r'));
		await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
		socket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
		await new Promise<void>((resolve, reject) => (socket!.once('connect', () => resolve()), socket!.once('connect_error', reject)));
		const got: number[] = [];
		socket.on('ping', (n: number) => got.push(n));

		other = spawn(process.execPath, ['--input-type=module', '-e', OTHER_NODE], { env: { ...process.env, PREFIX: redis.prefix, REDIS_URL: TEST_REDIS_URL } });
		const lines = createInterface({ input: other.stdout });
		const said: string[] = [];
		lines.on('line', (l) => said.push(l));
		await until(() => said.includes('ready'), 10_000);

		// This node's event loop is held for a second (a long page, a busy moment) before any broadcast
		// reached it: its read ends empty at Redis after 100 ms and is asked again only once the loop is
		// free. The other node broadcasts 300 ms into that second, while nothing of this node waits at Redis.
		await new Promise((r) => setTimeout(r, 300));
		other.stdin.write('300\n');
		const end = Date.now() + 1000;
		while (Date.now() < end) {
			// held
		}
		await until(() => said.includes('sent 1'), 5000);
		await until(() => got.length === 1, 3000);
		// And one more while a read waits, as usual.
		other.stdin.write('0\n');
		await until(() => got.length === 2, 3000);
		expect(got).toEqual([1, 2]);
	});

	it('a node is ready for the load balancer only once its adapter reads the stream, not only once it subscribed', async () => {
		redis = testRedis();
		const commands = await redis.connect('commands');
		const reader = await redis.connect('adapter', false);
		server = new Server(createServer(), { adapter: streamsAdapter(reader, redis.prefix, { blockTimeInMs: 100 }) });
		// No read of the adapter has reached Redis yet: a broadcast added now would be taken as the
		// stream's last entry, already seen.
		expect(readingStream(reader)).toBe(false);
		await until(async () => (await runChecks([clusterCheck(commands, redis!.prefix, server!, reader)])).ready, 5000);
		expect(readingStream(reader)).toBe(true);
		// The same server, subscribed, asked about a connection no adapter reads on: not ready, and why.
		const unread = await redis.connect('no adapter', false);
		const answer = await runChecks([clusterCheck(commands, redis.prefix, server, unread)]);
		expect(answer.ready).toBe(false);
		expect(answer.checks.cluster).toMatchObject({ ok: false, detail: { subscribed: true, reading: false } });
	});
});
