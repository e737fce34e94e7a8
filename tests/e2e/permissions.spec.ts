import { expect, test, type Page } from '@playwright/test';
import { adminPosts, ids, post } from './admin-doors';
import { signIn, signOut } from './fixtures';

/**
 * Walks the permission matrix through the real pages: for each demo account, which spaces open,
 * which refuse, and which management tools show. The policy itself is unit-tested exhaustively in
 * src/lib/domain/policy.test.ts; this checks that every door goes through it.
 */

type Space = 'residence' | 'body' | 'training' | 'admin';
const FORBIDDEN = 'Vous n’avez pas le droit de faire cela ici.';

async function spaceUrls(page: Page): Promise<Record<Exclude<Space, 'admin'>, string>> {
	await signIn(page, 'admin@demo.test');
	await page.goto('/admin');
	await page.getByRole('link', { name: 'Lyon Métropole Habitat' }).click();
	const residence = (await page.getByRole('link', { name: 'L’Aventurière' }).getAttribute('href'))!;
	await page.goto('/admin');
	await page.getByRole('link', { name: 'Réseau des Lieux Collectifs de Proximité' }).click();
	const body = (await page.getByRole('link', { name: 'Comité de pilotage du réseau des LCP' }).getAttribute('href'))!;
	await page.goto('/admin');
	await page.getByRole('link', { name: /CCAURA/ }).click();
	const training = (await page.getByRole('link', { name: 'Action communautaire – session 2026' }).getAttribute('href'))!;
	await signOut(page);
	return { residence, body, training };
}

const matrix: { user: string; allowed: Space[]; manageResidence?: boolean }[] = [
	{ user: 'amina', allowed: ['residence', 'training'] },
	{ user: 'josiane', allowed: ['residence'] },
	{ user: 'claire.martin@lmh.demo', allowed: ['residence'], manageResidence: true },
	{ user: 'fatou', allowed: ['body'] },
	{ user: 'sophie.leroy@lcp.demo', allowed: ['body'] },
	{ user: 'nadia.formatrice@ccaura.demo', allowed: ['training'] },
	{ user: 'admin@demo.test', allowed: ['residence', 'body', 'training', 'admin'], manageResidence: true }
];

test('each role opens its own spaces and is refused elsewhere', async ({ page }) => {
	test.setTimeout(120_000);
	const urls = await spaceUrls(page);
	for (const { user, allowed, manageResidence } of matrix) {
		await page.context().clearCookies();
		await signIn(page, user);
		for (const space of ['residence', 'body', 'training', 'admin'] as const) {
			const response = await page.goto(space === 'admin' ? '/admin' : urls[space]);
			const ok = allowed.includes(space);
			expect(response?.status(), `${user} → ${space}`).toBe(ok ? 200 : 403);
			if (!ok) await expect(page.getByText(FORBIDDEN), `${user} → ${space}`).toBeVisible();
			if (ok && space === 'residence')
				await expect(page.getByRole('heading', { name: 'Codes pour rejoindre la résidence' }), `${user} manages the residence`).toHaveCount(manageResidence ? 1 : 0);
		}
	}
});

test('guests are asked to sign in for every private space, and read public pages', async ({ page }) => {
	const urls = await spaceUrls(page);
	await page.context().clearCookies();
	for (const url of [urls.residence, urls.body, urls.training, '/admin', '/admin/users']) {
		const response = await page.goto(url);
		expect(response?.status(), url).toBe(401);
		await expect(page.getByRole('link', { name: 'Se connecter' }).last()).toBeVisible();
	}
	expect((await page.goto('/o/lyon-metropole-habitat'))?.status()).toBe(200);
});

test('a form post to a space one does not manage is refused with a message, not a crash', async ({ page }) => {
	const urls = await spaceUrls(page);
	await page.context().clearCookies();
	await signIn(page, 'amina');
	const response = await page.request.post(`${urls.residence}?/createCode`, {
		form: { validDays: '30' },
		headers: { origin: new URL(page.url()).origin, accept: 'application/json' }
	});
	expect(response.status()).toBe(200);
	const body = (await response.json()) as { type: string; status: number; data: string };
	expect(body.type).toBe('failure');
	expect(body.status).toBe(403);
	expect(body.data).toContain(FORBIDDEN);
});

test('every administration action refuses every role but administrator, without relying on the layout', async ({ page }) => {
	test.setTimeout(120_000);
	const known = await ids(page);
	for (const user of ['claire.martin@lmh.demo', 'nadia.formatrice@ccaura.demo', 'sophie.leroy@lcp.demo', 'josiane']) {
		await page.context().clearCookies();
		await signIn(page, user);
		for (const [url, form] of adminPosts(known)) {
			const result = await post(page, url, form);
			expect([result.type, result.status], `${user} → ${url}`).toEqual(['failure', 403]);
		}
	}
});
