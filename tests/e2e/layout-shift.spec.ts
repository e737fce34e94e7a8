import { expect, test, type Page } from '@playwright/test';
import { DESKTOP, newSignedInContext, PHONE } from './fixtures';
import { aventuriereId, client, lcpCommitteeId } from './http';

/**
 * Nothing moves once a page is on screen. The live parts (the connection's status, who is here, the
 * co-editor's toolbar) arrive after the page, and used to be put in above what was already shown: the
 * buttons below jumped by 12 to 106 px a moment after they could be pressed, so a tap or a click
 * landed on something else (CI lost a minutes submission this way: the click was sent as the
 * co-editor's toolbar and the other author's name pushed the button down). Each page is now served
 * with the live parts' places held. Measured with the browser's own layout-shift entries (what moved,
 * and how far), from the first paint until every live part is there, on a CPU slowed four times so
 * that they come late.
 */

const CHAIR = 'sophie.leroy@lcp.demo';
const SECRETARY = 'marc.guerin@lcp.demo';

/** What moved: each element the browser saw move in <main>, and by how many pixels down (or up). */
interface Moved {
	element: string;
	down: number;
}

async function watchShifts(page: Page) {
	await page.addInitScript(() => {
		const into: unknown[] = [];
		Object.assign(window, { shifts: into });
		// The first frame: had the browser read the whole page (down to app.html's last element)?
		requestAnimationFrame(() => Object.assign(window, { firstFrameWhole: !!document.getElementById('end') }));
		new PerformanceObserver((list) => {
			for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] })[]) {
				if (e.hadRecentInput) continue;
				const name = (n: Element) => `${n.tagName.toLowerCase()}${n.getAttribute('class') ? `.${n.getAttribute('class')!.trim().split(/\s+/).join('.')}` : ''} in ${n.closest('[aria-labelledby]')?.getAttribute('aria-labelledby') ?? 'main'}`;
				for (const s of e.sources ?? []) {
					// The page's own content (the site header's notification count is live news, not a late
					// part); an element that was not there, or is gone, is not one that moved.
					if (!(s.node instanceof Element) || !s.node.closest('main') || !s.previousRect.height || !s.currentRect.height) continue;
					into.push({ element: name(s.node), down: Math.round(s.currentRect.y - s.previousRect.y) });
				}
			}
		}).observe({ type: 'layout-shift', buffered: true });
	});
	// Slow, so that the live parts arrive well after the page is shown, as on a cheap phone.
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

const moved = (page: Page) => page.evaluate(() => (window as unknown as { shifts: Moved[] }).shifts);

/**
 * A move this small keeps a finger on its target (a button is 44 px high, WCAG's smallest target 24):
 * CI once saw a staff badge and its icon settle 3 to 4 px inside a card's title line on a busy machine.
 */
const WITHIN_A_TARGET = 8;

/**
 * Nothing went up or down (a badge whose text changes its width, "Connexion…" to "En direct", moves
 * sideways in place), and the page was first shown whole: a slow phone used to paint a page it had
 * only half read, whose rest then pushed down what was shown (a card's counts by 27 px, an idea's
 * menu by 49), which app.html's `<link rel="expect">` stops.
 */
async function expectNothingMoved(page: Page, what: string) {
	const far = (await moved(page)).filter((m) => Math.abs(m.down) > WITHIN_A_TARGET);
	expect.soft(far, `${what}: these moved up or down`).toEqual([]);
	expect.soft(await page.evaluate(() => (window as unknown as { firstFrameWhole?: boolean }).firstFrameWhole), `${what}: the first frame showed the whole page`).toBe(true);
}

/**
 * Opens a page twice and measures the second time: the first brings the app's fonts and scripts into
 * the browser's cache (a font arriving late is another matter), as for someone who comes back.
 */
async function measure(page: Page, url: string, what: string, live: () => Promise<void>) {
	await page.goto(url);
	await live();
	await page.evaluate(() => document.fonts.ready);
	await page.goto(url);
	await live();
	await expectNothingMoved(page, what);
}

/** A new idea of Amina's, which no other test touches (nothing live happens to it meanwhile): its page. */
async function newIdea(): Promise<{ board: string; idea: string }> {
	const residence = aventuriereId();
	const amina = await client('amina');
	const posted = await amina.post(`/r/${residence}/board/new`, {
		form: { title: 'Des bancs à l’ombre, sans sursaut', description: 'Les personnes âgées attendent debout devant l’entrée.\nDeux bancs à l’ombre suffiraient, près de la porte du bâtiment A.', category: 'furniture' }
	});
	expect(posted.status()).toBe(303);
	await amina.dispose();
	const id = new URL(posted.headers()['location']!, 'http://x').searchParams.get('created');
	return { board: `/r/${residence}/board`, idea: `/r/${residence}/board/p/${id}` };
}

