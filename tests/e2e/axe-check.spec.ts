import { expect, test } from '@playwright/test';
import { expectAccessible } from './fixtures';

/**
 * The accessibility check every page spec leans on (fixtures.ts) must fail where a page fails, also
 * when it reuses the axe-core it put in the page for an earlier check of the same document.
 */

const CLEAN = '<!doctype html><html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1><button type="button">Soutenir</button></main></body></html>';

test('the accessibility check finds a violation, also one made in place after a clean check, and after a navigation', async ({ page }) => {
	await page.setContent(CLEAN);
	await expectAccessible(page);

	// The same document, changed in place (as a live page changes): the check already in the page sees it.
	await page.evaluate(() => {
		const button = document.querySelector('button')!;
		button.textContent = '';
		const faint = document.createElement('p');
		faint.textContent = 'Presque invisible';
		faint.style.color = '#eeeeee';
		faint.style.background = '#ffffff';
		document.querySelector('main')!.append(faint);
	});
	const inPlace = await expectAccessible(page).then(() => null, (e: Error) => e.message);
	expect(inPlace, 'a button without a name and faint text fail the check').toContain('button-name');
	expect(inPlace).toContain('color-contrast');

	// A new document (no axe in it yet) with an image without a text alternative.
	await page.setContent(CLEAN.replace('<button type="button">Soutenir</button>', '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'));
	const fresh = await expectAccessible(page).then(() => null, (e: Error) => e.message);
	expect(fresh).toContain('image-alt');

	// And the same document made whole again passes.
	await page.evaluate(() => document.querySelector('img')!.setAttribute('alt', 'Un point'));
	await expectAccessible(page);
});
