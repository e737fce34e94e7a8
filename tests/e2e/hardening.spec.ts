import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { client, residenceId, rowCounts } from './http';

/**
 * Issue 7 "Also" and finding 8, through plain HTTP against the running server: security headers,
 * malformed bodies, the language switch's redirect, and image uploads that would cost the server
 * seconds of CPU and hundreds of MB.
 */

test('every response carries the security headers; signed-in pages and their data are never cached', async () => {
	const guest = await client();
	for (const path of ['/', '/login', '/o/lyon-metropole-habitat']) {
		const res = await guest.get(path);
		const h = res.headers();
		expect(res.status(), path).toBe(200);
		expect(h['x-content-type-options'], path).toBe('nosniff');
		expect(h['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
		const csp = h['content-security-policy'] ?? '';
		expect(csp, path).toContain("frame-ancestors 'none'");
		expect(csp, path).toContain("object-src 'none'");
		// Scripts only from us, and SvelteKit's inline bootstrap through its per-response nonce.
		const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
		expect(scriptSrc, path).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
		expect(scriptSrc, path).not.toContain('unsafe-inline');
		const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1];
		expect(await res.text(), path).toContain(`nonce="${nonce}"`);
	}
	const amina = await client('amina');
	const id = await residenceId(amina);
	for (const path of [`/r/${id}/board`, `/r/${id}/board/__data.json`, `/r/${id}/board/projector`, '/notifications']) {
		const res = await amina.get(path);
		expect(res.status(), path).toBe(200);
		expect(res.headers()['cache-control'], path).toBe('no-store');
		expect(res.headers()['x-content-type-options'], path).toBe('nosniff');
	}
	// The projector is a full-screen page a facilitator might want to embed: it may not be framed either.
	expect((await amina.get(`/r/${id}/board/projector`)).headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('a malformed body is a 400 (or 415) with a message, never a 500, for guests and members', async () => {
	for (const who of [undefined, 'amina']) {
		const ctx = await client(who);
		const id = await residenceId(await client('amina'));
		const targets = ['/login', '/locale', `/r/${id}/board?/support`, '/notifications?/read'];
		for (const path of targets) {
			const attempts = [
				{ name: 'text/plain', headers: { 'content-type': 'text/plain' }, data: 'username=amina' },
				{ name: 'truncated multipart', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, data: '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nhal' },
				{ name: 'multipart without boundary', headers: { 'content-type': 'multipart/form-data' }, data: 'a=b' },
				{ name: 'JSON to a form action', headers: { 'content-type': 'application/json' }, data: '{"username":' }
			];
			for (const a of attempts) {
				for (const accept of ['text/html', 'application/json']) {
					const res = await ctx.post(path, { headers: { ...a.headers, accept }, data: a.data });
					const label = `${who ?? 'guest'} ${a.name} → ${path} (${accept})`;
					expect([400, 415], label).toContain(res.status());
					const body = await res.text();
					expect(body, label).not.toMatch(/TypeError|at .*\.js:\d+/);
					if (a.name !== 'JSON to a form action') expect(body, label).toMatch(/illisible|could not be read/);
				}
			}
		}
	}
});

test('the language switch only redirects to a path on this site', async () => {
	const ctx = await client();
	const hostile = ['//evil.example', '/\\evil.example', '/\t/evil.example', 'https://evil.example/', '/%09/evil.example', 'javascript:alert(1)', '\\\\evil.example'];
	for (const redirectTo of hostile) {
		const res = await ctx.post('/locale', { form: { locale: 'en', redirectTo } });
		expect(res.status(), redirectTo).toBe(303);
		const location = res.headers()['location'] ?? '';
		expect(new URL(location, 'http://127.0.0.1/').host, redirectTo).toBe('127.0.0.1');
		expect(location, redirectTo).toMatch(/^\/(?![/\\])/);
	}
	const ok = await ctx.post('/locale', { form: { locale: 'fr', redirectTo: '/o/lyon-metropole-habitat?x=1' } });
	expect(ok.headers()['location']).toBe('/o/lyon-metropole-habitat?x=1');
});

test('image bombs: a guest is refused before decoding, a member’s 7000 × 7000 PNG gets a clear message', async () => {
	test.setTimeout(60_000);
	// A plain 7000 × 7000 PNG compresses to a few hundred KB but decodes to ~150 MB.
	const bomb = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#ffffff' } }).png({ compressionLevel: 9 }).toBuffer();
	const amina = await client('amina');
	const id = await residenceId(amina);
	const before = rowCounts();

	const guest = await client();
	const photos = Array.from({ length: 12 }, (_, i) => [`option.${i}.photo`, { name: `b${i}.png`, mimeType: 'image/png', buffer: bomb }] as const);
	for (const [path, multipart] of [
		[`/r/${id}/board/new`, { title: 'Bombe', photo: { name: 'b.png', mimeType: 'image/png', buffer: bomb } }],
		[`/r/${id}/consultations/new?/create`, Object.fromEntries([['title', 'Bombe'], ...photos])],
		[`/r/${id}?/sitePlan`, { plan: { name: 'b.png', mimeType: 'image/png', buffer: bomb } }]
	] as const) {
		const res = await guest.post(path, { multipart });
		expect([401, 413], `guest → ${path}`).toContain(res.status());
	}
	// A tenant may not manage consultations or site plans: refused before the body is read.
	for (const path of [`/r/${id}/consultations/new?/create`, `/r/${id}?/sitePlan`]) {
		const res = await amina.post(path, { multipart: { title: 'Bombe', plan: { name: 'b.png', mimeType: 'image/png', buffer: bomb } } });
		expect(res.status(), `tenant → ${path}`).toBe(403);
	}

	// A member may propose with a photo, but not with this one: a clear, localised refusal.
	const res = await amina.post(`/r/${id}/board/new`, {
		headers: { accept: 'application/json' },
		multipart: { title: 'Un banc trop grand', category: 'other', photo: { name: 'b.png', mimeType: 'image/png', buffer: bomb } }
	});
	const body = (await res.json()) as { type: string; status: number; data: string };
	expect(body.type).toBe('failure');
	expect(body.status).toBe(413);
	expect(body.data).toContain('Cette image est trop grande');

	// More files than any form carries: refused as a whole.
	const tooMany = await amina.post(`/r/${id}/board/new`, { multipart: Object.fromEntries([['title', 'x'], ...Array.from({ length: 13 }, (_, i) => [`f${i}`, { name: `${i}.png`, mimeType: 'image/png', buffer: Buffer.from('x') }])]) });
	expect(tooMany.status()).toBe(413);
	expect(rowCounts()).toEqual(before);
});
