import { expect, test, type Browser, type Page } from '@playwright/test';
import { checkPage, DEMO_PASSWORD, newSignedInContext, PHONE, screenshot } from './fixtures';
import { CLAIRE, create } from './vote-helpers';

/**
 * Votes people can trust (issue 8): ranked ballots start unranked and show the options in an order of
 * their own, with and without JavaScript; results say "provisional" while open and "not valid" below
 * quorum; the recount is explained on its own page.
 */

test.describe.configure({ timeout: 240_000 });

const six = ['Jardin', 'Bancs', 'Fête', 'Composteur', 'Boîte à livres', 'Vélos'].map((label) => ({ label }));

async function noJs(browser: Browser, username: string) {
	const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('Adresse e-mail ou identifiant').fill(username);
	await page.getByLabel('Mot de passe ou phrase de passe').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/$/);
	return { context, page };
}

/** The answers still to rank, as shown (JavaScript on). */
async function unrankedOrder(page: Page) {
	const list = page.getByRole('list', { name: /Réponses? à classer/ });
	await expect(list).toBeVisible();
	return list.getByRole('listitem').locator('.label').allTextContents();
}
/** The answers as the no-JavaScript form lists them. */
const selectOrder = async (page: Page) => (await page.getByRole('combobox').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).labels?.[0]?.textContent ?? ''))).map((l) => l.replace(/^Rang de «\s(.*)\s»$/, '$1'));

