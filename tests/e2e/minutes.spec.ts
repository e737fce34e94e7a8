import { expect, test, type Page } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext, screenshot } from './fixtures';

/**
 * The minutes cycle on the demo body: November's minutes are in their amendment window. A member
 * proposes an amendment, the secretary accepts it, closes the window, the chair adopts, the secretary
 * publishes; a guest without an account reads the chain and verifies it in the browser (and sees
 * which link breaks in a tampered file). A decision's follow-up is updated and shows on the portal.
 */

const CHAIR = 'sophie.leroy@lcp.demo';
const SECRETARY = 'marc.guerin@lcp.demo';
const PORTAL = '/o/reseau-des-lieux-collectifs-de-proximite';

async function novemberMinutes(page: Page) {
	await page.goto('/');
	await page.getByRole('link', { name: /Comité de pilotage du réseau des LCP/ }).first().click();
	await page.getByRole('link', { name: 'Voir les réunions' }).click();
	await page.getByRole('link', { name: 'Comité de pilotage — novembre' }).click();
	await page.getByTestId('minutes-link').click();
	await expect(page.getByRole('heading', { level: 1, name: /Procès-verbal : Comité de pilotage — novembre/ })).toBeVisible();
}

test('amend, adopt, publish, and a guest verifies the chain', async ({ browser }) => {
	test.setTimeout(180_000);
	// A member who attended proposes an amendment during the window.
	const member = await newSignedInContext(browser, 'fatou', { viewport: DESKTOP });
	await novemberMinutes(member.page);
	await expect(member.page.getByTestId('minutes-status')).toHaveText('Ouvert aux amendements');
	await member.page.getByLabel('Partie du texte').selectOption({ label: 'Nouvelles des sept LCP' });
	await member.page.getByLabel('Passage à modifier').fill('deux nouveaux ateliers');
	await member.page.getByLabel(/Texte proposé/).fill('trois nouveaux ateliers');
	await member.page.getByRole('button', { name: 'Envoyer l’amendement' }).click();
	await expect(member.page.getByText('Amendement envoyé.')).toBeVisible();
	await checkPage(member.page, 'minutes-amendment');

	// The secretary accepts both pending amendments, each with a reason, and closes the window.
	const secretary = await newSignedInContext(browser, SECRETARY, { viewport: DESKTOP });
	await novemberMinutes(secretary.page);
	for (let i = 0; i < 2; i++) {
		const pending = secretary.page.getByTestId('amendment').filter({ hasText: 'En attente' }).first();
		await pending.getByLabel(/Réponse/).fill('Conforme aux notes de séance.');
		await pending.getByRole('button', { name: 'Accepter' }).click();
		await expect(secretary.page.getByText('Enregistré.')).toBeVisible();
	}
	await expect(secretary.page.getByTestId('minutes-text')).toContainText('trois nouveaux ateliers');
	await secretary.page.getByRole('button', { name: 'Clore la période d’amendement maintenant' }).click();
	await expect(secretary.page.getByTestId('minutes-status')).toHaveText('Soumis, en attente d’adoption');

	// The chair adopts; adopting twice is not offered; the secretary publishes.
	const chair = await newSignedInContext(browser, CHAIR, { viewport: DESKTOP });
	await novemberMinutes(chair.page);
	await chair.page.getByRole('button', { name: 'Adopter le procès-verbal' }).click();
	await expect(chair.page.getByTestId('minutes-status')).toHaveText('Adopté');
	await expect(chair.page.getByRole('button', { name: 'Adopter le procès-verbal' })).toHaveCount(0);
	await secretary.page.reload();
	await secretary.page.getByRole('button', { name: 'Publier' }).click();
	await expect(secretary.page.getByTestId('minutes-status')).toHaveText('Publié');
	const hash = (await secretary.page.getByTestId('version-hash').first().textContent())?.trim() ?? '';
	expect(hash).toMatch(/^[0-9a-f]{64}$/);
	await checkPage(secretary.page, 'minutes-published');

	// The print view: A4, the version's hash on the page (screenshot in print media).
	await secretary.page.getByRole('link', { name: /Version imprimable/ }).click();
	await expect(secretary.page.getByTestId('print-footer')).toContainText(hash);
	await checkPage(secretary.page, 'minutes-print');
	await secretary.page.emulateMedia({ media: 'print' });
	await screenshot(secretary.page, 'minutes-print-media');
	await expect(secretary.page.getByRole('button', { name: /Imprimer/ })).toBeHidden();

	// A decision's follow-up is updated by the chair...
	await chair.page.goto(chair.page.url().replace(/\/meetings\/.*$/, '/register'));
	const budget = chair.page.getByTestId('decision').filter({ hasText: 'Adopter le budget 2027' });
	await budget.locator('summary').click();
	await budget.getByLabel('État').selectOption({ label: 'En cours' });
	await budget.getByLabel('Avancement (%)').fill('40');
	await budget.getByLabel('Note de suivi').fill('Premier versement reçu.');
	await budget.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(chair.page.getByText('Suivi enregistré.')).toBeVisible();
	await checkPage(chair.page, 'register');

	// ...and a guest without an account reads all of it on the portal and verifies the chain.
	const guest = await browser.newContext({ viewport: DESKTOP });
	const page = await guest.newPage();
	await page.goto(PORTAL);
	await page.getByRole('link', { name: /Portail de transparence/ }).click();
	await expect(page.getByTestId('chain').locator('li')).toHaveCount(3);
	await expect(page.getByTestId('chain')).toContainText(hash);
	await expect(page.getByTestId('public-decision').filter({ hasText: 'Adopter le budget 2027' })).toContainText('Premier versement reçu.');
	await page.getByRole('button', { name: 'Vérifier la chaîne' }).click();
	await expect(page.getByTestId('verify-result')).toContainText('Chaîne intacte : 3 versions vérifiées');
	await checkPage(page, 'portal');
	const portal = page.url();

	// A tampered file: the button names the version whose link breaks.
	await page.route('**/minutes.json', async (route) => {
		const res = await route.fetch();
		const file = await res.json();
		file.versions[1].content = file.versions[1].content.replace('jardin', 'parking');
		await route.fulfill({ response: res, json: file });
	});
	await page.getByRole('button', { name: 'Vérifier la chaîne' }).click();
	await expect(page.getByTestId('verify-result')).toContainText('Chaîne rompue à la version 2');
	await page.unroute('**/minutes.json');

	// A published version reads on its own page, without an account.
	await page.goto(`${portal}/minutes/3`);
	await expect(page.getByRole('article')).toContainText('trois nouveaux ateliers');
	await checkPage(page, 'portal-version');
	for (const c of [member.context, secretary.context, chair.context, guest]) await c.close();
});

