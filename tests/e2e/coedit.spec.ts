import { expect, test, type Page } from '@playwright/test';
import { checkPage, newSignedInContext, signOut } from './fixtures';

const TITLE = 'Des bancs devant l’entrée du bâtiment A';

/** Opens the demo proposal (by amina) from the board, and returns its URL. */
async function openProposal(page: Page): Promise<string> {
	await page.goto('/');
	const residence = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	await page.goto(`${residence}/board`);
	await page.getByRole('link', { name: TITLE }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
	return page.url();
}

const editor = (page: Page) => page.getByRole('textbox', { name: 'Description' });

test('the author and a facilitator co-edit the description live; a neighbour reads it', async ({ browser }) => {
	const amina = await newSignedInContext(browser, 'amina');
	const claire = await newSignedInContext(browser, 'claire.martin@lmh.demo');
	const karim = await newSignedInContext(browser, 'karim');
	const url = await openProposal(amina.page);
	await claire.page.goto(url);
	await karim.page.goto(url);

	for (const { page } of [amina, claire, karim]) await expect(editor(page)).toContainText('Deux bancs à l’ombre suffiraient.');
	await expect(editor(amina.page)).toHaveAttribute('aria-readonly', 'false');
	await expect(editor(karim.page)).toHaveAttribute('aria-readonly', 'true');

	// Both type at the same time, one at the end and one at the start; nothing is lost, both see both.
	// (Two carets at the very same spot may legitimately interleave their letters under load.)
	await editor(amina.page).click();
	await amina.page.keyboard.press('Control+End');
	await editor(claire.page).click();
	await claire.page.keyboard.press('Control+Home');
	await Promise.all([amina.page.keyboard.type(' Amina écrit ici.'), claire.page.keyboard.type('Claire ajoute un mot. ')]);
	for (const { page } of [amina, claire, karim]) {
		await expect(editor(page)).toContainText('Amina écrit ici.');
		await expect(editor(page)).toContainText('Claire ajoute un mot.');
	}
	// The facilitator sees who else is editing, by name.
	await expect(claire.page.locator('.collab-peers')).toContainText('Amina B.');

	// A neighbour's keystrokes change nothing.
	await editor(karim.page).click();
	await karim.page.keyboard.type('XYZ');
	await expect(editor(amina.page)).not.toContainText('XYZ');

	// The text is on disk: a fresh load, even without JavaScript, shows it.
	const plain = await browser.newContext({ javaScriptEnabled: false });
	const cookies = await karim.context.cookies();
	await plain.addCookies(cookies);
	const noJs = await plain.newPage();
	await noJs.goto(url);
	await expect(noJs.getByTestId('proposal-description')).toContainText('Claire ajoute un mot.');

	await checkPage(amina.page, 'proposal-coedit');

	// The offline copy kept in the browser is wiped when she signs out (shared computers).
	const offlineCopies = () => amina.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('tib:')));
	await expect.poll(offlineCopies).toHaveLength(1);
	await signOut(amina.page);
	await expect(amina.page.getByRole('link', { name: 'Se connecter' }).first()).toBeVisible();
	expect(await offlineCopies()).toEqual([]);
	for (const c of [amina, claire, karim]) await c.context.close();
	await plain.close();
});
