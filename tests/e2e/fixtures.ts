import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const DEMO_PASSWORD = 'demo-demo-2026';

/**
 * Links a walk through the pages does not follow: audio (a voice comment's recording) and one-time
 * addresses from e-mails (links.spec, easy-read-walk.spec).
 */
export const NOT_WALKED = /\/voice\/|\/audio\b|\/unsubscribe\/|\/invite\/|\/account\/email\/|\/reset\b/;

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

/** Proposes an idea through the board's propose form, in a tab of its own in `context`, and waits for the thanks. */
export async function proposeIdea(context: BrowserContext, board: string, title: string) {
	const page = await context.newPage();
	await page.goto(`${board}/new`);
	await page.getByLabel('Votre idée en quelques mots').fill(title);
	await page.getByRole('button', { name: 'Proposer mon idée' }).click();
	await expect(page.getByText('Merci ! Votre idée est sur le tableau.')).toBeVisible();
	await page.close();
}

/** A browser of its own (a device), signed in as `username` with a session of its own. */
export async function newSignedInContext(browser: Browser, username: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await signInByPost(page, username);
	return { context, page };
}

/** axe-core's browser script, read once per worker. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * WCAG 2.2 AA with axe-core: no serious or critical violation is tolerated.
 *
 * axe-core runs in the page itself (`axe.run` on the whole document), put there once per document: a
 * second check of the same page (the other width, or after a change in place) reuses it. This is what
 * `@axe-core/playwright` did less cheaply: it evaluated the 580 KB script again on every check, and
 * finished each in a blank page of its own (to merge the results of cross-origin frames, which this
 * app has none of). On a two-core machine a check took 1.4–1.8 s that way and 0.14–0.23 s this way
 * (the board, same rules, same result); the suite makes about 200 of them.
 */
export async function expectAccessible(page: Page) {
	if (!(await page.evaluate(() => typeof (window as { axe?: { run?: unknown } }).axe?.run === 'function'))) await page.evaluate(AXE_SOURCE);
	const violations = await page.evaluate(async (tags) => {
		const { axe } = window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } };
		const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
		return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
	}, WCAG_22_AA);
	const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(
		blocking.map((v) => ({ ...v, nodes: v.nodes.slice(0, 3) })),
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

/**
 * The fields of the page a finger or a shaky hand cannot hit: shown, and under 24 CSS px high (WCAG 2.2
 * target size, 2.5.8 AA). axe does not measure fields; a text field the stylesheet missed (written
 * without a type) stayed the browser’s 21 px box, and so did a file field’s button before it was styled.
 */
async function smallFields(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll<HTMLElement>('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=image]), select, textarea')]
			.filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
			.filter((el) => el.getBoundingClientRect().height < 24)
			.map((el) => `${el.tagName.toLowerCase()}#${el.id || '?'}[name=${el.getAttribute('name') ?? ''}] ${Math.round(el.getBoundingClientRect().height)} px`)
	);
}

/**
 * The words of the page cut across two lines ("Séance|s", "Déb|ut"): a column or a box squeezed below
 * the width of a word, which the body's `overflow-wrap: anywhere` then breaks anywhere. Shown text only;
 * a word is a run of letters, or of digits such as a time, of up to 24 characters. Left out: a word
 * joined to another by a dot, an @ or a hyphen (an address, an identifier or an e-mail may break where
 * it must; a break at a hyphen is a line break), and text the browser hyphenates (`hyphens: auto`).
 */
async function brokenWords(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const found: string[] = [];
		const hidden = (el: Element) => {
			for (let at: Element | null = el; at && at !== document.body; at = at.parentElement) {
				const style = getComputedStyle(at);
				if (style.clipPath !== 'none' || (style.clip && style.clip !== 'auto')) return true;
			}
			return !el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
		};
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		const range = document.createRange();
		for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
			const el = node.parentElement;
			if (!el || el.closest('script, style, [aria-hidden="true"]') || el.getClientRects().length === 0) continue;
			if (getComputedStyle(el).hyphens === 'auto' || hidden(el)) continue;
			for (const word of node.data.matchAll(/(?<![\p{L}\p{N}@_/.-])(?:\p{L}[\p{L}’']{1,23}|\d[\d:.,]{0,10}\d)(?![\p{L}\p{N}@_/]|[.@-][\p{L}\p{N}])/gu)) {
				range.setStart(node, word.index);
				range.setEnd(node, word.index + word[0].length);
				const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
				if (lines.size > 1) found.push(`${word[0]} (${el.tagName.toLowerCase()})`);
			}
		}
		return found;
	});
}

/**
 * The badges of the page stretched wider than their words on one line ("Non lu" drawn as a bar across
 * a notification: a badge alone in a column of blocks takes the column's width unless told otherwise).
 */
async function stretchedBadges(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const range = document.createRange();
		return [...document.querySelectorAll<HTMLElement>('.badge')]
			.filter((el) => el.getClientRects().length > 0)
			.filter((el) => {
				range.selectNodeContents(el);
				// Words on one line only: a badge whose words wrap is as wide as its column may be.
				const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
				return lines.size === 1 && el.getBoundingClientRect().width - range.getBoundingClientRect().width > 48;
			})
			.map((el) => `${el.textContent?.trim()} (${Math.round(el.getBoundingClientRect().width)} px)`);
	});
}

/** An axe check, no horizontal overflow, no field under the target size, no word cut across lines, no stretched badge and no "undefined" or "NaN" shown, at phone and desktop widths (and a screenshot at each with E2E_SCREENS=1). */
export async function checkPage(page: Page, name: string) {
	for (const [label, size] of [['360', PHONE], ['1280', DESKTOP]] as const) {
		await page.setViewportSize(size);
		await expectAccessible(page);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, `horizontal overflow at ${label}px on ${page.url()}`).toBeLessThanOrEqual(0);
		expect(await smallFields(page), `fields under 24 px at ${label}px on ${page.url()}`).toEqual([]);
		expect(await brokenWords(page), `words cut across lines at ${label}px on ${page.url()}`).toEqual([]);
		expect(await stretchedBadges(page), `badges stretched past their words at ${label}px on ${page.url()}`).toEqual([]);
		// What a page must never show a reader: a value missing from its data, alone or in a message key
		// ("board.status.undefined").
		const shown = await page.evaluate(() => document.body.innerText);
		expect(shown.match(/\bundefined\b|\bNaN\b|\[object Object\]/g) ?? [], `unfilled values on ${page.url()}`).toEqual([]);
		await screenshot(page, `${name}-${label}`);
	}
}

/** Signs out and waits until the page shows it: the sign-out form finishes asynchronously. */
export async function signOut(page: Page) {
	await page.getByRole('button', { name: /^(Se déconnecter|Sign out)$/ }).click();
	await expect(page.getByRole('banner').getByRole('link', { name: /^(Se connecter|Sign in)$/ })).toBeVisible();
}
