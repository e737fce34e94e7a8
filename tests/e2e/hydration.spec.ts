import { expect, test, type Page } from '@playwright/test';
import { newSignedInContext, PHONE } from './fixtures';

/**
 * On a slow phone the page is shown, and can be filled in, seconds before its scripts arrive.
 * Hydration then sets every field Svelte renders from a value (`value={…}`, a textarea's text, a
 * radio's `checked={…}`) back to the server's value: what the person typed meanwhile was lost.
 * The root layout keeps it (src/lib/client/keep-typed.ts).
 */

/** Holds back the app's scripts until `release()`: the page stays as the server sent it. */
async function holdScripts(page: Page) {
	let release!: () => void;
	const released = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await released;
		await route.continue();
	});
	return release;
}

test('what a tenant types before the page is hydrated stays in the form, and is what gets sent', async ({ browser }) => {
	const { context, page } = await newSignedInContext(browser, 'amina', { viewport: PHONE });
	await page.goto('/');
	const residence = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');

	const release = await holdScripts(page);
	await page.goto(`${residence}/board/new`, { waitUntil: 'domcontentloaded' });
	expect(await page.evaluate(() => document.documentElement.dataset.hydrated)).toBeUndefined();
	const title = page.getByLabel('Votre idée en quelques mots');
	const description = page.getByLabel('Expliquez (facultatif)');
	await title.fill('Des bacs à compost au pied du bâtiment B');
	await description.fill('Pour les épluchures, avec une clé chez le gardien.');
	await page.getByRole('radio', { name: 'Jardin partagé' }).check();

	release();
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
	await expect(title).toHaveValue('Des bacs à compost au pied du bâtiment B');
	await expect(description).toHaveValue('Pour les épluchures, avec une clé chez le gardien.');
	await expect(page.getByRole('radio', { name: 'Jardin partagé' })).toBeChecked();

	await page.getByRole('button', { name: 'Proposer mon idée' }).click();
	await expect(page.getByText('Merci ! Votre idée est sur le tableau.')).toBeVisible();
	const card = page.locator('article', { has: page.getByRole('heading', { name: 'Des bacs à compost au pied du bâtiment B' }) });
	await expect(card).toBeVisible();
	await context.close();
});
