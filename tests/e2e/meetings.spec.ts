import { expect, test, type Browser, type Page } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext, PHONE, signIn } from './fixtures';
import { client } from './http';

/**
 * A governance meeting of the LCP committee: the chair, the secretary and a member in three
 * browsers, plus the projector; and a member without JavaScript who checks in and raises a hand.
 */

const CHAIR = 'sophie.leroy@lcp.demo';
const SECRETARY = 'marc.guerin@lcp.demo';

async function meetingsPage(page: Page) {
	await page.goto('/');
	await page.getByRole('link', { name: /Comité de pilotage du réseau des LCP/ }).first().click();
	await page.getByRole('link', { name: 'Voir les réunions' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Réunions' })).toBeVisible();
}

/** The chair schedules a meeting for today with two items, opens it and starts the first item. */
async function scheduleAndOpen(browser: Browser, title: string) {
	const chair = await newSignedInContext(browser, CHAIR, { viewport: DESKTOP });
	const page = chair.page;
	await meetingsPage(page);
	await page.getByLabel('Titre').fill(title);
	await page.getByLabel('Date et heure (heure de Paris)').fill(new Date().toISOString().slice(0, 10) + 'T18:00');
	await page.getByLabel('Lieu').fill('Maison de quartier');
	await page.getByRole('button', { name: 'Programmer une réunion' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	const url = page.url();
	for (const [item, kind] of [['Accueil et nouvelles', 'Information'], ['Adopter la charte', 'Décision']] as const) {
		const details = page.locator('details').filter({ has: page.locator('#item-title') });
		if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
		await page.getByLabel('Intitulé du point').fill(item);
		await page.getByLabel('Type de point').selectOption({ label: kind });
		await page.getByRole('button', { name: 'Ajouter un point' }).click();
		await expect(page.getByRole('listitem').filter({ hasText: item })).toBeVisible();
	}
	return { chair, url };
}

test.describe('meetings', () => {
	test('a short meeting with the chair, the secretary, a member and the projector', async ({ browser }) => {
		// Four pages and axe at two widths: slow on a busy machine (not a timing goal).
		test.slow();
		const { chair, url } = await scheduleAndOpen(browser, 'Comité e2e');
		await checkPage(chair.page, 'meeting-agenda');
		await meetingsPage(chair.page);
		await checkPage(chair.page, 'meetings-list');

		const secretary = await newSignedInContext(browser, SECRETARY, { viewport: DESKTOP });
		const member = await newSignedInContext(browser, 'fatou', { viewport: PHONE });
		const projector = await chair.context.newPage();
		await chair.page.goto(`${url}/room`);
		await secretary.page.goto(`${url}/room`);
		await member.page.goto(`${url}/room`);
		await projector.goto(`${url}/projector`);
		for (const p of [chair.page, secretary.page, member.page]) await expect(p.getByRole('status').filter({ hasText: 'En direct' })).toBeVisible();

		await chair.page.getByRole('button', { name: 'Ouvrir la séance' }).click();
		// Live on the member's phone, without reloading.
		await expect(member.page.getByTestId('meeting-status')).toHaveText('En cours');

		for (const name of ['Sophie Leroy', 'Marc Guérin', 'Fatou S.'])
			await secretary.page.getByRole('button', { name: `Pointer l’arrivée de ${name}` }).click();
		await expect(member.page.getByTestId('quorum')).toHaveAttribute('data-met', 'true');
		await expect(projector.getByTestId('quorum')).toHaveAttribute('data-met', 'true');

		await chair.page.getByRole('button', { name: 'Point suivant' }).click();
		await expect(projector.getByTestId('projector-item')).toHaveText('Accueil et nouvelles');

		await member.page.getByRole('button', { name: 'Lever la main' }).click();
		await expect(chair.page.getByTestId('queue')).toContainText('Fatou S.');
		// A point of order from the secretary goes to the head of the list.
		await secretary.page.getByLabel('Type d’intervention').first().selectOption({ label: 'Motion d’ordre' });
		await secretary.page.getByRole('button', { name: 'Lever la main' }).click();
		await expect(chair.page.getByTestId('queue').getByRole('listitem').first()).toContainText('Marc Guérin');

		await chair.page.getByRole('button', { name: 'Donner la parole au suivant' }).click();
		await expect(projector.getByTestId('current-speaker')).toContainText('Marc Guérin');
		await expect(member.page.getByTestId('current-speaker')).toContainText('Marc Guérin');
		await expect(projector.getByTestId('speakers').getByTestId('timer')).toBeVisible();

		await checkPage(chair.page, 'meeting-room-chair');
		await checkPage(member.page, 'meeting-room-member');
		await checkPage(projector, 'meeting-projector');

		// The calendar invitation downloads as an .ics file.
		const ics = await chair.page.request.get(`${url}/meeting.ics`);
		expect(ics.headers()['content-type']).toContain('text/calendar');
		expect(await ics.text()).toContain('SUMMARY:Comité e2e');

		for (const c of [chair.context, secretary.context, member.context]) await c.close();
	});

	test('a member without JavaScript checks in and raises a hand', async ({ browser }) => {
		const { chair, url } = await scheduleAndOpen(browser, 'Comité sans JS');
		await chair.page.goto(`${url}/room`);
		await chair.page.getByRole('button', { name: 'Ouvrir la séance' }).click();
		await chair.page.getByRole('button', { name: 'Point suivant' }).click();
		await expect(chair.page.getByTestId('current-item')).toContainText('Accueil et nouvelles');

		const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
		const page = await context.newPage();
		await signIn(page, 'fatou');
		await page.goto(`${url}/room`);
		await page.getByRole('button', { name: 'Je suis là' }).click();
		await expect(page.getByRole('button', { name: 'Je suis là' })).toHaveCount(0);
		await page.getByRole('button', { name: 'Lever la main' }).click();
		await expect(page.getByText('Votre main est levée.')).toBeVisible();
		await chair.page.reload();
		await expect(chair.page.getByTestId('queue')).toContainText('Fatou S.');
		await context.close();
		await chair.context.close();
	});

	test('the demo committee has a past meeting with its results and an upcoming one', async ({ browser }) => {
		const { context, page } = await newSignedInContext(browser, 'fatou', { viewport: PHONE });
		await meetingsPage(page);
		await page.getByRole('link', { name: 'Comité de pilotage — novembre' }).click();
		await page.getByRole('link', { name: 'Entrer dans la salle' }).click();
		await expect(page.getByTestId('meeting-status')).toHaveText('Terminée');
		// The amendment was voted first, then the motion as amended.
		await expect(page.getByTestId('verdict')).toHaveText(['Adoptée', 'Adoptée']);
		await expect(page.getByTestId('motion').first()).toContainText('Amendement à');
		// Its projector shows no item in progress and no clock running on since it closed (it showed the
		// last item "overrun by 29602:56").
		await page.getByRole('link', { name: 'Vue projecteur' }).click();
		const projector = page.getByTestId('meeting-projector');
		await expect(projector.getByText('Terminée')).toBeVisible();
		await expect(projector.getByTestId('projector-item')).toHaveCount(0);
		await expect(projector.getByTestId('timer')).toHaveCount(0);
		await context.close();
	});

	test('an amendment is voted before its motion; the tally is weighted by college; the seats page', async ({ browser }) => {
		test.slow();
		const { chair, url } = await scheduleAndOpen(browser, 'Comité amendements');
		const page = chair.page;
		await page.goto(`${url}/room`);
		await page.getByRole('button', { name: 'Ouvrir la séance' }).click();
		await page.getByRole('button', { name: 'Pointer l’arrivée de Sophie Leroy' }).click();
		await page.getByRole('button', { name: 'Point suivant' }).click();
		await expect(page.getByTestId('current-item')).toContainText('Accueil et nouvelles');
		await page.getByRole('button', { name: 'Point suivant' }).click();
		await expect(page.getByTestId('current-item')).toContainText('Adopter la charte');
		await page.getByLabel('Texte de la motion').fill('Adopter la charte du réseau');
		await page.getByRole('button', { name: 'Déposer sans ouvrir le vote' }).click();
		const main = page.locator('[data-testid="motion"][data-amends=""]');
		await expect(main).toHaveAttribute('data-status', 'draft');
		await main.getByText('Proposer un amendement').click();
		await main.getByLabel('Texte de l’amendement').fill('Ajouter un article sur la parole des bénévoles');
		await main.getByRole('button', { name: 'Déposer l’amendement' }).click();
		const amendment = page.locator('[data-testid="motion"][data-amends]:not([data-amends=""])');
		await expect(amendment).toContainText('Amendement à');
		// The motion cannot be put to the vote before its amendment.
		await expect(main.getByText('Les amendements à cette motion doivent être votés d’abord.')).toBeVisible();
		await expect(main.getByRole('button', { name: 'Mettre au vote' })).toHaveCount(0);
		await amendment.getByRole('button', { name: 'Mettre au vote' }).click();
		await expect(amendment).toHaveAttribute('data-status', 'open');
		await expect(amendment.getByTestId('weighted')).toContainText('Pondéré par collège');
		await checkPage(page, 'meeting-room-amendment');
		await amendment.getByRole('button', { name: 'Clore le vote' }).click();
		await expect(amendment).toHaveAttribute('data-status', 'closed');
		await main.getByRole('button', { name: 'Mettre au vote' }).click();
		await expect(main).toHaveAttribute('data-status', 'open');

		// Seats, terms and substitutes: members read it, the chair changes a term.
		await meetingsPage(page);
		await page.getByRole('link', { name: 'Sièges, mandats et suppléances' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Sièges, mandats et suppléances' })).toBeVisible();
		await checkPage(page, 'meeting-seats');
		const fatou = page.locator('[data-testid="seat"][data-name="Fatou S."]');
		await fatou.getByText('Modifier le siège de Fatou S.').click();
		await fatou.getByLabel('Suppléant·e').selectOption({ label: 'Marc Guérin' });
		await fatou.getByRole('button', { name: 'Enregistrer' }).click();
		await expect(fatou).toContainText('Suppléant·e : Marc Guérin');
		await chair.context.close();
	});

	test('agenda documents: checked by their first bytes, downloaded by members only (a guest and a non-member are refused)', async ({ browser }) => {
		const { context, page } = await newSignedInContext(browser, SECRETARY, { viewport: DESKTOP });
		await meetingsPage(page);
		await page.getByRole('link', { name: 'Comité de pilotage — décembre' }).click();
		const item = 'Charte de fonctionnement démocratique du réseau';
		const row = page.locator('ol.agenda > li').filter({ hasText: item });
		const openForm = async () => {
			const details = row.locator('details');
			if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
		};
		await openForm();
		// An HTML page named .pdf is refused, whatever its name.
		await row.getByLabel('Document (PDF ou image)').setInputFiles({ name: 'charte.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
		await row.getByRole('button', { name: 'Joindre le document' }).click();
		await expect(page.getByText('Seuls les PDF et les images')).toBeVisible();
		await openForm();
		const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
		await row.getByLabel('Document (PDF ou image)').setInputFiles({ name: 'Projet de charte.pdf', mimeType: 'application/pdf', buffer: pdf });
		await row.getByRole('button', { name: 'Joindre le document' }).click();
		const link = page.getByTestId('document').filter({ hasText: 'Projet de charte.pdf' });
		await expect(link).toBeVisible();
		await checkPage(page, 'meeting-agenda-documents');
		const href = (await link.getAttribute('href'))!;

		const member = await client('fatou');
		const ok = await member.get(href);
		expect(ok.status()).toBe(200);
		expect(ok.headers()['content-disposition']).toContain('attachment');
		expect((await ok.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
		for (const outsider of [await client(), await client('amina')]) {
			const res = await outsider.get(href);
			expect([401, 403]).toContain(res.status());
			expect((await res.body()).includes(Buffer.from('%PDF-'))).toBe(false);
		}
		// Through another body's URL the document is not there either.
		const foreign = await member.get(href.replace(/^\/b\/[^/]+/, '/b/not-this-body'));
		expect(foreign.status()).toBe(404);
		await context.close();
	});

	test('the written thread of an item: a member without JavaScript posts, the chair hides a post with a reason', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
		const page = await context.newPage();
		await signIn(page, 'fatou');
		await meetingsPage(page);
		await page.getByRole('link', { name: 'Comité de pilotage — décembre' }).click();
		const row = page.locator('ol.agenda > li').filter({ hasText: 'Recrutement des deux professionnels' });
		await row.getByTestId('thread-link').click();
		await expect(page.getByRole('heading', { level: 1, name: 'Recrutement des deux professionnels de la plateforme' })).toBeVisible();
		await page.getByLabel('Votre message').fill('Je serai absente : je souhaite qu’un bénévole siège au jury.');
		await page.getByRole('button', { name: 'Publier' }).click();
		await expect(page.getByTestId('post')).toContainText('Je serai absente');
		const url = page.url().split('#')[0]!;
		expect(url).not.toContain('?');

		const chair = await newSignedInContext(browser, CHAIR, { viewport: DESKTOP });
		await chair.page.goto(url);
		await checkPage(chair.page, 'meeting-item-thread');
		await chair.page.getByText('Masquer le message de Fatou S.').click();
		await chair.page.getByLabel('Raison (montrée à tous)').fill('Test de modération');
		await chair.page.getByRole('button', { name: 'Masquer', exact: true }).click();
		await expect(chair.page.getByTestId('post')).toHaveAttribute('data-hidden', 'true');

		await page.reload();
		await expect(page.getByTestId('post')).toHaveCount(1);
		await expect(page.getByTestId('post')).toContainText('Message masqué par la modération : Test de modération');
		await expect(page.getByTestId('post')).not.toContainText('Je serai absente');
		await context.close();
		await chair.context.close();
	});
});
