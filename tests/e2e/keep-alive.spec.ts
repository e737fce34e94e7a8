import { Agent, get, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { expect, test } from '@playwright/test';

/**
 * The built server keeps an idle keep-alive connection open for 65 s (src/server.ts), longer than a
 * proxy in front keeps its own idle connections to it. With Node's default of 5 s, the server closed
 * it first, and a request sent on it at that moment got a reset instead of an answer: in this suite,
 * `socket hang up` on a reader's next page after a pause of a few seconds.
 */
function request(agent: Agent, path: string): Promise<{ res: IncomingMessage; reused: boolean; socket: Socket }> {
	const url = new URL(path, test.info().project.use.baseURL);
	return new Promise((resolve, reject) => {
		const req = get(url, { agent }, (res) => {
			// The connection it came on (the response lets go of it once read).
			const socket = res.socket;
			res.resume();
			res.on('end', () => resolve({ res, reused: req.reusedSocket, socket }));
			res.on('error', reject);
		});
		req.on('error', reject);
	});
}

test('an idle connection is still open after Node’s default five seconds, and carries the next request', async () => {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const first = await request(agent, '/healthz');
		expect(first.res.statusCode).toBe(200);
		expect(first.reused).toBe(false);
		expect(String(first.res.headers['keep-alive'])).toContain('timeout=65');
		let closed = false;
		first.socket.once('close', () => (closed = true));

		await new Promise((resolve) => setTimeout(resolve, 6_000));
		expect(closed).toBe(false);
		const second = await request(agent, '/healthz');
		expect(second.res.statusCode).toBe(200);
		expect(second.reused).toBe(true);
	} finally {
		agent.destroy();
	}
});
