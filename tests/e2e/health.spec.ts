import { expect, test } from '@playwright/test';

/** The built server's probes for a load balancer: JSON, never cached, no personal data. */
test('GET /healthz and GET /readyz answer on the built server', async ({ request }) => {
	const live = await request.get('/healthz');
	expect(live.status()).toBe(200);
	expect(live.headers()['cache-control']).toBe('no-store');
	expect(await live.json()).toEqual({ status: 'ok' });

	const ready = await request.get('/readyz');
	expect(ready.status()).toBe(200);
	expect(ready.headers()['cache-control']).toBe('no-store');
	const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: { applied: number; expected: number } }> };
	expect(body.status).toBe('ready');
	expect(body.checks.database?.ok).toBe(true);
	expect(body.checks.migrations?.ok).toBe(true);
	expect(body.checks.migrations?.detail?.applied).toBe(body.checks.migrations?.detail?.expected);
});

/**
 * A raw file opened in a browser (a probe's JSON, the indicators' schema), a bookmark or a feed reader
 * names no icon, so the browser asks for /favicon.ico by itself: it is sent to the pages' own icon
 * instead of a 404 in its console and in the server's logs.
 */
test('GET /favicon.ico leads to the pages’ icon', async ({ request }) => {
	const icon = await request.get('/favicon.ico', { maxRedirects: 0 });
	expect(icon.status()).toBe(301);
	expect(icon.headers()['location']).toBe('/favicon.svg');
	const svg = await request.get('/favicon.ico');
	expect(svg.status()).toBe(200);
	expect(svg.headers()['content-type']).toContain('image/svg+xml');
	expect(await svg.text()).toContain('<svg');
});
