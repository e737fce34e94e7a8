import { expect, test, type APIRequestContext } from '@playwright/test';
import { NOT_WALKED } from './fixtures';
import { client } from './http';

/**
 * No dead end behind a link: as each kind of person of the demo (a guest, tenants, the agency's
 * staff, a body's chair, secretary and member, a trainer, a trainee, the administrator), every link
 * a page shows them, followed from the home page through every page it leads to, answers: a page, a
 * file, or a redirect to one. A link to a page they may not see, or to one that is not there (a
 * public live page of a body whose meetings are not public, a debrief that does not exist yet), is a
 * link the page should not have shown. GET only: following a link never changes anything.
 */
const PEOPLE = ['', 'amina', 'karim', 'claire.martin@lmh.demo', 'sophie.leroy@lcp.demo', 'marc.guerin@lcp.demo', 'fatou', 'nadia.formatrice@ccaura.demo', 'julien', 'admin@demo.test'];

async function walk(ctx: APIRequestContext, most: number) {
	const from = new Map<string, string>([['/', '(home)']]);
	const queue = ['/'];
	const dead: string[] = [];
	let pages = 0;
	while (queue.length > 0 && pages < most) {
		const path = queue.shift()!;
		pages++;
		const res = await ctx.get(path, { headers: { accept: 'text/html' } });
		const status = res.status();
		const location = res.headers()['location'];
		if (status >= 300 && status < 400 && location?.startsWith('/')) {
			if (!from.has(location)) {
				from.set(location, path);
				queue.push(location);
			}
			continue;
		}
		if (status !== 200) {
			dead.push(`${status} ${path} (a link on ${from.get(path)})`);
			continue;
		}
		if (!(res.headers()['content-type'] ?? '').includes('text/html')) continue;
		for (const [, raw] of (await res.text()).matchAll(/<a\b[^>]*?\bhref="([^"#]*)/g)) {
			const href = raw!.replaceAll('&amp;', '&');
			if (!href.startsWith('/') || href.startsWith('//') || NOT_WALKED.test(href) || from.has(href)) continue;
			from.set(href, path);
			queue.push(href);
		}
	}
	return { pages, dead, left: queue.length };
}

test.describe('links', () => {
	for (const who of PEOPLE) {
		test(`every link shown to ${who || 'a guest'} leads somewhere`, async () => {
			test.slow();
			const ctx = await client(who || undefined);
			// The demo has ~190 pages for the administrator; the other spec files on this server add
			// ideas, votes and meetings of their own. The cap only keeps a runaway walk finite.
			const { pages, dead, left } = await walk(ctx, 2000);
			expect(dead).toEqual([]);
			// The demo is walked whole, not cut short by the cap.
			expect(left).toBe(0);
			expect(pages).toBeGreaterThan(who ? 20 : 10);
			await ctx.dispose();
		});
	}
});
