import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { client, DB_PATH } from './http';

/**
 * Issue 9 item 3: reads never write. Every page a person reaches by following links from home
 * (and its `__data.json`) is fetched with GET, as several people, and the database must come out
 * byte for byte the same: no consultation opened or closed by a page load, no audit entry, no
 * notification marked, nothing. The scheduler writes transitions, the forms write the rest.
 */

/**
 * The mail worker writes on its own clock (every 30 s: a digest or an immediate e-mail whose delay has
 * passed, for notifications an earlier spec on this server left, and the outbox's delivery). That is
 * not a read, and it may fall in the middle of the crawl: its outbox, the mark it leaves on
 * notifications and the unsubscribe key it makes for a person's first e-mail (mail_keys: only the
 * mail pass makes one, mail-pass.ts) are left out. Everything else a page load could touch (read
 * marks included) is kept.
 */
const WRITTEN_BY_THE_MAIL_WORKER: Record<string, string[] | 'table'> = { mail_outbox: 'table', notifications: ['emailed_at'], mail_keys: 'table' };

/**
 * The votes' traces of participation are written by a fold of their own (services/indicators/vote-traces.ts):
 * at most two seconds after the votes, and at the server's start for the votes the seed queued. Votes an
 * earlier spec on this server cast may still be queued. That fold is not a read either: the crawl starts
 * once it has run, and then nothing is queued.
 */
async function votesTracesFolded(): Promise<void> {
	const queued = () => {
		const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
		try {
			return (db.prepare('select count(*) as n from participation_trace_queue').get() as { n: number }).n;
		} finally {
			db.close();
		}
	};
	await expect.poll(queued, { timeout: 30_000, intervals: [100, 250, 500] }).toBe(0);
}

/** A digest of every row of each table (sessions included), in a stable order, by table. */
function databaseDigest(): Record<string, string> {
	const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
	try {
		const digests: Record<string, string> = {};
		const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[];
		for (const { name } of tables) {
			const left = WRITTEN_BY_THE_MAIL_WORKER[name];
			if (left === 'table') continue;
			const statement = db.prepare(`select * from "${name}" order by rowid`).raw();
			const skip = new Set(statement.columns().flatMap((c, i) => (left?.includes(c.name) ? [i] : [])));
			const hash = createHash('sha256');
			for (const row of statement.all() as unknown[][]) {
				hash.update(JSON.stringify(row.filter((_v, i) => !skip.has(i)), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)) + '\n');
			}
			digests[name] = hash.digest('hex');
		}
		return digests;
	} finally {
		db.close();
	}
}

/** Links a page offers that a GET may follow: same site, no sign-out, no file downloads that are not pages. */
function links(html: string): string[] {
	return [...html.matchAll(/href="(\/[^"#]*)"/g)]
		.map((m) => m[1]!.replace(/&amp;/g, '&'))
		.filter((href) => !href.startsWith('/logout') && !href.startsWith('/_app') && !/\.(css|js|png|webp|svg|ico|ics|csv|json)(\?|$)/.test(href));
}

test('following every link as a tenant, a facilitator, a chair and an administrator writes nothing', async () => {
	test.setTimeout(240_000);
	// Sign in first: signing in writes a session, which is not what is measured.
	const people = await Promise.all(['amina', 'claire.martin@lmh.demo', 'sophie.leroy@lcp.demo', 'admin@demo.test'].map((u) => client(u)));
	await votesTracesFolded();
	const before = databaseDigest();
	let pages = 0;
	for (const ctx of people) {
		const seen = new Set<string>();
		const queue = ['/'];
		while (queue.length > 0 && seen.size < 60) {
			const path = queue.shift()!;
			if (seen.has(path)) continue;
			seen.add(path);
			const res = await ctx.get(path);
			expect(res.status(), path).toBeLessThan(500);
			if (!(res.headers()['content-type'] ?? '').includes('text/html')) continue;
			pages += 1;
			await ctx.get(`${path.split('?')[0]!.replace(/\/$/, '')}/__data.json${path.includes('?') ? `?${path.split('?')[1]}` : ''}`);
			for (const next of links(await res.text())) if (!seen.has(next)) queue.push(next);
		}
	}
	expect(pages).toBeGreaterThan(40);
	const after = databaseDigest();
	// The tables that changed, by name, so a failure says where the write went.
	expect(Object.keys(after).filter((name) => after[name] !== before[name])).toEqual([]);
	expect(after).toEqual(before);
	for (const ctx of people) await ctx.dispose();
});
