import { expect, test } from '@playwright/test';
import { adminPosts, ids, post, postFrom } from './admin-doors';
import { checkPage, DEMO_PASSWORD, signIn } from './fixtures';

/**
 * Issue 7, findings 2, 3, 6, 10 and the "Also" items on admin bounds and sessions: each attack is
 * replayed against the built app through its real doors (form posts, page data) and must now fail.
 */

const FORBIDDEN = 'Vous n’avez pas le droit de faire cela ici.';

test.describe('finding 2: administration doors ask the policy themselves', () => {
	test('a facilitator posting to every admin action is refused, and gains no role', async ({ page }) => {
		const known = await ids(page);
		const { residence } = known;
		await signIn(page, 'claire.martin@lmh.demo');
		const posts = adminPosts(known);
		for (const [url, form] of posts) {
			const result = await post(page, url, form);
			expect(result.type, url).toBe('failure');
			expect(result.status, url).toBe(403);
			expect(result.data, url).toContain(FORBIDDEN);
		}
		// She still manages her residence; Karim did not become staff; Amina is still a tenant of it.
		await page.goto(`/r/${residence}`);
		await expect(page.getByRole('heading', { name: 'Codes pour rejoindre la résidence' })).toBeVisible();
		await page.context().clearCookies();
		await signIn(page, 'karim');
		expect((await page.goto(`/r/${residence}`))?.status()).toBe(200);
		await expect(page.getByRole('heading', { name: 'Codes pour rejoindre la résidence' })).toHaveCount(0);
		await page.context().clearCookies();
		await signIn(page, 'amina');
		expect((await page.goto(`/r/${residence}`))?.status()).toBe(200);
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

test.describe('finding 3: access resets stay within what the facilitator runs', () => {
	test('a tenant who is also a trainee goes to an administrator; a tenant of the residence only gets a code', async ({ page }) => {
		const { residence, amina, karim } = await ids(page);
		await signIn(page, 'claire.martin@lmh.demo');
		await page.goto(`/r/${residence}`);
		const members = page.locator('ul.members > li');
		await expect(members.filter({ hasText: 'Amina B.' }).getByRole('button', { name: /Nouveau code d’accès/ })).toHaveCount(0);
		await expect(members.filter({ hasText: 'Karim D.' }).getByRole('button', { name: /Nouveau code d’accès/ })).toHaveCount(1);
		// The forged post for Amina (tenant here, trainee elsewhere) is refused with a clear message.
		const refused = await post(page, `/r/${residence}?/resetAccess`, { userId: amina });
		expect([refused.type, refused.status]).toEqual(['failure', 403]);
		expect(refused.data).toContain('Seule l’administration peut donner un nouveau code d’accès à ce compte');
		const granted = await post(page, `/r/${residence}?/resetAccess`, { userId: karim });
		expect(granted.type).toBe('success');
		expect(granted.data).toMatch(/[2-9A-Z]{4}-[2-9A-Z]{4}/);
	});
});

test.describe('finding 6: throttling, joins and what neighbours can read', () => {
	test('41 parallel guesses from one machine get 5 answers; the owner signs in from home at once', async ({ page, baseURL }) => {
		const guesses = await Promise.all(
			Array.from({ length: 41 }, () => postFrom('127.0.0.66', baseURL!, '/login', { username: 'karim', password: 'pas-le-bon-mot' }))
		);
		const statuses = guesses.map((g) => g.status);
		expect(statuses.filter((s) => s === 400)).toHaveLength(5);
		expect(statuses.filter((s) => s === 429)).toHaveLength(36);
		expect(guesses.find((g) => g.status === 429)?.data).toContain('Trop d’essais');
		await signIn(page, 'karim');
	});

	test('joins are limited per address', async ({ baseURL }) => {
		const tries = [];
		for (let i = 0; i < 21; i++)
			tries.push(await postFrom('127.0.0.67', baseURL!, '/join/ZZZZ-ZZZZ', { displayName: 'Robot', householdId: 'x', password: 'long-enough-passphrase' }));
		expect(tries.slice(0, 20).map((t) => t.status)).toEqual(Array(20).fill(404));
		expect(tries[20]!.status).toBe(429);
	});

	test('a tenant reads neighbours’ names but never their usernames or dwellings', async ({ page }) => {
		const { residence } = await ids(page);
		await signIn(page, 'karim');
		await page.goto(`/r/${residence}/board`);
		const proposal = await page.locator('a[href*="/board/p/"]').first().getAttribute('href');
		for (const path of [`/r/${residence}`, `/r/${residence}/board`, proposal!]) {
			const body = await (await page.request.get(`${path.replace(/\/$/, '')}/__data.json`)).text();
			expect(body, path).not.toContain('"josiane"');
			expect(body, path).not.toContain('"amina"');
			expect(body, path).not.toContain('claire.martin@lmh.demo');
			expect(body, path).not.toContain('householdId');
		}
	});
});

test.describe('finding 10: names cannot impersonate staff, and staff are marked', () => {
	test('joining as “Claire Martin” behind a right-to-left override is refused; staff carry a badge', async ({ page }) => {
		await page.goto('/join/AVEN-2026');
		await page.getByLabel('Votre nom (visible par vos voisins)').fill('\u202Eclaire  MARTIN\u202C');
		await page.getByLabel('Votre logement').selectOption({ index: 1 });
		await page.getByRole('button', { name: 'Créer mon compte' }).click();
		await expect(page.getByText('Ce nom est celui d’un membre de l’équipe')).toBeVisible();
		await page.getByLabel('Votre nom (visible par vos voisins)').fill('Claire M.\u200B');
		await page.getByLabel('Votre logement').selectOption({ index: 1 });
		await page.getByRole('button', { name: 'Créer mon compte' }).click();
		await expect(page).toHaveURL(/\/welcome$/);
		await page.context().clearCookies();
		const { residence } = await ids(page);
		await signIn(page, 'karim');
		await page.goto(`/r/${residence}`);
		const members = page.locator('ul.members > li');
		await expect(members.filter({ hasText: 'Claire Martin' }).getByText(/^équipe/)).toBeVisible();
		await expect(members.filter({ hasText: 'Claire M.' }).filter({ hasNotText: 'Claire Martin' }).getByText(/^équipe/)).toHaveCount(0);
		await checkPage(page, 'residence-members-staff-badge');
	});
});
