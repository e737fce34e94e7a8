import { expect, test } from '@playwright/test';
import { checkPage, NOT_WALKED, signInByPost } from './fixtures';

/**
 * Easy-read French (FALC) sets every page in larger text with more space between lines. A page laid
 * out for the usual size can then run past a 360 px phone: the public organisation page's table of
 * residences did, by 22 px. So, as a guest and as a tenant (the readers easy-read is written for),
 * one page of each kind their links lead to, from the home page, gets the whole page check in
 * easy-read: axe, no horizontal overflow, fields, words and badges, at 360 and 1280 px. The walk
 * follows links shown on the pages (GET only, as links.spec does), leaving out files and one-time
 * addresses.
 */
/** Files, the printable poster and the site plan's image are not pages to check. */
const NOT_A_PAGE = /\.(csv|json|ics|pdf|png|svg)\b|\/poster\b|\/site-plan\b/;

for (const who of ['', 'amina']) {
	test(`every page ${who ? `a tenant (${who})` : 'a guest'} reaches fits a phone in easy-read French`, async ({ browser, baseURL }) => {
		test.slow();
		const context = await browser.newContext();
		await context.addCookies([{ name: 'easy-read', value: '1', url: baseURL! }]);
		const page = await context.newPage();
		if (who) await signInByPost(page, who);
		const queue = ['/'];
		const seen = new Set(queue);
		const checked: string[] = [];
		// One page of each kind: the eighteen ideas of the demo share one layout (their ids aside), and
		// checking each at two widths took two minutes of the suite.
		const kinds = new Set<string>();
		const kind = (path: string) => path.replace(/\/[a-z0-9]{16}(?=\/|$|\?)/g, '/:id').replace(/\?.*$/, '');
		while (queue.length > 0 && checked.length < 300) {
			const path = queue.shift()!;
			if (kinds.has(kind(path))) continue;
			kinds.add(kind(path));
			// A file (minutes in Markdown, an export) downloads instead of opening: not a page.
			const res = await page.goto(path).catch((err: Error) => (/Download is starting/.test(err.message) ? null : Promise.reject(err)));
			if (!(res?.headers()['content-type'] ?? '').includes('text/html')) continue;
			expect(res!.status(), path).toBe(200);
			await expect(page.locator('html')).toHaveAttribute('data-easy-read', 'true');
			for (const raw of await page.locator('a[href^="/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!))) {
				const href = raw.split('#')[0]!;
				if (href.startsWith('//') || NOT_WALKED.test(href) || NOT_A_PAGE.test(href) || seen.has(href)) continue;
				seen.add(href);
				queue.push(href);
			}
			await checkPage(page, `easy-read-${who || 'guest'}-${checked.length}`);
			checked.push(path);
		}
		expect(queue).toEqual([]);
		// The tenant's walk reaches her residence, its board, an idea and the votes.
		if (who) for (const part of [/^\/r\/[^/]+$/, /\/board$/, /\/board\/p\//, /\/consultations$/]) expect(checked.some((p) => part.test(p)), String(part)).toBe(true);
		await context.close();
	});
}
