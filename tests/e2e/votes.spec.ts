import { expect, test, type Browser, type Page } from '@playwright/test';
import { checkPage, newSignedInContext, PHONE, signIn } from './fixtures';
import { CLAIRE, create } from './vote-helpers';

/**
 * Consultations: a facilitator opens one per method, a tenant votes on a 360 px phone, results and
 * the vote screens pass axe. The ranking is done with the keyboard only.
 */

async function phone(browser: Browser, username: string) {
	return newSignedInContext(browser, username, { viewport: PHONE });
}

async function expectRecorded(page: Page) {
	await expect(page.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();
}

const benches = [
	{ label: 'Banc en bois', cost: 900 },
	{ label: 'Banc en métal', cost: 700 },
	{ label: 'Banc béton et bois', cost: 1200 }
];

test.describe('votes', () => {
	test('single choice on a phone, with the method explained; results live for a neighbour', async ({ browser }) => {
		const url = await create(browser, { question: 'Quel banc devant l’entrée ?', method: 'Choix unique', options: benches, household: true, photo: true });
		const { context, page } = await phone(browser, 'amina');
		const watcher = await phone(browser, 'karim');
		await watcher.page.goto(`${url}/results`);
		await expect(watcher.page.getByText(/^0 sur 120 foyers/)).toBeVisible();

		await page.goto(url);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quel banc devant l’entrée ?');
		await expect(page.getByText('Choisissez une seule réponse.')).toBeVisible();
		await expect(page.getByText('Une voix par foyer : le premier vote du foyer compte.')).toBeVisible();
		const photo = page.locator('label', { hasText: 'Banc en bois' }).locator('img');
		await expect(photo).toHaveJSProperty('complete', true);
		expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
		await checkPage(page, 'vote-plurality');
		await page.setViewportSize(PHONE);
		await page.getByRole('radio', { name: /Banc en métal/ }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await expect(page.getByText(/Gardez ce code/)).toBeVisible();

		// Karim's results page heard the vote through the socket.
		await expect(watcher.page.getByText(/^1 sur 120 foyers/)).toBeVisible();
		await expect(watcher.page.getByRole('row', { name: /Banc en métal/ })).toContainText('1');
		await checkPage(watcher.page, 'results-live');
		await watcher.context.close();
		await context.close();
	});

	test('multiple choice (approval)', async ({ browser }) => {
		const url = await create(browser, { question: 'Quels jeux pour les enfants ?', method: 'Choix multiple', options: [{ label: 'Toboggan' }, { label: 'Balançoire' }, { label: 'Bac à sable' }] });
		const { context, page } = await phone(browser, 'amina');
		await page.goto(url);
		await page.getByRole('checkbox', { name: /Toboggan/ }).check();
		await page.getByRole('checkbox', { name: /Bac à sable/ }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await expect(page.getByRole('checkbox', { name: /Bac à sable/ })).toBeChecked();
		await context.close();
	});

	test('for / against / abstain with an objection and its reason', async ({ browser }) => {
		const url = await create(browser, { question: 'On repeint le hall en jaune ?', method: 'Pour, contre, abstention', public: true });
		const { context, page } = await phone(browser, 'karim');
		await page.goto(url);
		await page.getByRole('radio', { name: 'Objection' }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expect(page.getByRole('alert')).toContainText('dites pourquoi');
		await page.getByLabel('Votre objection, en quelques mots').fill('Le jaune salit trop vite.');
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await checkPage(page, 'vote-objection');
		await context.close();
	});

	test('ranking (Schulze) with the keyboard only', async ({ browser }) => {
		const url = await create(browser, { question: 'Priorités de l’été', method: 'Classement (méthode Schulze)', options: [{ label: 'Jardin' }, { label: 'Bancs' }, { label: 'Fête' }] });
		const { context, page } = await phone(browser, 'amina');
		await page.goto(url);
		const items = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: /^Monter/ }) });
		// Nothing is ranked until the voter ranks it: she ranks all three, in the organiser's order.
		await expect(items).toHaveCount(0);
		await page.getByRole('button', { name: 'Classer « Jardin » en 1re position' }).focus();
		await page.keyboard.press('Enter');
		await expect(page.getByRole('button', { name: 'Classer « Bancs » en 2e position' })).toBeVisible();
		await page.getByRole('button', { name: 'Classer « Bancs » en 2e position' }).focus();
		await page.keyboard.press('Enter');
		await page.getByRole('button', { name: 'Classer « Fête » en 3e position' }).focus();
		await page.keyboard.press('Enter');
		await expect(items).toHaveCount(3);
		// Move "Fête" to the top: focus its "Monter" button and press Enter twice; focus stays on it.
		await page.getByRole('button', { name: 'Monter « Fête »' }).focus();
		await page.keyboard.press('Enter');
		await expect(page.getByText('« Fête » est maintenant en position 2.')).toBeAttached();
		await page.keyboard.press('Enter');
		await expect(items.first()).toContainText('Fête');
		await expect(page.getByRole('button', { name: 'Descendre « Fête »' })).toBeFocused();
		await checkPage(page, 'vote-ranking');
		await page.setViewportSize(PHONE);
		await page.getByRole('button', { name: 'Je vote' }).focus();
		await page.keyboard.press('Enter');
		await expectRecorded(page);
		await expect(items.first()).toContainText('Fête');
		await context.close();
	});

	test('majority judgment as one radio group per option', async ({ browser }) => {
		const url = await create(browser, { question: 'Quel modèle de banc ?', method: 'Jugement majoritaire', options: benches });
		const { context, page } = await phone(browser, 'josiane');
		await page.goto(url);
		// Until the page is hydrated a click may be undone by hydration: check again until it holds.
		await expect(() => page.getByRole('group', { name: 'Votre mention pour « Banc en bois »' }).getByRole('radio', { name: 'Très bien' }).check({ timeout: 1000 })).toPass();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expect(page.getByRole('alert')).toContainText('Donnez une mention à chaque réponse');
		await page.getByRole('group', { name: 'Votre mention pour « Banc en métal »' }).getByRole('radio', { name: 'Passable' }).check();
		await page.getByRole('group', { name: 'Votre mention pour « Banc béton et bois »' }).getByRole('radio', { name: 'À rejeter' }).check();
		await checkPage(page, 'vote-majority-judgment');
		await page.setViewportSize(PHONE);
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await context.close();
	});

	test('dot voting with steppers and a remaining counter', async ({ browser }) => {
		const url = await create(browser, { question: 'Où mettre nos efforts ?', method: 'Gommettes', dots: 3, options: [{ label: 'Propreté' }, { label: 'Jardin' }, { label: 'Fête' }] });
		const { context, page } = await phone(browser, 'amina');
		await page.goto(url);
		await expect(page.getByText('Il reste 3 gommettes.')).toBeVisible();
		await page.getByRole('button', { name: 'Ajouter une gommette à « Jardin »' }).click();
		await page.getByRole('button', { name: 'Ajouter une gommette à « Jardin »' }).click();
		await page.getByRole('button', { name: 'Ajouter une gommette à « Propreté »' }).click();
		await expect(page.getByText('Plus de gommette à placer.')).toBeVisible();
		await expect(page.getByRole('button', { name: 'Ajouter une gommette à « Fête »' })).toBeDisabled();
		await checkPage(page, 'vote-dots');
		await page.setViewportSize(PHONE);
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await expect(page.getByRole('spinbutton', { name: 'Jardin' })).toHaveValue('2');
		await context.close();
	});

	test('participatory budget with a running total, then close and recount', async ({ browser }) => {
		const url = await create(browser, { question: 'Budget 2027 de la résidence', method: 'Budget participatif', budget: 1600, options: benches });
		const { context, page } = await phone(browser, 'karim');
		await page.goto(url);
		await expect(page.getByText(/Total choisi\s:\s0\s€ sur 1\s600\s€/)).toBeVisible();
		await page.getByRole('checkbox', { name: /Banc en bois/ }).check();
		await page.getByRole('checkbox', { name: /Banc béton et bois/ }).check();
		await expect(page.getByText(/Vous dépassez le budget de 500\s€/)).toBeVisible();
		await page.getByRole('checkbox', { name: /Banc béton et bois/ }).uncheck();
		await page.getByRole('checkbox', { name: /Banc en métal/ }).check();
		await expect(page.getByText(/Il reste 0\s€/)).toBeVisible();
		await checkPage(page, 'vote-budget');
		await page.setViewportSize(PHONE);
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);

		const claire = await newSignedInContext(browser, CLAIRE);
		await claire.page.goto(`${url}/manage`);
		await claire.page.getByRole('button', { name: 'Clore le vote' }).click();
		await claire.page.getByRole('button', { name: 'Oui, clore le vote' }).click();
		await expect(claire.page.getByRole('status')).toHaveText('Le vote est clos, le résultat est figé.');
		await claire.context.close();

		await page.goto(`${url}/results`);
		await expect(page.getByText(/Résultat définitif/)).toBeVisible();
		await expect(page.getByText('npm run recount --')).toHaveCount(0);
		await expect(page.getByRole('link', { name: 'Comment recompter soi-même' })).toHaveAttribute('href', /\/help\/recount\?c=/);
		const response = await page.request.get(`${url}/ballots.json`);
		const file = (await response.json()) as { format: string; ballots: unknown[] };
		expect(file.format).toBe('ballots/v1');
		expect(file.ballots).toHaveLength(1);
		await checkPage(page, 'results-budget');
		await context.close();
	});

	test('a vote works without JavaScript', async ({ browser }) => {
		const url = await create(browser, { question: 'Vide-grenier en avril ?', method: 'Choix unique', options: [{ label: 'Oui' }, { label: 'Non' }] });
		// Signed in through the form too, as it posts without JavaScript.
		const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
		const page = await context.newPage();
		await signIn(page, 'josiane');
		await page.goto(url);
		await page.getByRole('radio', { name: 'Oui' }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await context.close();
	});

	test('without JavaScript, a refused ballot comes back as it was filled in: only the missing mark is left to give', async ({ browser }) => {
		const url = await create(browser, { question: 'Quel banc pour la cour ?', method: 'Jugement majoritaire', options: benches });
		const { context, page } = await newSignedInContext(browser, 'karim', { viewport: PHONE, javaScriptEnabled: false });
		await page.goto(url);
		const grade = (option: string, name: string) => page.getByRole('group', { name: `Votre mention pour « ${option} »` }).getByRole('radio', { name });
		await grade('Banc en bois', 'Très bien').check();
		await grade('Banc en métal', 'Passable').check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expect(page.getByRole('alert')).toContainText('Donnez une mention à chaque réponse');
		// The page the server drew again still holds her two marks.
		await expect(grade('Banc en bois', 'Très bien')).toBeChecked();
		await expect(grade('Banc en métal', 'Passable')).toBeChecked();
		await grade('Banc béton et bois', 'À rejeter').check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await context.close();
	});

	test('a facilitator records a show of hands and an assisted vote; the tenant sees and confirms it', async ({ browser }) => {
		const url = await create(browser, { question: 'Quel banc pour le square ?', method: 'Choix unique', options: benches, public: true });
		const claire = await newSignedInContext(browser, CLAIRE);
		await claire.page.goto(`${url}/manage`);
		const section = (name: string) => claire.page.getByRole('region', { name });
		const hands = section('Main levée ou dépouillement papier');
		await hands.getByLabel('Voix pour « Banc en bois »').fill('4');
		await hands.getByLabel(/^Note/).fill('Réunion au pied du bâtiment');
		await hands.getByRole('button', { name: 'Enregistrer ce lot' }).click();
		await expect(claire.page.getByRole('status')).toHaveText('4 voix enregistrées.');
		const paper = section('Bulletins papier, un par un');
		await paper.getByRole('radio', { name: /Banc béton et bois/ }).check();
		await paper.getByRole('button', { name: 'Ajouter ce bulletin' }).click();
		await expect(claire.page.getByRole('status')).toHaveText(/1 bulletin dans ce lot/);
		const assisted = section('Vote assisté');
		await assisted.getByLabel('Personne').selectOption({ label: 'Karim D.' });
		await assisted.getByRole('radio', { name: 'par téléphone' }).check();
		await assisted.getByRole('radio', { name: /Banc en métal/ }).check();
		await assisted.getByRole('button', { name: 'Enregistrer son vote' }).click();
		await expect(claire.page.getByRole('status')).toHaveText(/^Vote enregistré\. Il attend la confirmation/);
		await checkPage(claire.page, 'vote-manage');
		await claire.context.close();

		const { context, page } = await phone(browser, 'karim');
		await page.goto(url);
		await expect(page.getByRole('heading', { name: 'Un vote a été enregistré pour vous' })).toBeVisible();
		await expect(page.getByText(/Claire Martin a enregistré un vote pour vous par téléphone/)).toBeVisible();
		await expect(page.getByRole('radio', { name: /Banc en métal/ })).toBeChecked();
		await page.getByRole('button', { name: 'C’était bien moi, je confirme' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Merci, votre vote est confirmé et compté.' })).toBeVisible();
		await expect(page.getByText(/vous l’avez confirmé le/)).toBeVisible();
		await page.goto(`${url}/results`);
		await expect(page.getByText(/Main levée\s:\s4 voix, saisi par Claire Martin/)).toBeVisible();
		await expect(page.getByText(/Bulletins papier\s:\s1 voix, saisi par Claire Martin/)).toBeVisible();
		await expect(page.getByRole('row', { name: /Karim D\./ })).toContainText('Banc en métal');
		await context.close();
	});

	test('a body member votes on the college-weighted motion of the LCP committee', async ({ browser }) => {
		const { context, page } = await phone(browser, 'fatou');
		await page.goto('/');
		await page.getByRole('link', { name: /Comité de pilotage/ }).first().click();
		await page.getByRole('link', { name: 'Voir les votes' }).click();
		await checkPage(page, 'votes-body-list');
		await page.setViewportSize(PHONE);
		await page.getByRole('link', { name: /^Motion\s:\sadopter la charte/ }).click();
		await expect(page.getByText('Chaque collège pèse son poids, quel que soit son nombre de votants.')).toBeVisible();
		await page.getByRole('radio', { name: 'Pour' }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expectRecorded(page);
		await page.getByRole('link', { name: 'Voir les résultats' }).click();
		await expect(page.getByRole('columnheader', { name: 'Collège' })).toBeVisible();
		await expect(page.getByRole('row', { name: /Bénévoles et membres des LCP/ })).toContainText('1');
		await checkPage(page, 'results-body');
		await context.close();
	});
});
