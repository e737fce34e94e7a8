import { expect, test } from '@playwright/test';
import { checkPage, newSignedInContext, PHONE } from './fixtures';
import { create } from './vote-helpers';

// Easy-read French (FALC) on the tenant path: easy texts on joining and on the board, and the vote
// explained step by step, each step with a pictogram where it happens. Easy-read is set by this device's
// cookie only, so the accounts keep plain French for the other specs.

const easyRead = (baseURL: string) => [{ name: 'easy-read', value: '1', url: baseURL }];

test.describe('easy-read French', () => {
	test.beforeEach(() => test.setTimeout(300_000));

	test('a tenant votes step by step, and sees that the vote counts', async ({ browser }) => {
		const url = await create(browser, { question: 'Quelle couleur pour les nouveaux bancs ?', method: 'Choix unique', options: [{ label: 'Vert sapin' }, { label: 'Bleu ciel' }], public: true });
		const { context, page } = await newSignedInContext(browser, 'karim', { viewport: PHONE });
		await context.addCookies(easyRead(test.info().project.use.baseURL!));
		await page.goto(url);
		await expect(page.locator('html')).toHaveAttribute('data-easy-read', 'true');
		const steps = page.getByTestId('easy-step');
		await expect(steps).toHaveCount(4);
		await expect(steps.nth(0)).toContainText('Étape 1 sur 4. Lisez la question.');
		await expect(steps.nth(1)).toContainText('Étape 2 sur 4. Choisissez une seule réponse.');
		await expect(steps.nth(2)).toContainText('Étape 3 sur 4. Touchez le bouton «\u00a0Je vote\u00a0».');
		await expect(steps.nth(3)).toContainText('Étape 4 sur 4. Vous voyez «\u00a0Votre vote est enregistré\u00a0». Votre vote compte.');
		// A pictogram beside each step, hidden from screen readers (the sentence says it all).
		for (let i = 0; i < 4; i++) await expect(steps.nth(i).locator('svg[aria-hidden="true"]')).toHaveCount(1);
		await expect(page.getByRole('heading', { name: /Comment on compte les votes/ })).toBeVisible();
		// The way of voting is named in plain words, not by its method ("Choix unique").
		await expect(page.getByRole('heading', { name: /Comment on compte les votes/ })).toContainText('Une seule réponse');
		await checkPage(page, 'easy-read-vote');

		await page.setViewportSize(PHONE);
		await page.getByRole('radio', { name: 'Bleu ciel' }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Votre vote est enregistré. Il compte.' })).toBeVisible();

		// The board in easy-read: short words, a pictogram beside each main action.
		await page.goto('/');
		await page.getByRole('link', { name: /L’Aventurière/ }).first().click();
		await page.getByRole('link', { name: 'Voir les idées des voisins' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Les idées des voisins/);
		await expect(page.getByRole('link', { name: 'Donner une idée' }).locator('svg[aria-hidden="true"]')).toHaveCount(1);
		// A card's counts in the words of its button ("J’aime cette idée", "Je veux aider"), not "3 soutiens".
		await expect(page.getByTestId('supports').first()).toHaveText(/(personne n’aime encore|\d+ personnes? aimen?t?) cette idée$/);
		await expect(page.getByText(/\d+ personnes? veulen?t? aider|personne n’aide encore/).first()).toBeVisible();
		// Dates with the month in full: "Terminé le 7 décembre 2026", not "7 déc. 2026".
		await page.getByRole('link', { name: /^Retour à la résidence/ }).click();
		await page.getByRole('link', { name: 'Voir les votes' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Les votes');
		const shown = await page.locator('main').innerText();
		expect(shown).toMatch(/Jusqu’au \d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}/);
		expect(shown).not.toMatch(/\d (janv|févr|avr|juil|sept|oct|nov|déc)\./);
		// What was decided, in plain words.
		await page.getByRole('link', { name: /^Retour à L’Aventurière/ }).click();
		await page.getByRole('link', { name: 'Voir ce qui a été décidé' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ce qui a été décidé');
		await expect(page.getByText(/\d+ votants? sur \d+/).first()).toBeVisible();
		await checkPage(page, 'easy-read-register');
		await context.close();

		// Joining, as a guest on a device in easy-read.
		const guest = await browser.newContext({ viewport: PHONE });
		await guest.addCookies(easyRead(test.info().project.use.baseURL!));
		const join = await guest.newPage();
		await join.goto('/join');
		await expect(join.getByRole('heading', { level: 1 })).toHaveText('Entrer dans ma résidence');
		await expect(join.getByText('Cherchez l’affiche dans votre hall.')).toBeVisible();
		await expect(join.getByRole('button', { name: 'Continuer' }).locator('svg[aria-hidden="true"]')).toHaveCount(1);
		await checkPage(join, 'easy-read-join');
		await guest.close();
	});

	test('step 1 mentions listening only where the browser has a voice to read the vote aloud', async ({ browser }) => {
		const url = await create(browser, { question: 'Faut-il un composteur près du bâtiment A ?', method: 'Choix unique', options: [{ label: 'Oui' }, { label: 'Non' }] });
		for (const voices of [[], [{ lang: 'fr-FR', name: 'Amélie', localService: true, default: true, voiceURI: 'fr' }]]) {
			const { context, page } = await newSignedInContext(browser, 'karim', { viewport: PHONE });
			await context.addCookies(easyRead(test.info().project.use.baseURL!));
			// The browser's voices as this test decides (headless Chromium may or may not have one).
			await context.addInitScript((list) => {
				const synth = Object.assign(new EventTarget(), { getVoices: () => list, speak: () => {}, cancel: () => {}, speaking: false });
				Object.defineProperty(window, 'speechSynthesis', { value: synth });
			}, voices);
			await page.goto(url);
			const step = page.getByTestId('easy-step').nth(0);
			if (voices.length) {
				await expect(page.getByTestId('listen').first()).toBeVisible();
				await expect(step).toContainText('Étape 1 sur 4. Lisez la question. Vous pouvez aussi l’écouter.');
			} else {
				await expect(step).toContainText('Étape 1 sur 4. Lisez la question.');
				await expect(page.getByTestId('listen')).toHaveCount(0);
				await expect(step).not.toContainText('écouter');
			}
			await context.close();
		}
	});
});
