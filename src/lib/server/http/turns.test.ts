import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createTurns, readerGone } from './turns';

/**
 * Readers on a loopback port, in a worker thread (an event loop of their own, so the server's loop is
 * the test's alone): REGULARS keep-alive connections ask for a page again as soon as they have one;
 * once those have had a few rounds, NEWCOMERS connections open at once, each asking for one page.
 * Every answer carries its place in the order in which the server served pages; the worker reports,
 * for each newcomer, how many pages the server served between the newcomers' arrival and its page.
 */
const READERS = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const { port, regulars, newcomers } = workerData;
let lastSeq = 0;
let stop = false;
const ask = (socket) => socket.write('GET /page HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n');
// Answers are "HTTP/1.1 200 OK ... \\r\\n\\r\\n<seq>\\n": one number per response body.
const onAnswers = (socket, each) => {
	let buffer = '';
	socket.on('data', (chunk) => {
		buffer += chunk.toString('latin1');
		for (;;) {
			const body = buffer.indexOf('\\r\\n\\r\\n');
			const end = body === -1 ? -1 : buffer.indexOf('\\n', body + 4);
			if (end === -1) break;
			const seq = Number(buffer.slice(body + 4, end));
			buffer = buffer.slice(end + 1);
			lastSeq = Math.max(lastSeq, seq);
			each(seq);
		}
	});
};
const open = [];
for (let i = 0; i < regulars; i++) {
	const socket = net.connect(port, '127.0.0.1', () => ask(socket));
	onAnswers(socket, () => { if (!stop) ask(socket); });
	open.push(socket);
}
const started = setInterval(() => {
	if (lastSeq < regulars * 3) return;
	clearInterval(started);
	const arrival = lastSeq;
	const waited = [];
	for (let i = 0; i < newcomers; i++) {
		const socket = net.connect(port, '127.0.0.1', () => ask(socket));
		onAnswers(socket, (seq) => {
			waited.push(seq - arrival);
			socket.destroy();
			if (waited.length === newcomers) {
				stop = true;
				for (const s of open) s.destroy();
				parentPort.postMessage(waited.sort((a, b) => a - b));
			}
		});
	}
}, 1);
`;

const REGULARS = 10;
const NEWCOMERS = 20;
const PAGE_MS = 4;

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/**
 * Listens on a loopback port, runs `script` in a worker thread with `{ port, ...data }`, and returns its
 * first message, after giving the server a few turns to start or skip what is still queued (before
 * any connection is closed here).
 */
async function readersOf<T>(server: Server, script: string, data: object = {}): Promise<T> {
	servers.push(server);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	const worker = new Worker(script, { eval: true, workerData: { port, ...data } });
	try {
		const message = await new Promise<T>((resolve, reject) => {
			worker.once('message', resolve);
			worker.once('error', reject);
		});
		for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 10));
		return message;
	} finally {
		server.closeAllConnections();
		await worker.terminate();
	}
}

/** A server whose every page costs PAGE_MS of its thread (as rendering does), started at once or in turns. */
function pagesFor(start: (serve: () => void) => void): Promise<number[]> {
	let seq = 0;
	const page = (_req: IncomingMessage, res: ServerResponse) => {
		const until = performance.now() + PAGE_MS;
		while (performance.now() < until);
		res.end(`${++seq}\n`);
	};
	const server = createServer((req, res) => start(() => page(req, res)));
	// The readers' sockets are destroyed without a goodbye: close() must not wait for them.
	server.keepAliveTimeout = 100;
	return readersOf<number[]>(server, READERS, { regulars: REGULARS, newcomers: NEWCOMERS });
}

describe('requests taking turns (server.ts)', () => {
	it('lets readers arriving together in within a round of those already reading, where a busy loop lets them in one per round', async () => {
		// A round: every connection open has had one page. The last newcomer is let in after at most
		// one page per newcomer (one connection accepted per turn) and waits behind, at most, one page
		// of every connection open: two rounds. Without turns each turn serves everyone ready, so the
		// newcomers come in one per round, and the last waits about as many rounds as there are of them.
		const round = REGULARS + NEWCOMERS;
		const turns = createTurns();
		const fair = await pagesFor((serve) => turns.take(serve));
		expect(fair).toHaveLength(NEWCOMERS);
		expect(fair.at(-1)).toBeLessThanOrEqual(2 * round);

		const greedy = await pagesFor((serve) => serve());
		expect(greedy.at(-1)).toBeGreaterThan(2 * round);
	});

	it('starts requests in the order they came, one per turn of the event loop', async () => {
		const turns = createTurns();
		const order: string[] = [];
		for (const name of ['a', 'b', 'c']) turns.take(() => order.push(name));
		expect(turns.waiting).toBe(3);
		// Nothing starts in the turn that queued them.
		expect(order).toEqual([]);
		await new Promise((r) => setImmediate(r));
		expect(order).toEqual(['a']);
		// One more each turn, with I/O between (here, the immediate queued after each start).
		await new Promise((r) => setImmediate(r));
		expect(order).toEqual(['a', 'b']);
		await new Promise((r) => setImmediate(r));
		expect(order).toEqual(['a', 'b', 'c']);
		expect(turns.waiting).toBe(0);
		turns.take(() => order.push('d'));
		await new Promise((r) => setImmediate(r));
		expect(order).toEqual(['a', 'b', 'c', 'd']);
	});

	it('skips a request no one waits for any more, without spending a turn on it', async () => {
		const turns = createTurns();
		const order: string[] = [];
		let gaveUp = false;
		turns.take(() => order.push('a'), () => gaveUp);
		turns.take(() => order.push('b'), () => false);
		gaveUp = true;
		await new Promise((r) => setImmediate(r));
		expect(order).toEqual(['b']);
		expect(turns.waiting).toBe(0);
	});

	it('skips the page of a reader whose connection closed while it waited, on a real server', async () => {
		// Three readers already connected. The first asks for a page that holds the server's thread;
		// meanwhile the second asks for a page, and the third asks for one and closes its connection.
		// The second page is served; the third, behind it, is never started.
		const turns = createTurns();
		const started: string[] = [];
		const server = createServer((req, res) =>
			turns.take(
				() => {
					started.push(req.url ?? '');
					const until = performance.now() + (req.url === '/slow' ? 150 : 50);
					while (performance.now() < until);
					res.end('ok');
				},
				() => readerGone(req)
			)
		);
		await readersOf(
			server,
			`const net = require('node:net');
			const { parentPort, workerData } = require('node:worker_threads');
			const ask = (socket, path) => socket.write('GET ' + path + ' HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
			const [slow, next, quitter] = [0, 1, 2].map(() => net.connect(workerData.port, '127.0.0.1'));
			next.once('data', () => parentPort.postMessage('served'));
			// Once all three are let in (the server is idle: a turn or three).
			setTimeout(() => {
				ask(slow, '/slow');
				setTimeout(() => ask(next, '/next'), 30);
				setTimeout(() => ask(quitter, '/given-up'), 60);
				setTimeout(() => quitter.destroy(), 90);
			}, 100);`
		);
		expect(started).toEqual(['/slow', '/next']);
	});
});
