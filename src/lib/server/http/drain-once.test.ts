import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import compression from 'compression';
import { setResponse } from '@sveltejs/kit/node';
import { afterEach, describe, expect, it } from 'vitest';
import { drainOnceThroughCompression } from './drain-once';

/** A page the size of a board of 800 ideas, in 16 KB chunks as SvelteKit streams it. */
const CHUNKS = 110;
const chunk = (i: number) => `<li class="card">Idée numéro ${i} : ${'un banc à l’ombre près de l’aire de jeux '.repeat(380)}</li>\n`.slice(0, 16_000);
const page = () =>
	new Response(
		new ReadableStream({
			start(controller) {
				for (let i = 0; i < CHUNKS; i++) controller.enqueue(new TextEncoder().encode(chunk(i)));
				controller.close();
			}
		}),
		{ headers: { 'content-type': 'text/html; charset=utf-8' } }
	);

/**
 * The server as src/server.ts runs it: `compression`, then SvelteKit's own `setResponse`, on a real
 * socket; the reader waits before reading, so that the compressed stream fills and writes wait for
 * 'drain' many times over.
 */
function serve(fixed: boolean): Promise<Server> {
	const compress = compression({ threshold: 1024 }) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
	const server = createServer((req, res) =>
		compress(req, res, () => {
			if (fixed) drainOnceThroughCompression(res);
			void setResponse(res, page());
		})
	);
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function fetchSlowly(server: Server): Promise<string> {
	const { port } = server.address() as AddressInfo;
	return new Promise((resolve, reject) => {
		const req = request({ host: '127.0.0.1', port, path: '/', headers: { 'accept-encoding': 'gzip' } }, (res) => {
			expect(res.headers['content-encoding']).toBe('gzip');
			res.pause();
			const parts: Buffer[] = [];
			const gunzip = createGunzip();
			gunzip.on('data', (d: Buffer) => parts.push(d));
			gunzip.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
			gunzip.on('error', reject);
			// Read a little at a time, with pauses: the server's writes meet a full buffer again and again.
			res.on('data', (d: Buffer) => {
				gunzip.write(d);
				res.pause();
				setTimeout(() => res.resume(), 1);
			});
			res.on('end', () => gunzip.end());
			setTimeout(() => res.resume(), 50);
		});
		req.on('error', reject);
		req.end();
	});
}

describe('waiting for drain behind compression', () => {
	let server: Server | undefined;
	const warnings: string[] = [];
	const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
	afterEach(async () => {
		process.off('warning', onWarning);
		await new Promise((resolve) => server?.close(resolve));
	});

	for (const fixed of [false, true]) {
		it(fixed ? 'with one listener: the whole page, in order, and no listener left behind' : 'as compression leaves it: the listeners pile up on the zlib stream (the reason for the fix)', async () => {
			warnings.length = 0;
			process.on('warning', onWarning);
			server = await serve(fixed);
			const body = await fetchSlowly(server);
			// Node reports the warning on the next tick.
			await new Promise((resolve) => setImmediate(resolve));
			expect(body).toBe(Array.from({ length: CHUNKS }, (_, i) => chunk(i)).join(''));
			const leaks = warnings.filter((w) => w.includes('MaxListenersExceededWarning') && w.includes('drain'));
			if (fixed) expect(leaks).toEqual([]);
			else expect(leaks.length).toBeGreaterThan(0);
		});
	}
});
