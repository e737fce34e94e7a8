import { expect, test, type Page } from '@playwright/test';
import { checkPage, newSignedInContext } from './fixtures';

async function openPlan(page: Page): Promise<string> {
	await page.goto('/');
	const residence = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	await page.goto(`${residence}/board`);
	await page.getByRole('link', { name: 'Plan', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Plan des idées' })).toBeVisible();
	return page.url();
}

test('a facilitator moves a pin on the site plan by keyboard and a tenant sees it move live', async ({ browser }) => {
	const claire = await newSignedInContext(browser, 'claire.martin@lmh.demo');
	const amina = await newSignedInContext(browser, 'amina');
	const url = await openPlan(claire.page);
	await amina.page.goto(url);
	await expect(amina.page.getByRole('img', { name: 'Plan de la résidence L’Aventurière' })).toBeVisible();

	const pin = claire.page.getByRole('button', { name: /^Des bancs devant l’entrée du bâtiment A : à 20 % depuis la gauche et 86 % depuis le haut du plan$/ });
	await expect(pin).toBeVisible();
	// The tenant reads the plan: numbered pins and a legend, no buttons to move them.
	const number = (await amina.page.getByRole('listitem').filter({ hasText: 'Des bancs devant l’entrée' }).locator('.number').textContent())!.trim();
	const aminaPin = amina.page.locator('.plan .pin', { hasText: new RegExp(`^${number}$`) });
	await expect(aminaPin).toHaveAttribute('style', /left: 20%/);
	await expect(amina.page.getByRole('button', { name: /depuis la gauche/ })).toHaveCount(0);

	await pin.focus();
	await claire.page.keyboard.press('Shift+ArrowRight');
	await claire.page.keyboard.press('Shift+ArrowRight');
	await expect(claire.page.getByRole('button', { name: /^Des bancs devant l’entrée du bâtiment A : à 40 % depuis la gauche/ })).toBeVisible();
	await expect(aminaPin).toHaveAttribute('style', /left: 40%/);

	await checkPage(claire.page, 'plan-facilitator');
	await checkPage(amina.page, 'plan-tenant');
	await claire.context.close();
	await amina.context.close();
});