test('a missing portal or version is a plain 404; open data is served without an account', async ({ request }) => {
	const r = await request.get(`${PORTAL}/b/no-such-body`);
	expect(r.status()).toBe(404);
	const v = await request.get(`${PORTAL}/b/comite-de-pilotage-du-reseau-des-lcp/minutes/abc`);
	expect(v.status()).toBe(404);
	const chain = await request.get(`${PORTAL}/b/comite-de-pilotage-du-reseau-des-lcp/minutes.json`);
	expect(chain.status()).toBe(200);
	expect((await chain.json()).schema).toBe('minutes-chain/v1');
	const csv = await request.get(`${PORTAL}/b/comite-de-pilotage-du-reseau-des-lcp/register.csv`);
	expect(await csv.text()).toContain('id,title,method');
});

test('attacks through the form doors change nothing', async () => {
	const { client, DB_PATH } = await import('./http');
	const Database = (await import('better-sqlite3')).default;
	const db = new Database(DB_PATH, { readonly: true });
	const read = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T;
	const nov = read<{ id: string; body_id: string }>("select id, body_id from meetings where title = 'Comité de pilotage — novembre'");
	const dec = read<{ id: string }>("select id from meetings where title = 'Comité de pilotage — décembre'");
	const state = () => read<{ status: string; n: number; a: number }>('select m.status, (select count(*) from minutes_versions) n, (select count(*) from minutes_amendments) a from minutes m where m.meeting_id = ?', nov.id);
	const before = state();
	const page = `/b/${nov.body_id}/meetings/${nov.id}/minutes`;

	const member = await client('fatou');
	expect((await member.post(`${page}?/adopt`, { form: {} })).status()).toBe(403);
	expect((await member.post(`${page}?/correct`, { form: { content: 'forged', what: 'x', why: 'y' } })).status()).toBe(403);
	expect((await member.post(`${page}?/amend`, { form: { section: 'general', passage: 'Séance', suggestion: 'x' } })).status()).toBe(400);
	const secretary = await client(SECRETARY);
	expect((await secretary.post(`${page}?/publish`, { form: {} })).status()).toBe(409);
	expect((await secretary.post(`/b/${nov.body_id}/meetings/${dec.id}/minutes?/publish`, { form: {} })).status()).toBe(400);
	expect((await secretary.post(`${page}?/submit`, { form: { windowDays: 'many' } })).status()).toBe(400);
	const guest = await client();
	expect([401, 403]).toContain((await guest.post(`${page}?/correct`, { form: { content: 'forged', what: 'x', why: 'y' } })).status());
	expect(state()).toEqual(before);

	// A follow-up belongs to its owner and the body's officers.
	const decision = read<{ id: string; progress: number }>("select d.id, f.progress from decisions d join decision_follow_ups f on f.decision_id = d.id where d.title like 'Adopter le calendrier%'");
	expect((await member.post(`/b/${nov.body_id}/register?/followUp`, { form: { decisionId: decision.id, status: 'abandoned', progress: '0', abandonReason: 'pirate', reviewAt: '', note: '' } })).status()).toBe(403);
	expect(read<{ progress: number }>('select progress from decision_follow_ups where decision_id = ?', decision.id).progress).toBe(decision.progress);
	db.close();
});
