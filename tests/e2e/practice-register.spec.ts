import { expect, test, type APIRequestContext } from '@playwright/test';
import Database from 'better-sqlite3';
import { client, DB_PATH, pageData } from './http';

/**
 * Issue 13: decisions taken in a practice space never reach the real world, checked through HTTP as
 * people and the public read it. In two practice runs (a copy of L'Aventurière and the multi-stakeholder
 * body), a trainee opens and closes the prepared vote, so each practice space has a decision in its own
 * register. Their pages do not point to indicators, which a practice space has none of. Then the
 * register pages of the real residence and the real body, the public organisation pages, the
 * transparency portal and its open-data exports (JSON, CSV) are read: none shows it.
 */

const TRAINER = 'nadia.formatrice@ccaura.demo';
const BODY_QUESTION = 'Ouvrir les lieux le samedi avec un binôme bénévole-salarié';
const RESIDENCE_QUESTION = 'Quelle première action mener ensemble';
const LCP = '/o/reseau-des-lieux-collectifs-de-proximite';
const LCP_BODY = `${LCP}/b/comite-de-pilotage-du-reseau-des-lcp`;

function read<T>(sql: string, ...args: unknown[]): T {
	const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
	try {
		return db.prepare(sql).get(...args) as T;
	} finally {
		db.close();
	}
}

/** Starts a session from a shipped scenario; returns the session's page and the code. */
async function start(nadia: APIRequestContext, training: string, scenarioId: string, title: string) {
	const res = await nadia.post(`/t/${training}?/start`, { form: { scenarioId, title } });
	expect(res.status(), `start ${scenarioId}`).toBe(303);
	const page = res.headers()['location']!;
	const view = (await pageData(nadia, page)).data.at(-1) as { session: { code: string }; run: { spaceId: string } };
	return { page, code: view.session.code, spaceId: view.run.spaceId };
}

/** The trainee opens the run's prepared vote and closes it at once: the closing writes the decision. */
async function decideIn(trainee: APIRequestContext, spaceId: string, question: string) {
	const c = read<{ id: string }>('select id from consultations where space_id = ? and question like ?', spaceId, `${question}%`);
	expect((await trainee.post(`/c/${c.id}/manage?/open`, { form: {} })).status()).toBe(200);
	expect((await trainee.post(`/c/${c.id}/manage?/close`, { form: {} })).status()).toBe(200);
	const d = read<{ id: string } | undefined>('select id from decisions where consultation_id = ?', c.id);
	expect(d, 'the closed practice vote is a decision of the practice space').toBeTruthy();
	return d!.id;
}

/** Neither the decision's id nor its words in what this path answers (status as expected). */
async function absent(ctx: APIRequestContext, path: string, status: number, ...needles: string[]) {
	const res = await ctx.get(path);
	expect(res.status(), path).toBe(status);
	const text = await res.text();
	for (const n of needles) expect(text, `${path} must not show ${n}`).not.toContain(n);
}

