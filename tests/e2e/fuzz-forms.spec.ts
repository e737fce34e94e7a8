import { expect, test, type APIRequestContext } from '@playwright/test';
import fc from 'fast-check';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { client, residenceId, rowCounts } from './http';

/**
 * Issue 7 "Tests": malformed bodies to EVERY form action of the built app, as a guest and as a
 * signed-in tenant, against the running server. The actions are read from the build SvelteKit
 * serves (each route's compiled `+page.server.ts`), so a new action is fuzzed without editing this.
 * Nothing may answer 5xx and no table may gain or lose a row.
 */

const PAGES = fileURLToPath(new URL('../../.svelte-kit/output/server/entries/pages/', import.meta.url));

interface Target {
	route: string;
	action: string;
}

async function formActions(): Promise<Target[]> {
	const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
	const targets: Target[] = [];
	for (const file of walk(PAGES).filter((f) => f.endsWith('_page.server.ts.js'))) {
		const mod = (await import(pathToFileURL(file).href)) as { actions?: Record<string, unknown> };
		if (!mod.actions) continue;
		// entries/pages/r/_id_/board/_page.server.ts.js → /r/[id]/board
		const route = '/' + relative(PAGES, file).split(sep).slice(0, -1).map((s) => s.replace(/^_(.+)_$/, '[$1]')).join('/');
		for (const action of Object.keys(mod.actions)) targets.push({ route, action });
	}
	return targets;
}

/** Real ids where a route needs them, so requests reach the action's code rather than a 404. */
function urlFor(t: Target, ids: { residence: string; body: string; proposal: string; consultation: string }) {
	const path = t.route
		.replace(/^\/r\/\[id\]/, `/r/${ids.residence}`)
		.replace(/^\/b\/\[id\]/, `/b/${ids.body}`)
		.replace('[pid]', ids.proposal)
		.replace('[cid]', ids.consultation)
		// Join codes and invitations: a wrong one, so a lucky body never creates an account.
		.replace(/\[[a-z]+\]/g, 'fuzz-nope');
	return t.action === 'default' ? path : `${path}?/${t.action}`;
}

/** Stands for a 300 KB field; expanded when sent so that a failure report stays readable. */
const HUGE = '<300 KB of x>';
const expand = (v: string) => (v === HUGE ? 'x'.repeat(300_000) : v);

// Field names the app uses, minus `password`: sign-in, join and reset all need one to pass their schema,
// and a body that passed would count against this address's throttle and slow every later test.
const names = fc.constantFrom('username', 'title', 'description', 'body', 'reason', 'proposalId', 'commentId', 'status', 'on', 'index', 'eventId', 'locale', 'redirectTo', 'code', 'validDays', 'userId', 'role', 'choice', 'ranking', 'option.0.label', 'option.0.photo', 'planHeight', 'pin.x', 'id', '__proto__', 'constructor', '');
const values = fc.oneof(
	fc.string(),
	fc.string({ unit: 'binary', maxLength: 200 }),
	fc.constantFrom('', 'null', 'undefined', '-1', '1e309', 'NaN', 'true', '[object Object]', '../../etc/passwd', '<script>alert(1)</script>', '=1+2', '\u202e', '\u0000'),
	fc.integer().map(String),
	fc.constant(HUGE)
);
const fields = fc.array(fc.tuple(names, values), { maxLength: 6 });
const bytes = fc.uint8Array({ maxLength: 2000 });

type Body = { contentType?: string; data?: Buffer | string; form?: Record<string, string>; multipart?: Record<string, string | { name: string; mimeType: string; buffer: Buffer }> };

