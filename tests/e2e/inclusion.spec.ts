import { expect, test, type Page } from '@playwright/test';
import { checkPage, newSignedInContext } from './fixtures';

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

test.describe('language and easy-read, per device and per person', () => {
	test('two devices of one person keep their own language; a new device starts in the account’s', async ({ browser }) => {
		const a = await newSignedInContext(browser, 'josiane');
		const b = await newSignedInContext(browser, 'josiane');
		await expect(heading(a.page)).toHaveText('Bonjour Josiane L.');
		await a.page.getByRole('button', { name: 'English' }).click();
		await expect(heading(a.page)).toHaveText('Hello Josiane L.');
		// The other device was signed in already: it keeps French.
		await b.page.reload();
		await expect(heading(b.page)).toHaveText('Bonjour Josiane L.');
		await expect(b.page.locator('html')).toHaveAttribute('lang', 'fr');
		// A device she signs in on afterwards starts in her account's language.
		const c = await newSignedInContext(browser, 'josiane');
		await expect(heading(c.page)).toHaveText('Hello Josiane L.');
		// Arabic on that device: right to left, and the first device stays in English.
		await c.page.getByRole('button', { name: 'العربية' }).click();
		await expect(c.page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(heading(c.page)).toHaveText('مرحبًا Josiane L.');
		await a.page.reload();
		await expect(heading(a.page)).toHaveText('Hello Josiane L.');
		await expect(a.page.locator('html')).toHaveAttribute('dir', 'ltr');
		// Back to French everywhere (the account's default too), so other tests find her in French.
		await c.page.getByRole('button', { name: 'Français' }).click();
		await a.page.getByRole('button', { name: 'Français' }).click();
		await expect(heading(a.page)).toHaveText('Bonjour Josiane L.');
		for (const d of [a, b, c]) await d.context.close();
	});

	test('easy-read French is switched on from the header, on this device only', async ({ browser }) => {
		const a = await newSignedInContext(browser, 'josiane');
		const b = await newSignedInContext(browser, 'josiane');
		const toggle = a.page.getByRole('button', { name: 'Facile à lire' });
		await expect(toggle).toHaveAttribute('aria-pressed', 'false');
		await toggle.click();
		await expect(a.page.getByRole('button', { name: 'Facile à lire' })).toHaveAttribute('aria-pressed', 'true');
		await expect(a.page.locator('html')).toHaveAttribute('data-easy-read', 'true');
		await b.page.reload();
		await expect(b.page.locator('html')).toHaveAttribute('data-easy-read', 'false');
		await a.page.getByRole('button', { name: 'Facile à lire' }).click();
		await expect(a.page.getByRole('button', { name: 'Facile à lire' })).toHaveAttribute('aria-pressed', 'false');
		for (const d of [a, b]) await d.context.close();
	});

	test('a guest switches to Arabic without JavaScript, and the untranslated pages say so', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/');
		await page.getByRole('button', { name: 'العربية' }).click();
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(heading(page)).toHaveText('معًا نحسّن حيّنا');
		await expect(page.getByRole('note')).toHaveCount(0);
		await page.goto('/o/reseau-des-lieux-collectifs-de-proximite');
		await expect(page.getByRole('note')).toHaveText('هذه الصفحة غير مترجمة بعد، لذلك تظهر بالفرنسية.');
		await context.close();
		// The same page with JavaScript (axe needs it), from the cookie the switch left.
		const js = await browser.newContext();
		await js.addCookies([{ name: 'locale', value: 'ar', url: test.info().project.use.baseURL! }]);
		const jsPage = await js.newPage();
		await jsPage.goto('/');
		await checkPage(jsPage, 'inclusion-landing-ar');
		await js.close();
	});
});