test.describe('fair ballots', () => {
	test('a ranked ballot starts unranked, in an order of the voter’s own, stable, with and without JavaScript', async ({ browser }) => {
		const url = await create(browser, { question: 'Nos priorités pour 2027 ?', method: 'Classement par points (Borda)', options: six });

		const amina = await newSignedInContext(browser, 'amina', { viewport: PHONE });
		await amina.page.goto(url);
		await expect(amina.page.getByText('Rien n’est classé pour l’instant.', { exact: false })).toBeVisible();
		await expect(amina.page.getByText(/L’ordre d’affichage est tiré au hasard/)).toBeVisible();
		await expect(amina.page.locator('input[type=hidden][name^="rank."]')).toHaveCount(0);
		const aminaOrder = await unrankedOrder(amina.page);
		expect([...aminaOrder].sort()).toEqual(six.map((o) => o.label).sort());
		// One tap on "Je vote" casts nothing.
		await amina.page.getByRole('button', { name: 'Je vote' }).click();
		await expect(amina.page.getByRole('alert')).toContainText('Classez au moins une réponse.');
		await amina.page.reload();
		expect(await unrankedOrder(amina.page)).toEqual(aminaOrder);

		await amina.page.getByRole('button', { name: 'Classer « Vélos » en 1re position' }).click();
		await amina.page.getByRole('button', { name: 'Classer « Jardin » en 2e position' }).click();
		await expect(amina.page.getByText('« Jardin » est maintenant en position 2.')).toBeAttached();
		await amina.page.getByRole('button', { name: 'Retirer « Vélos » du classement' }).click();
		await amina.page.getByRole('button', { name: 'Classer « Vélos » en 2e position' }).click();
		const ranked = amina.page.getByRole('list', { name: 'Mon classement' }).getByRole('listitem');
		await expect(ranked).toHaveText([/Jardin/, /Vélos/]);
		await checkPage(amina.page, 'vote-ranked-unranked-start');
		await amina.page.setViewportSize(PHONE);
		await amina.page.getByRole('button', { name: 'Je vote' }).click();
		await expect(amina.page.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();
		await expect(ranked).toHaveText([/Jardin/, /Vélos/]);
		expect(await unrankedOrder(amina.page)).toHaveLength(4);

		// Without JavaScript: every rank starts at "Pas classée", in the same per-voter order as with it.
		const karimJs = await newSignedInContext(browser, 'karim', { viewport: PHONE });
		await karimJs.page.goto(url);
		const karimOrder = await unrankedOrder(karimJs.page);
		await karimJs.context.close();
		const karim = await noJs(browser, 'karim');
		await karim.page.goto(url);
		const selects = karim.page.getByRole('combobox');
		await expect(selects).toHaveCount(6);
		for (const s of await selects.all()) await expect(s.locator('option:checked')).toHaveText('Pas classée');
		expect(await selectOrder(karim.page)).toEqual(karimOrder);
		await expect(karim.page.getByText(/L’ordre d’affichage est tiré au hasard/)).toBeVisible();
		await karim.page.getByRole('button', { name: 'Je vote' }).click();
		await expect(karim.page.getByRole('alert')).toContainText('Classez au moins une réponse.');
		await karim.page.getByLabel('Rang de « Composteur »').selectOption({ label: '1re' });
		await karim.page.getByRole('button', { name: 'Je vote' }).click();
		await expect(karim.page.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();
		await expect(karim.page.getByLabel('Rang de « Composteur »').locator('option:checked')).toHaveText('1re');
		await expect(karim.page.getByLabel('Rang de « Jardin »').locator('option:checked')).toHaveText('Pas classée');

		const josiane = await noJs(browser, 'josiane');
		await josiane.page.goto(url);
		const josianeOrder = await selectOrder(josiane.page);
		// Three voters with one and the same order of six would be a 1 in 518 400 chance for a fair shuffle.
		expect(new Set([aminaOrder, karimOrder, josianeOrder].map((o) => o.join('|'))).size).toBeGreaterThan(1);
		// axe needs scripts in the page, so the no-JavaScript form is only looked at (its controls are native).
		for (const [w, size] of [['360', PHONE], ['1280', { width: 1280, height: 900 }]] as const) {
			await josiane.page.setViewportSize(size);
			await screenshot(josiane.page, `vote-ranked-nojs-${w}`);
		}
		await Promise.all([amina.context.close(), karim.context.close(), josiane.context.close()]);
	});

	test('the organiser may keep a fixed order; single choice is shuffled too', async ({ browser }) => {
		const fixed = await create(browser, { question: 'Quel samedi pour la fête ?', method: 'Choix unique', options: six, fixedOrder: true });
		const shuffled = await create(browser, { question: 'Quel nom pour le jardin ?', method: 'Choix unique', options: six });
		const { context, page } = await newSignedInContext(browser, 'amina', { viewport: PHONE });
		await page.goto(fixed);
		const labels = () => page.getByRole('radio').evaluateAll((els) => els.map((e) => e.closest('label')?.querySelector('.label')?.textContent ?? ''));
		expect(await labels()).toEqual(six.map((o) => o.label));
		await expect(page.getByText(/L’ordre d’affichage est tiré au hasard/)).toHaveCount(0);
		await page.goto(shuffled);
		await expect(page.getByText(/L’ordre d’affichage est tiré au hasard/)).toBeVisible();
		const first = await labels();
		await page.reload();
		expect(await labels()).toEqual(first);
		await context.close();
	});
});

test.describe('honest results', () => {
	test('open: provisional; closed below quorum: not valid; shares add up; recount explained', async ({ browser }) => {
		const url = await create(browser, { question: 'On installe un composteur ?', method: 'Pour, contre, abstention', quorumPercent: 50 });
		const { context, page } = await newSignedInContext(browser, 'amina', { viewport: PHONE });
		await page.goto(url);
		await page.getByRole('radio', { name: 'Pour', exact: true }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();

		await page.goto(`${url}/results`);
		const result = page.getByRole('region', { name: 'Résultats' }).or(page.locator('section[aria-labelledby=res]'));
		await expect(result.getByText('Provisoire', { exact: true })).toBeVisible();
		await expect(result.getByText('Adopté si le vote s’arrêtait maintenant')).toBeVisible();
		await expect(result.getByText(/^Adopté$/)).toHaveCount(0);
		await expect(page.getByRole('row', { name: /^Pour/ })).toContainText('100');
		await expect(page.getByText(/elles font 100\s%/)).toBeVisible();
		await checkPage(page, 'results-provisional');

		const claire = await newSignedInContext(browser, CLAIRE);
		await claire.page.goto(`${url}/manage`);
		// Closing asks first, and says how many have voted; "Non" leaves it open.
		await claire.page.getByRole('button', { name: 'Clore le vote' }).click();
		await expect(claire.page.getByRole('heading', { name: 'Clore le vote maintenant ?' })).toBeFocused();
		await expect(claire.page.getByText(/^1 a voté sur \d+ personnes/)).toBeVisible();
		await checkPage(claire.page, 'vote-confirm-close');
		await claire.page.getByRole('link', { name: 'Non, laisser le vote ouvert' }).click();
		await expect(claire.page.getByRole('button', { name: 'Clore le vote' })).toBeVisible();
		await claire.page.getByRole('button', { name: 'Clore le vote' }).click();
		await claire.page.getByRole('button', { name: 'Oui, clore le vote' }).click();
		await expect(claire.page.getByRole('status')).toHaveText('Le vote est clos, le résultat est figé.');
		await claire.context.close();

		await page.setViewportSize(PHONE);
		await page.goto(`${url}/results`);
		await expect(page.getByText(/Vote non valable\s: le quorum n’est pas atteint/)).toBeVisible();
		await expect(page.getByText(/^Adopté/)).toHaveCount(0);
		await expect(page.getByText('npm run recount')).toHaveCount(0);
		await checkPage(page, 'results-not-valid');
		await page.getByRole('link', { name: 'Comment recompter soi-même' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Recompter un vote soi-même');
		await expect(page.getByText(/npm run recount -- ballots-[a-z0-9]+\.json/)).toBeVisible();
		await expect(page.getByRole('link', { name: /Bulletins \(JSON/ })).toBeVisible();
		await checkPage(page, 'recount-help');
		await context.close();
	});
});

test.describe('facilitator safeguards', () => {
	test('closing asks for confirmation with the turnout, without JavaScript too', async ({ browser }) => {
		const url = await create(browser, { question: 'Un troc de plantes en mai ?', method: 'Choix unique', options: [{ label: 'Oui' }, { label: 'Non' }] });
		const { context, page } = await noJs(browser, CLAIRE);
		await page.goto(`${url}/manage`);
		await page.getByRole('button', { name: 'Clore le vote' }).click();
		await expect(page).toHaveURL(/step=close/);
		await expect(page.getByText(/^Personne n’a voté sur \d+ personnes/)).toBeVisible();
		await page.getByRole('button', { name: 'Oui, clore le vote' }).click();
		await expect(page.getByText('Le vote est clos, le résultat est figé.')).toBeVisible();
		await expect(page.getByRole('button', { name: 'Clore le vote' })).toHaveCount(0);
		await context.close();
	});
});

test.describe('a guest', () => {
	test('who opens a board link sees the way in, and comes back to it after signing in', async ({ browser }) => {
		const amina = await newSignedInContext(browser, 'amina');
		await amina.page.getByRole('link', { name: /L’Aventurière/ }).first().click();
		await expect(amina.page).toHaveURL(/\/r\/[a-z0-9]+$/);
		const board = `${new URL(amina.page.url()).pathname}/board`;
		await amina.context.close();

		const context = await browser.newContext({ viewport: PHONE });
		const page = await context.newPage();
		await page.goto(board);
		await expect(page.getByRole('heading', { name: 'Comment entrer ?' })).toBeVisible();
		await expect(page.getByRole('link', { name: 'Rejoindre avec le code' })).toHaveAttribute('href', '/join');
		await checkPage(page, 'guest-way-in');
		await page.getByRole('link', { name: 'Se connecter et revenir ici' }).click();
		await page.getByLabel('Adresse e-mail ou identifiant').fill('karim');
		await page.getByLabel('Mot de passe ou phrase de passe').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Se connecter' }).click();
		await expect(page).toHaveURL(new RegExp(`${board}$`));
		await context.close();
	});
});
