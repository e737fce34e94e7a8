import { expect, test } from '@playwright/test';
import { adminPosts, ids, post } from './admin-doors';
import { DEMO_PASSWORD, signIn } from './fixtures';

/**
 * Issue 7, findings 2, 3, 6, 10 and the "Also" items on admin bounds and sessions: each attack is
 * replayed against the built app through its real doors (form posts, page data) and must now fail.
 */

const FORBIDDEN = 'Vous n’avez pas le droit de faire cela ici.';

test.describe('finding 2: administration doors ask the policy themselves', () => {
	test('a facilitator posting to every admin action is refused, and gains no role', async ({ page }) => {
		const { residence, organisation, claire, karim } = await ids(page);
		await signIn(page, 'claire.martin@lmh.demo');
		const posts = adminPosts({ residence, organisation, claire, karim });
		for (const [url, form] of posts) {
			const result = await post(page, url, form);
			expect(result.type, url).toBe('failure');
			expect(result.status, url).toBe(403);
			expect(result.data, url).toContain(FORBIDDEN);
		}
		// She still manages her residence; Karim did not become staff.
		await page.goto(`/r/${residence}`);
		await expect(page.getByRole('heading', { name: 'Codes pour rejoindre la résidence' })).toBeVisible();
		await page.context().clearCookies();
		await signIn(page, 'karim');
		expect((await page.goto(`/r/${residence}`))?.status()).toBe(200);
		await expect(page.getByRole('heading', { name: 'Codes pour rejoindre la résidence' })).toHaveCount(0);
	});

	test('a guest posting to an admin action is asked to sign in', async ({ page }) => {
		await page.goto('/');
		const result = await post(page, '/admin?/createOrganisation', { name: 'Bailleur pirate', kind: 'landlord' });
		expect(result.type).toBe('failure');
		expect(result.status).toBe(401);
	});
});

test.describe('"Also": bounded administration and one session per device', () => {
	test('a residence of 200,000 dwellings is refused with a clear message', async ({ page }) => {
		const { organisation } = await ids(page);
		await signIn(page, 'admin@demo.test');
		await page.goto(`/admin/o/${organisation}`);
		const buildings = Array.from({ length: 100 }, (_, i) => `Tour ${i + 1}; 2000`).join('\n');
		const result = await post(page, `/admin/o/${organisation}?/createResidence`, { name: 'Cité géante', buildings });
		expect(result.type).toBe('failure');
		expect(result.status).toBe(400);
		expect(result.data).toContain('Au plus 5 000 logements par résidence');
		await page.goto(`/admin/o/${organisation}`);
		await expect(page.getByRole('link', { name: 'Cité géante' })).toHaveCount(0);
	});

	test('signing in again on the same device ends the previous session on the server', async ({ page, browser }) => {
		await signIn(page, 'amina');
		const first = (await page.context().cookies()).find((c) => c.name === 'session')!.value;
		// The same browser signs in again (a shared phone handed to the next person, say).
		const again = await post(page, '/login', { username: 'josiane', password: DEMO_PASSWORD });
		expect(again.type).toBe('redirect');
		const second = (await page.context().cookies()).find((c) => c.name === 'session')!.value;
		expect(second).not.toBe(first);
		// Someone who copied the first cookie gets nothing from it any more.
		const thief = await browser.newContext();
		await thief.addCookies([{ name: 'session', value: first, url: new URL(page.url()).origin }]);
		const response = await thief.request.get('/account', { maxRedirects: 0 });
		expect(response.status()).toBe(303);
		expect(response.headers()['location']).toBe('/login');
		await thief.close();
	});
});
