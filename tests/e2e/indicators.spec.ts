import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext, PHONE, screenshot } from './fixtures';

/**
 * Indicators and perception surveys (issue 14). axe runs in ordinary (JavaScript) contexts at 360
 * and 1280 px; the tenant's answer on a phone is played in a context with JavaScript turned off,
 * where axe cannot run (it is injected as a script), so that context only checks what a person sees.
 */

const STAFF = 'claire.martin@lmh.demo';

async function residenceUrl(page: Page): Promise<string> {
	await page.goto('/');
	const href = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	expect(href).toMatch(/^\/r\/[^/]+$/);
	return href!;
}

/** A day a month from now, as the date input expects it. */
const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

let links: string[] = [];

test('staff open the indicators, filter by building, download the CSV, print the annual report and make survey links', async ({ browser }) => {
	test.setTimeout(180_000);
	const { context, page } = await newSignedInContext(browser, STAFF, { viewport: DESKTOP });
	await page.goto(await residenceUrl(page));
	await page.getByRole('link', { name: 'Voir les indicateurs' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Indicateurs — L’Aventurière' })).toBeVisible();
	// A year of demo activity: charts drawn by Chart.js, each with its data table.
	await expect(page.locator('canvas').first()).toBeVisible();
	await expect(page.getByRole('table').first()).toBeAttached();
	await checkPage(page, 'indicators-residence');

	// Filter by building (a no-JS GET form).
	await page.getByLabel('Bâtiment', { exact: true }).selectOption({ index: 1 });
	const building = (await page.getByLabel('Bâtiment', { exact: true }).locator('option:checked').textContent())!.trim();
	await page.getByRole('button', { name: 'Afficher' }).click();
	await expect(page).toHaveURL(/building=/);
	await expect(page.getByRole('status').filter({ hasText: building })).toBeVisible();

	// A crafted period is refused with a clear message, and the default period is shown.
	const filtered = new URL(page.url());
	await page.goto(`${filtered.pathname}?from=2026-06-30&to=2026-01-01`);
	await expect(page.getByRole('alert')).toBeVisible();

	// CSV of the filtered page.
	await page.goto(filtered.toString());
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger en CSV' }).click()]);
	const csv = await readFile((await download.path())!, 'utf8');
	expect(csv.split('\n')[0]).toContain('indicator');
	expect(csv).toContain('participationAny');

	// The printable annual report, looked at as it prints.
	await page.getByRole('link', { name: 'Rapport annuel imprimable' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Rapport annuel \d{4} — L’Aventurière$/ })).toBeVisible();
	await checkPage(page, 'indicators-report');
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: 'Imprimer ou enregistrer en PDF' })).toBeHidden();
	await screenshot(page, 'indicators-report-print');
	await page.emulateMedia({ media: 'screen' });

	// Surveys: the staff member may run them, so the link is there.
	await page.goBack();
	await page.getByRole('link', { name: 'Enquêtes de perception' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Enquêtes de perception' })).toBeVisible();
	await checkPage(page, 'surveys-space');
	await page.getByLabel('Titre').fill('Bien-être e2e');
	await page.getByLabel('Modèle').selectOption({ label: 'Bien-être dans la résidence' });
	await page.getByLabel('Dernier jour pour répondre').fill(inAMonth());
	await page.getByRole('button', { name: 'Créer l’enquête' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Bien-être e2e' })).toBeVisible();
	await page.getByLabel('Nombre de liens').fill('3');
	await page.getByRole('button', { name: 'Créer les liens' }).click();
	await expect(page.getByRole('heading', { name: '3 coupons à imprimer' })).toBeVisible();
	await checkPage(page, 'surveys-sheet');
	links = await page.locator('.ticket .url a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
	expect(links).toHaveLength(3);

	// The answering page itself passes axe (in a JavaScript context, without signing in).
	const visitor = await browser.newContext({ viewport: PHONE });
	const anon = await visitor.newPage();
	await anon.goto(links[2]!);
	await expect(anon.getByRole('heading', { level: 1, name: 'Bien-être e2e' })).toBeVisible();
	await checkPage(anon, 'survey-answer');
	await visitor.close();
	// The same page on a device set to Arabic: right to left, fully translated (no notice), axe clean.
	const arabic = await browser.newContext({ viewport: PHONE });
	await arabic.addCookies([{ name: 'locale', value: 'ar', url: test.info().project.use.baseURL! }]);
	const ar = await arabic.newPage();
	await ar.goto(links[2]!);
	await expect(ar.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(ar.getByText('هل تشعر بالراحة في مسكنك؟')).toBeVisible();
	await expect(ar.getByRole('button', { name: 'إرسال أجوبتي' })).toBeVisible();
	await expect(ar.getByRole('note').filter({ hasText: 'غير مترجمة' })).toHaveCount(0);
	await checkPage(ar, 'arabic-survey-answer');
	await arabic.close();
	await context.close();
});

test('a tenant answers a pictogram survey on a phone without JavaScript; the link then says it was used', async ({ browser }) => {
	expect(links.length, 'the first test made the links').toBeGreaterThan(0);
	const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(links[0]!);
	await expect(page.getByRole('heading', { level: 1, name: 'Bien-être e2e' })).toBeVisible();
	await screenshot(page, 'survey-answer-nojs-360');
	// Sending with a question left blank: the browser's own required check stops it; fill every one.
	for (const group of await page.getByRole('group').all()) await group.locator('label.choice').last().click();
	await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
	await expect(page).toHaveURL(/\/q\/thanks$/);
	await expect(page.getByText('Merci ! Vos réponses sont enregistrées.')).toBeVisible();
	await screenshot(page, 'survey-thanks-nojs-360');
	await page.goto(links[0]!);
	await expect(page.getByText(/Ce lien a déjà servi/)).toBeVisible();
	// Another residence's address with this token: refused, nothing shown.
	await page.goto(links[1]!.replace(/\/q\/[^/]+\//, '/q/elsewhere/'));
	await expect(page.getByText(/autre résidence ou d’un autre groupe/)).toBeVisible();
	await context.close();
});

test('a body member sees the body’s indicators but no survey link (the policy does not let her run surveys or record activities)', async ({ browser }) => {
	const { context, page } = await newSignedInContext(browser, 'fatou', { viewport: PHONE });
	await page.goto('/');
	await page.getByRole('link', { name: /Comité de pilotage du réseau des LCP/ }).first().click();
	await page.getByRole('link', { name: 'Voir les indicateurs' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Indicateurs — Comité de pilotage/ })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Enquêtes de perception' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Activités et séances' })).toHaveCount(0);
	await checkPage(page, 'indicators-body-member');
	await context.close();
});

test('staff record an activity, a session and a named participant without JavaScript; the attendance indicator counts them', async ({ browser }) => {
	test.setTimeout(120_000);
	const noJs = await newSignedInContext(browser, STAFF, { viewport: PHONE, javaScriptEnabled: false });
	const page = noJs.page;
	await page.goto(await residenceUrl(page));
	await page.getByRole('link', { name: 'Activités et séances' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Activités — L’Aventurière' })).toBeVisible();
	const list = page.url();
	await page.getByLabel('Nom de l’activité').fill('Atelier vélo e2e');
	await page.getByLabel('Type d’activité').selectOption({ label: 'Autre' });
	await page.getByRole('button', { name: 'Créer l’activité' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Atelier vélo e2e' })).toBeVisible();
	const activity = page.url();
	await page.getByLabel('Nombre de personnes présentes').fill('4');
	await page.getByRole('button', { name: 'Enregistrer la séance' }).click();
	await expect(page.getByText('Séance enregistrée.', { exact: true })).toBeVisible();
	await expect(page.getByText('4 personnes présentes', { exact: true })).toBeVisible();
	await page.getByText('Nommer une personne présente').click();
	const person = 'Amina B.';
	await page.getByLabel('Personne', { exact: true }).selectOption({ label: person });
	await page.getByLabel('Statut').selectOption({ label: 'Bénévole' });
	await page.getByLabel('La personne est d’accord pour être nommée').check();
	await page.getByRole('button', { name: 'Ajouter' }).click();
	await expect(page.getByText('Personne ajoutée.', { exact: true })).toBeVisible();
	await expect(page.getByRole('button', { name: `Retirer ${person}` })).toBeVisible();
	await screenshot(page, 'activity-nojs-360');
	await noJs.context.close();

	// The same pages, with JavaScript, pass axe at both widths; the indicator counts the session.
	const { context, page: js } = await newSignedInContext(browser, STAFF, { viewport: DESKTOP });
	await js.goto(list);
	await checkPage(js, 'activities-list');
	await js.goto(activity);
	await js.getByText('Nommer une personne présente').click();
	await checkPage(js, 'activity');
	await js.goto(list.replace('/activities/', '/indicators/'));
	const row = js.getByRole('row', { name: /Atelier vélo e2e/ });
	await expect(row.getByRole('cell')).toHaveText(['1', '4', '1']);

	// A survey for the activity's participants, sent from its page: Amina finds her own link in her notifications.
	await js.goto(list.replace('/activities/', '/surveys/'));
	await js.getByLabel('Titre').fill('Le vélo e2e');
	await js.getByLabel('Modèle').selectOption({ label: 'Satisfaction sur une activité' });
	await js.getByLabel('Pour qui').selectOption({ label: 'Les participants d’une activité' });
	await js.getByLabel('Activité (pour ses participants)').selectOption({ label: 'Atelier vélo e2e' });
	await js.getByLabel('Dernier jour pour répondre').fill(inAMonth());
	await js.getByRole('button', { name: 'Créer l’enquête' }).click();
	await expect(js.getByRole('heading', { level: 1, name: 'Le vélo e2e' })).toBeVisible();
	await js.getByRole('button', { name: 'Envoyer les liens' }).click();
	await expect(js.getByText('1 personne a reçu son lien.')).toBeVisible();
	await checkPage(js, 'survey-send');
	await context.close();
	const tenant = await newSignedInContext(browser, 'amina', { viewport: PHONE });
	await tenant.page.goto('/notifications');
	await tenant.page.getByRole('link', { name: /Le vélo e2e/ }).first().click();
	await expect(tenant.page.getByRole('heading', { level: 1, name: 'Le vélo e2e' })).toBeVisible();
	await tenant.context.close();
});

test('staff choose what the public portal shows; anyone reads it with its definitions, and as open data', async ({ browser, request }) => {
	test.setTimeout(120_000);
	const { context, page } = await newSignedInContext(browser, STAFF, { viewport: DESKTOP });
	await page.goto(await residenceUrl(page));
	await page.getByRole('link', { name: 'Voir les indicateurs' }).click();
	const choice = page.getByRole('group', { name: 'Indicateurs publiés' });
	await choice.getByLabel('Ménages ayant voté', { exact: true }).check();
	await page.getByRole('button', { name: 'Enregistrer le choix' }).click();
	await expect(page.getByText('7 éléments publiés.')).toBeVisible();
	const portal = (await page.getByRole('link', { name: 'Voir sur le portail public' }).getAttribute('href'))!;
	await context.close();

	const visitor = await browser.newContext({ viewport: PHONE });
	const anon = await visitor.newPage();
	await anon.goto(portal.replace(/\/i\/.*$/, ''));
	await anon.getByRole('link', { name: 'L’Aventurière' }).last().click();
	await expect(anon.getByRole('heading', { level: 1, name: 'Indicateurs publiés — L’Aventurière' })).toBeVisible();
	await expect(anon.getByRole('heading', { name: 'Ménages ayant voté' })).toBeVisible();
	await expect(anon.getByRole('heading', { name: 'Ménages bénévoles' })).toHaveCount(0);
	await expect(anon.getByText('Définition').first()).toBeVisible();
	await checkPage(anon, 'portal-indicators');
	const json = await (await request.get(`${portal}/data.json`)).json();
	expect(json.indicators.map((i: { id: string }) => i.id).sort()).toEqual(['actionsDoneBy', 'actionsProposed', 'activitySessions', 'participationAny', 'participationByBuilding', 'participationVoted']);
	expect((await request.get(`${portal}/data.csv`)).headers()['content-type']).toContain('text/csv');
	// An unpublished space's address answers 404, not its figures.
	expect((await request.get(portal.replace(/\/i\/residence\/[^/]+$/, '/i/residence/nope'))).status()).toBe(404);
	await visitor.close();
});