test('decisions of practice spaces never reach the registers of real spaces, the portal or the open-data exports', async () => {
	test.setTimeout(120_000);
	const training = read<{ id: string }>("select t.id from training_sessions t join organisations o on o.id = t.organisation_id where o.kind = 'training'").id;
	const ccaura = read<{ slug: string }>("select slug from organisations where kind = 'training'").slug;
	const julienId = read<{ id: string }>("select id from users where username = 'julien'").id;
	const nadia = await client(TRAINER);
	const julien = await client('julien');

	// A practice body: Julien joins first and chairs it, so he may open and close its vote.
	const body = await start(nadia, training, 'shipped:instance:fr', 'Registre — instance');
	expect((await julien.post(`/t/${training}?/join`, { form: { code: body.code } })).status()).toBe(303);
	const bodyDecision = await decideIn(julien, body.spaceId, BODY_QUESTION);
	const bodySlug = read<{ slug: string; practice: number }>('select slug, practice from bodies where id = ?', body.spaceId);
	expect(bodySlug.practice).toBe(1);
	// Inside the practice body, its own register shows the decision (so what follows is a real exclusion).
	const inside = await julien.get(`/b/${body.spaceId}/register`);
	expect(inside.status()).toBe(200);
	expect(await inside.text()).toContain(BODY_QUESTION);

	// A practice copy of L'Aventurière: the trainer makes Julien the agency's facilitator to run the vote.
	const residence = await start(nadia, training, 'shipped:aventuriere:fr', 'Registre — résidence');
	expect((await julien.post(`/t/${training}?/join`, { form: { code: residence.code } })).status()).toBe(303);
	expect((await nadia.post(`${residence.page}?/assign`, { form: { userId: julienId, roleKey: 'agent' } })).status()).toBe(200);
	const residenceDecision = await decideIn(julien, residence.spaceId, RESIDENCE_QUESTION);

	// A practice space has no indicators (their door refuses it): its pages do not point there.
	for (const path of [`/r/${residence.spaceId}`, `/surveys/residence/${residence.spaceId}`, `/activities/residence/${residence.spaceId}`]) {
		await absent(julien, path, 200, `/indicators/residence/${residence.spaceId}`);
	}
	await absent(julien, `/b/${body.spaceId}`, 200, `/indicators/body/${body.spaceId}`);
	expect(await (await julien.get(`/r/${residence.spaceId}`)).text(), 'the residence page says why').toContain('ses données ne comptent jamais');
	expect((await julien.get(`/indicators/residence/${residence.spaceId}`)).status()).toBe(400);
	expect(await (await julien.get(`/r/${residence.spaceId}/register`)).text()).toContain(RESIDENCE_QUESTION);

	// The real residence's register, as its staff and as a tenant who is also a trainee.
	const real = read<{ id: string }>("select id from residences where practice = 0 and name like 'L%Aventuri%'").id;
	// Its staff are pointed to its indicators, from the same pages (so the absence above is the practice marker's doing).
	const claire = await client('claire.martin@lmh.demo');
	for (const path of [`/r/${real}`, `/surveys/residence/${real}`, `/activities/residence/${real}`]) {
		const res = await claire.get(path);
		expect(res.status(), path).toBe(200);
		expect(await res.text(), path).toContain(`/indicators/residence/${real}`);
	}
	await claire.dispose();
	for (const who of ['claire.martin@lmh.demo', 'amina']) {
		const ctx = await client(who);
		await absent(ctx, `/r/${real}/register`, 200, residenceDecision, bodyDecision, RESIDENCE_QUESTION, BODY_QUESTION);
		await absent(ctx, `/r/${real}/register/__data.json`, 200, residenceDecision, bodyDecision);
		await ctx.dispose();
	}

	// The real body's register, as its chair.
	const realBody = read<{ id: string }>("select id from bodies where slug = 'comite-de-pilotage-du-reseau-des-lcp'").id;
	const sophie = await client('sophie.leroy@lcp.demo');
	await absent(sophie, `/b/${realBody}/register`, 200, bodyDecision, residenceDecision, BODY_QUESTION);
	await sophie.dispose();

	// The public side, with no account: organisation pages, the portal and its open data.
	const anyone = await client();
	await absent(anyone, `/o/${ccaura}`, 200, body.spaceId, bodySlug.slug, residence.spaceId, BODY_QUESTION);
	for (const path of ['', '/register.json', '/register.csv', '/minutes.json', '/minutes.csv']) {
		await absent(anyone, `/o/${ccaura}/b/${bodySlug.slug}${path}`, 404, BODY_QUESTION, bodyDecision);
		await absent(anyone, `${LCP_BODY}${path}`, 200, BODY_QUESTION, bodyDecision, RESIDENCE_QUESTION, residenceDecision);
	}
	await absent(anyone, LCP, 200, BODY_QUESTION, bodySlug.slug);

	for (const ctx of [nadia, julien, anyone]) await ctx.dispose();
});
