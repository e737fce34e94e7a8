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

/**
 * Signs in by posting the sign-in form's fields, as the form does, without loading the form first:
 * the browser context gets a session of its own (its own cookie, as after the form), then opens the
 * home page. The form itself is driven by `signIn`, in the specs about signing in.
 */
export async function signInByPost(page: Page, username: string, password = DEMO_PASSWORD) {
	// The server's address as this context sees it (a spec may set its own baseURL): SvelteKit refuses a
	// form post without the site's own Origin.
	const origin = new URL((await page.request.get('/healthz')).url()).origin;
	const res = await page.request.post('/login', { form: { username, password }, headers: { origin, accept: 'text/html' }, maxRedirects: 0 });
	expect(res.status(), `sign in as ${username}`).toBe(303);
	expect(res.headers()['location']).toBe('/');
	await page.goto('/');
	await expect(page).toHaveURL(/\/$/);
}

/** A browser of its own (a device), signed in as `username` with a session of its own. */
export async function newSignedInContext(browser: Browser, username: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await signInByPost(page, username);
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

/**
 * Full-page screenshots, to look at, in test-results/screens/NAME.png: only when asked (E2E_SCREENS=1).
 * Nothing asserts on them, and taking them every run cost several minutes of the suite.
 */
export const SCREENS = process.env.E2E_SCREENS === '1';

export async function screenshot(page: Page, name: string) {
	if (SCREENS) await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** An axe check and no horizontal overflow at phone and desktop widths (and a screenshot at each with E2E_SCREENS=1). */
export async function checkPage(page: Page, name: string) {
	for (const [label, size] of [['360', PHONE], ['1280', DESKTOP]] as const) {
		await page.setViewportSize(size);
		await expectAccessible(page);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, `horizontal overflow at ${label}px on ${page.url()}`).toBeLessThanOrEqual(0);
		await screenshot(page, `${name}-${label}`);
	}
}

/** Signs out and waits until the page shows it: the sign-out form finishes asynchronously. */
export async function signOut(page: Page) {
	await page.getByRole('button', { name: /^(Se déconnecter|Sign out)$/ }).click();
	await expect(page.getByRole('banner').getByRole('link', { name: /^(Se connecter|Sign in)$/ })).toBeVisible();
}
