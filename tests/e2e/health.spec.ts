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