const bodies: fc.Arbitrary<Body> = fc.oneof(
	fields.map((f) => ({ form: Object.fromEntries(f) })),
	fc.tuple(fields, bytes).map(([f, b]) => ({ multipart: { ...Object.fromEntries(f), file: { name: 'x.png', mimeType: 'image/png', buffer: Buffer.from(b) } } })),
	fc.tuple(fc.constantFrom('text/plain', 'application/json', 'application/octet-stream', 'multipart/form-data', 'multipart/form-data; boundary=zz', 'application/x-www-form-urlencoded', 'image/png', 'x/y'), bytes).map(([contentType, b]) => ({
		contentType,
		data: Buffer.from(b)
	})),
	fc.constantFrom<Body>(
		{ contentType: 'multipart/form-data; boundary=zz', data: '--zz\r\nContent-Disposition: form-data; name="title"\r\n\r\ntrunc' },
		{ contentType: 'application/json', data: '{"title": [1, {"a": null}]' },
		{ contentType: 'application/x-www-form-urlencoded', data: '%E0%A4%A=%%%&&&=' }
	)
);

async function send(ctx: APIRequestContext, url: string, body: Body, accept: string) {
	const headers: Record<string, string> = { accept };
	if (body.contentType) headers['content-type'] = body.contentType;
	const form = body.form && Object.fromEntries(Object.entries(body.form).map(([k, v]) => [k, expand(v)]));
	const multipart = body.multipart && Object.fromEntries(Object.entries(body.multipart).map(([k, v]) => [k, typeof v === 'string' ? expand(v) : v]));
	return ctx.post(url, { headers, data: body.data, form, multipart, failOnStatusCode: false });
}

/** Refused: an error status, or an action failure (JSON answers carry it in the body with a 200). */
async function refused(res: Awaited<ReturnType<typeof send>>): Promise<boolean> {
	if (res.status() >= 400) return true;
	if (!(res.headers()['content-type'] ?? '').includes('application/json')) return false;
	const body = (await res.json()) as { type?: string };
	return body.type === 'failure' || body.type === 'error';
}

test('malformed bodies to every form action: never a 5xx, and a refused request writes nothing', async () => {
	test.setTimeout(300_000);
	const targets = await formActions();
	expect(targets.length).toBeGreaterThan(30);
	const amina = await client('amina');
	const residence = await residenceId(amina);
	const proposal = (await (await amina.get(`/r/${residence}/board`)).text()).match(/\/board\/p\/([A-Za-z0-9_-]+)/)?.[1] ?? 'none';
	const consultation = (await (await amina.get(`/r/${residence}/consultations`)).text()).match(/href="\/c\/([A-Za-z0-9_-]+)"/)?.[1] ?? 'none';
	const ids = { residence, body: 'fuzz-body', proposal, consultation };
	const actors: [string, APIRequestContext][] = [
		['guest', await client()],
		['tenant', amina]
	];
	let refusals = 0;
	for (const [who, ctx] of actors) {
		for (const t of targets) {
			// Signing out ends the tenant's session whatever the body: the guest covers that action.
			if (who === 'tenant' && t.route === '/logout') continue;
			const url = urlFor(t, ids);
			await fc.assert(
				fc.asyncProperty(bodies, fc.constantFrom('text/html', 'application/json'), async (body, accept) => {
					const before = rowCounts();
					const res = await send(ctx, url, body, accept);
					expect(res.status(), `${who} → ${url}`).toBeLessThan(500);
					// A random body may by chance be a valid comment or idea; one that was refused wrote nothing.
					if (await refused(res)) {
						refusals++;
						if (JSON.stringify(rowCounts()) === JSON.stringify(before)) return;
						// The server also writes on its own (notices after an earlier commit, reminders on a
						// timer): a refused request that really wrote writes again when sent again.
						await new Promise((r) => setTimeout(r, 300));
						const again = rowCounts();
						const res2 = await send(ctx, url, body, accept);
						expect(await refused(res2), `${who} → ${url} refused once, accepted the second time`).toBe(true);
						expect(rowCounts(), `${who} → ${url} refused but wrote`).toEqual(again);
					}
				}),
				{ numRuns: 12 }
			);
		}
	}
	// Most random bodies are refused: if not, the property above would be checking almost nothing.
	expect(refusals).toBeGreaterThan(targets.length * 12);
});
