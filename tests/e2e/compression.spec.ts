import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

/**
 * The built server compresses pages for browsers that accept it (src/server.ts), and leaves them
 * plain for those that do not. Read with Node's own http client so that the bytes on the wire are seen
 * as sent (Playwright's request context would decompress them).
 */
function raw(path: string, acceptEncoding: string | null): Promise<{ status: number; encoding: string | null; vary: string; etag: string | null; csp: string; body: Buffer }> {
	const url = new URL(path, test.info().project.use.baseURL);
	return new Promise((resolve, reject) => {
		const req = get(url, { headers: { 'accept-encoding': acceptEncoding ?? 'identity' } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: (res.headers['content-encoding'] as string | undefined) ?? null, vary: String(res.headers.vary ?? ''), etag: (res.headers.etag as string | undefined) ?? null, csp: String(res.headers['content-security-policy'] ?? ''), body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('error', reject);
	});
}

test('pages come gzip- or brotli-compressed when the browser accepts it, and plain otherwise', async () => {
	const plain = await raw('/', null);
	expect(plain.status).toBe(200);
	expect(plain.encoding).toBeNull();
	const html = plain.body.toString('utf8');
	expect(html).toContain('<html lang="fr"');

	const gzip = await raw('/', 'gzip');
	expect(gzip.encoding).toBe('gzip');
	expect(gzip.vary.toLowerCase()).toContain('accept-encoding');
	expect(gzip.body.byteLength).toBeLessThan(plain.body.byteLength);
	expect(gunzipSync(gzip.body).toString('utf8')).toContain('<html lang="fr"');

	const br = await raw('/', 'gzip, deflate, br');
	expect(br.encoding).toBe('br');
	expect(brotliDecompressSync(br.body).toString('utf8')).toContain('<html lang="fr"');

	// A page's data for the client router too.
	const data = await raw('/__data.json', 'gzip');
	expect(data.status).toBe(200);
	if (data.body.byteLength >= 1024) expect(data.encoding).toBe('gzip');
});

test('pages carry no ETag: each has a nonce of its own in its CSP, so none could ever be revalidated', async () => {
	// The server's build drops SvelteKit's hash of the whole HTML (vite.config.ts, noPageEtag).
	const page = await raw('/', null);
	expect(page.status).toBe(200);
	expect(page.csp).toMatch(/'nonce-[^']+'/);
	expect(page.etag).toBeNull();
	expect((await raw('/', null)).csp).not.toBe(page.csp);
});
