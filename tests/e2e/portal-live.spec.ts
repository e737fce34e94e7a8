import { expect, test } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext } from './fixtures';
import { client } from './http';

/**
 * The public live view of a body's meetings (issues 10 and 11): nothing while the body keeps its
 * meetings private (the demo's default); once the chair makes them public, the portal links to a
 * read-only page that works without an account and without JavaScript. The chair then puts the rule
 * back so later tests find the demo as it was.
 */

const BODY = '/o/reseau-des-lieux-collectifs-de-proximite/b/comite-de-pilotage-du-reseau-des-lcp';

async function setPublic(page: import('@playwright/test').Page, on: boolean) {
	await page.goto('/');
	await page.getByRole('link', { name: /Comité de pilotage du réseau des LCP/ }).first().click();
	await page.getByRole('link', { name: 'Voir les réunions' }).click();
	const box = page.getByLabel(/Réunions publiques/);
	await box.setChecked(on);
	await box.locator('xpath=ancestor::form').getByRole('button').click();
	await expect(page.getByText('C’est enregistré.').first()).toBeVisible();
}

test('a body’s meetings are live on the portal only once its rules make them public', async ({ browser }) => {
	const guest = await client();
	expect((await guest.get(`${BODY}/live`)).status()).toBe(404);
	expect(await (await guest.get(BODY)).text()).not.toContain(`${BODY}/live`);

	const chair = await newSignedInContext(browser, 'sophie.leroy@lcp.demo', { viewport: DESKTOP });
	await setPublic(chair.page, true);

	// Without JavaScript, a visitor reaches the live page from the portal and reloads it by hand.
	const plain = await browser.newContext({ javaScriptEnabled: false });
	const page = await plain.newPage();
	await page.goto(BODY);
	await page.getByRole('link', { name: 'Suivre la réunion en direct' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Réunion en direct' })).toBeVisible();
	await expect(page.getByTestId('live-meeting').or(page.getByTestId('live-none'))).toBeVisible();
	await page.getByRole('link', { name: 'Actualiser' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Réunion en direct' })).toBeVisible();
	await plain.close();

	// With JavaScript, the same page (axe at both widths).
	const visitor = await browser.newContext();
	const live = await visitor.newPage();
	await live.goto(`${BODY}/live`);
	await expect(live.getByRole('heading', { level: 1, name: 'Réunion en direct' })).toBeVisible();
	await checkPage(live, 'portal-live');
	await visitor.close();

	await setPublic(chair.page, false);
	expect((await guest.get(`${BODY}/live`)).status()).toBe(404);
	await chair.context.close();
	await guest.dispose();
});