/** Nobody else is online in her spaces: someone coming or going while it is measured would be news that moves the line, not a late part. */
async function quiet(page: Page) {
	for (const line of await page.locator('p.online').all()) await expect(line).toContainText('Personne d’autre');
}

for (const width of [PHONE.width, DESKTOP.width]) {
	test(`at ${width} px the home page, the board and an idea do not move as their live parts arrive`, async ({ browser }) => {
		// Amina, a tenant, wrote the idea: she may co-edit its description. A tall window: the whole
		// page is in view, so a shift anywhere on it counts.
		const { context, page } = await newSignedInContext(browser, 'amina', { viewport: { width, height: 2400 } });
		await watchShifts(page);
		const { board, idea } = await newIdea();

		await measure(page, '/', 'home', async () => {
			await expect(page.locator('.status .badge')).toHaveText('En direct');
			await quiet(page);
		});
		// (On a wide screen its cards moved 107-126 px as the rest of a half-read page came in.)
		await measure(page, board, 'board', async () => {
			await expect(page.getByTestId('live-status')).toHaveText('En direct');
			await expect(page.getByTestId('board-presence')).toBeVisible();
		});
		// Her idea: the co-editor's toolbar arrives with the editor, the hold-to-speak button (fetched
		// after the page) above the voice comment's file field.
		await measure(page, idea, 'idea', async () => {
			await expect(page.getByTestId('live-status')).toHaveText('En direct');
			await expect(page.getByRole('button', { name: 'Gras' })).toBeEnabled();
			await expect(page.locator('.collab-status')).toHaveText('En direct');
			await expect(page.getByRole('button', { name: 'Maintenir pour parler' })).toBeVisible();
		});
		await context.close();
	});
}

test('at 360 px a survey asked by a one-time link does not move as its hold-to-speak button arrives', async ({ browser }) => {
	// Claire, of the agency, asks L’Aventurière with a question said out loud at the end.
	const residence = aventuriereId();
	const staff = await client('claire.martin@lmh.demo');
	const closesOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
	const created = await staff.post(`/surveys/residence/${residence}?/create`, { form: { template: 'wellbeing', title: 'À voix haute, sans sursaut', audience: 'residence', closesOn, voice: 'on' } });
	expect(created.status()).toBe(303);
	const links = await staff.post(`${created.headers()['location']}?/links`, { form: { count: '1' } });
	const link = /\/q\/[\w-]+\/[\w-]+/.exec(await links.text())?.[0];
	expect(link).toBeTruthy();
	await staff.dispose();

	const context = await browser.newContext({ viewport: { width: PHONE.width, height: 2400 } });
	const page = await context.newPage();
	await watchShifts(page);
	await measure(page, link!, 'survey', async () => {
		await expect(page.getByRole('button', { name: 'Maintenir pour parler' })).toBeVisible();
	});
	await context.close();
});

test('the minutes page does not move as the co-editors, the toolbars and the other author arrive: the submit button stays under the pointer', async ({ browser }) => {
	const chairApi = await client(CHAIR);
	const scheduled = await chairApi.post(`/b/${lcpCommitteeId()}/meetings?/schedule`, { form: { title: 'Comité sans sursaut', startsAt: `${new Date().toISOString().slice(0, 10)}T18:00`, durationMin: '60', place: '', description: '' } });
	const meetingPath = scheduled.headers()['location']!;
	expect((await chairApi.post(`${meetingPath}/room?/open`, { form: {} })).status()).toBeLessThan(400);
	expect((await chairApi.post(`${meetingPath}/room?/close`, { form: {} })).status()).toBeLessThan(400);
	const minutesUrl = `${meetingPath}/minutes`;

	// The chair is on the text already: her name arrives on the secretary's page after it is shown.
	const chair = await newSignedInContext(browser, CHAIR, { viewport: DESKTOP });
	await chair.page.goto(minutesUrl);
	await expect(chair.page.locator('.collab-status').first()).toHaveText('En direct');

	// A tall window: the whole page is in view, so a shift anywhere on it counts (and no scrolling).
	const secretary = await newSignedInContext(browser, SECRETARY, { viewport: { width: DESKTOP.width, height: 2400 } });
	await watchShifts(secretary.page);
	const general = secretary.page.getByRole('region', { name: 'Généralités' });
	await measure(secretary.page, minutesUrl, 'minutes', async () => {
		await expect(general.locator('.collab-status')).toHaveText('En direct');
		await expect(general.getByRole('button', { name: 'Gras' })).toBeAttached();
		await expect(general.locator('.collab-peers')).toContainText('Sophie Leroy');
	});
	await expect(secretary.page.getByRole('button', { name: 'Soumettre aux participants' })).toBeVisible();

	for (const c of [chair, secretary]) await c.context.close();
	await chairApi.dispose();
});
