/**
 * `secure_delete`'s role on PostgreSQL, through the ballot box itself (ballot-box.ts): a voter who
 * changes her secret vote leaves a dead row version of her first ballot in the table's page; the box
 * vacuums `ballots` (and `assisted_votes`) after the flush that erased it, before answering her, so
 * the old ballot is no longer an item of any page — for SQL or for a page inspector (pageinspect).
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsultationsService } from '$lib/server/services/consultations';
import { createTestAppOn, type TestApp } from '$lib/server/testing';
import { secretVote } from '../ballot-box/fixture';

let app: TestApp;
beforeEach(async () => {
	app = await createTestAppOn('postgres');
});
afterEach(() => app.close());

describe('the PostgreSQL ballot box', () => {
	it('a replaced secret ballot is gone from the table pages once the voter is answered', async () => {
		const { data } = app.services.deps;
		await data.rows(sql`create extension if not exists pageinspect`);
		// Groups of one: each vote is its own flush (the window would do the same, later).
		const svc = createConsultationsService(app.services.deps, { uploadDir: () => app.dir, ballotBox: { groupSize: 1, windowMs: 5, tallyEveryMs: 5 } });
		const s = await secretVote(app, 1, svc);
		const [first, second] = s.options as [string, string];
		const voter = s.voters[0]!;
		const { secret } = await svc.cast(voter, { consultationId: s.id, ballot: { choice: first } });
		const items = async () => {
			const pages = await data.rows<{ n: number }>(sql`select (pg_relation_size('ballots') / current_setting('block_size')::int)::int as n`);
			const found: string[] = [];
			for (let page = 0; page < Number(pages[0]!.n); page++) {
				const rows = await data.rows<{ data: string }>(sql`select encode(t_data, 'escape') as data from heap_page_items(get_raw_page('ballots', ${page})) where t_data is not null`);
				found.push(...rows.map((r) => r.data));
			}
			return found;
		};
		expect((await items()).some((d) => d.includes(first))).toBe(true);

		// She changes her mind: the box deletes the first ballot and writes a new one under a new random id.
		const changed = await svc.cast(voter, { consultationId: s.id, ballot: { choice: second }, secret });
		expect(changed.changed).toBe(true);
		const after = await items();
		expect(after.some((d) => d.includes(first))).toBe(false);
		expect(after.some((d) => d.includes(second))).toBe(true);
		// Counted once, with her second choice.
		const result = await svc.close(s.claire, { consultationId: s.id });
		expect(result?.tallies).toMatchObject({ [first]: 0, [second]: 1 });
		await svc.flushBallotBox();
	});
});
