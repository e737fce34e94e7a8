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
	test.setTimeout(60_000);
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

	// An idea placed live that the tenant's page did not list (readers get the placed ideas only) shows up, numbered.
	const idea = 'Nettoyage collectif des espaces verts';
	await expect(amina.page.locator('.legend li', { hasText: idea })).toHaveCount(0);
	await claire.page.locator('.legend li', { hasText: idea }).getByRole('button', { name: 'Placer sur le plan' }).click();
	await expect(amina.page.getByRole('link', { name: new RegExp(`^\\d+\\. ${idea} \\(ouvrir l’idée\\)$`) })).toBeVisible();
	await expect(amina.page.locator('.legend li', { hasText: idea })).toHaveCount(1);

	await checkPage(claire.page, 'plan-facilitator');
	await checkPage(amina.page, 'plan-tenant');
	// Taken off again (the other tests expect the demo's plan), and gone from the tenant's plan.
	await claire.page.locator('.legend li', { hasText: idea }).getByRole('button', { name: 'Retirer du plan' }).click();
	await expect(amina.page.locator('.legend li', { hasText: idea })).toHaveCount(0);
	await claire.context.close();
	await amina.context.close();
});

test('a tenant without JavaScript places her idea on the plan; the facilitator’s open plan shows it live', async ({ browser }) => {
	test.setTimeout(60_000);
	const claire = await newSignedInContext(browser, 'claire.martin@lmh.demo');
	const planUrl = await openPlan(claire.page);
	const amina = await newSignedInContext(browser, 'amina', { javaScriptEnabled: false, viewport: { width: 360, height: 780 } });
	await amina.page.goto(planUrl.replace(/\/plan$/, ''));
	await amina.page.getByRole('link', { name: 'Une grainothèque et une outilthèque dans le local commun' }).first().click();
	await expect(amina.page.getByTestId('pin-status')).toHaveText('Pas encore placée sur le plan.');
	const picker = amina.page.getByRole('button', { name: /cliquez à l’endroit de l’idée «\s*Une grainothèque et une outilthèque dans le local commun\s*»/ });
	await picker.click({ position: { x: 140, y: 47 } });
	await expect(amina.page.getByTestId('pin-status')).toHaveText('Placée sur le plan (à 50 % depuis la gauche, 25 % depuis le haut).');
	// Claire's plan view numbered this idea and now shows it placed.
	await expect(claire.page.getByRole('button', { name: /^Une grainothèque et une outilthèque dans le local commun : à 50 % depuis la gauche et 25 % depuis le haut du plan$/ })).toBeVisible();
	// Without JavaScript the plan shows its pins too (read by the server), and lists only the placed ideas.
	const proposalUrl = amina.page.url();
	await amina.page.goto(planUrl);
	await expect(amina.page.getByRole('link', { name: /^\d+\. Une grainothèque et une outilthèque dans le local commun \(ouvrir l’idée\)$/ })).toHaveAttribute('style', /left: 50%; top: 25[.%]/);
	await expect(amina.page.getByRole('link', { name: /^\d+\. Des bancs devant l’entrée du bâtiment A \(ouvrir l’idée\)$/ })).toBeVisible();
	await expect(amina.page.getByText('Seules les idées placées sur le plan sont listées ici')).toBeVisible();
	await expect(amina.page.getByRole('button', { name: 'Placer sur le plan' })).toHaveCount(0);
	const listed = await amina.page.locator('.legend li').count();
	expect(listed).toBe(await amina.page.locator('.plan .pin').count());
	// axe needs JavaScript in the page: check the same proposal page in Claire's browser.
	await claire.page.goto(proposalUrl);
	await expect(claire.page.getByTestId('pin-status')).toContainText('50 %');
	await checkPage(claire.page, 'proposal-pin');
	await claire.context.close();
	await amina.context.close();
});
