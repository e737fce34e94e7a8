import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo-demo-2026';

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };

export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
	await page.goto('/login');
	await page.getByLabel(/Adresse e-mail ou identifiant|E-mail address or username/).fill(username);
	await page.getByLabel(/^(Mot de passe ou phrase de passe|Password or passphrase)$/).fill(password);
	await page.getByRole('button', { name: /^(Se connecter|Sign in)$/ }).click();
	await expect(page).toHaveURL(/\/$/);
}

export async function newSignedInContext(browser: Browser, username: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await signIn(page, username);
	return { context, page };
}

/** WCAG 2.2 AA with axe-core: no serious or critical violation is tolerated. */
export async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
	const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		blocking.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })),
		`axe violations on ${page.url()}`
	).toEqual([]);
}

/** Screenshots at phone and desktop widths, and an axe check at each. */
export async function checkPage(page: Page, name: string) {
	for (const [label, size] of [['360', PHONE], ['1280', DESKTOP]] as const) {
		await page.setViewportSize(size);
		await expectAccessible(page);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, `horizontal overflow at ${label}px on ${page.url()}`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: `test-results/screens/${name}-${label}.png`, fullPage: true });
	}
}

/** Signs out and waits until the page shows it: the sign-out form finishes asynchronously. */
export async function signOut(page: Page) {
	await page.getByRole('button', { name: /^(Se déconnecter|Sign out)$/ }).click();
	await expect(page.getByRole('banner').getByRole('link', { name: /^(Se connecter|Sign in)$/ })).toBeVisible();
}
