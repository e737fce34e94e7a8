/**
 * Assisted votes keep the ballot box's promise (see ballot-box.ts): once tenants confirm the votes
 * staff recorded for them, the ballots enter the pool and are written in shuffled groups like any
 * secret vote; the waiting copy beside the voter's name is erased (not left in the file); the one
 * who recorded holds no secret. The files are read byte by byte, as in forensics.test.ts.
 */
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assistedVotes, ballots, participations } from '$lib/server/db/schema';
import { createConsultationsService } from '$lib/server/services/consultations';
import { createTestApp, type TestApp } from '$lib/server/testing';
import { secretVote, walCommits } from './fixture';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
});
afterEach(() => app.close());

const K = 4;

const occurrences = (buf: Buffer, needle: string) => {
	let n = 0;
	for (let at = buf.indexOf(needle, 0, 'latin1'); at !== -1; at = buf.indexOf(needle, at + 1, 'latin1')) n++;
	return n;
};

describe('assisted secret ballots on disk', () => {
	it('confirmed assisted ballots are written in groups of k, the waiting copies are erased from the file, and the recorder holds no secret', async () => {
		const svc = createConsultationsService(app.services.deps, { uploadDir: () => app.dir, ballotBox: { groupSize: K, windowMs: 60_000, tallyEveryMs: 60_000 } });
		const s = await secretVote(app, 2 * K, svc);
		const { db } = app.services.deps;
		const recorded = [];
		for (const [i, v] of s.voters.entries()) recorded.push(await svc.recordAssisted(s.claire, { consultationId: s.id, voterId: v.id, channel: 'phone', ballot: { choice: s.options[i % 2]! } }));
		// Nothing the recorder was given could open a ballot.
		for (const r of recorded) expect(JSON.stringify(r)).not.toMatch(/secret|code|token/i);
		const waiting = db.select().from(assistedVotes).where(eq(assistedVotes.consultationId, s.id)).all();
		expect(waiting.every((w) => w.ballot !== null)).toBe(true);

		const reader = new Database(app.file, { readonly: true });
		reader.prepare('begin').run();
		reader.prepare('select count(*) from users').get();
		const before = walCommits(`${app.file}-wal`).length;
		// The tenants confirm, on the same evening, each in her own session.
		const confirmed = await Promise.all(s.voters.map((v) => svc.confirm(v, { consultationId: s.id })));
		for (const c of confirmed) expect(c.secret).toMatch(/^[a-z2-7]{24}$/);

		const cast = db.select().from(ballots).where(eq(ballots.consultationId, s.id)).all();
		expect(cast).toHaveLength(2 * K);
		expect(cast.every((b) => b.participationId === null && b.tokenHash !== null)).toBe(true);
		const commits = walCommits(`${app.file}-wal`).slice(before);
		const seen = new Set<string>();
		let voting = 0;
		for (const pages of commits) {
			const fresh = cast.map((b) => b.tokenHash!).filter((h) => !seen.has(h) && pages.some((p) => p.includes(h, 0, 'latin1')));
			fresh.forEach((h) => seen.add(h));
			if (fresh.length === 0) continue;
			voting++;
			// Never one confirmed ballot alone in a commit: a whole group of k or more.
			expect(fresh.length).toBeGreaterThanOrEqual(K);
		}
		expect(seen.size).toBe(2 * K);
		expect(voting).toBeGreaterThanOrEqual(1);
		// Confirmations of a group share one time: the order of confirmations says nothing.
		const times = db.select().from(participations).where(eq(participations.consultationId, s.id)).all().map((p) => p.confirmedAt!.getTime());
		for (const t of new Set(times)) expect(times.filter((x) => x === t).length).toBeGreaterThanOrEqual(K);

		// The waiting copies are gone from the rows…
		expect(db.select().from(assistedVotes).where(eq(assistedVotes.consultationId, s.id)).all().every((w) => w.ballot === null && w.state === 'confirmed')).toBe(true);
		reader.prepare('commit').run();
		reader.close();
		// …and from the file: after a checkpoint, each choice appears exactly as often as ballots hold it.
		db.$client.pragma('wal_checkpoint(TRUNCATE)');
		expect(statSync(`${app.file}-wal`).size).toBe(0);
		const main = readFileSync(app.file);
		for (const option of s.options) expect(occurrences(main, `{"choice":"${option}"}`)).toBe(cast.filter((b) => (b.content as { choice?: string }).choice === option).length);
		await svc.flushBallotBox();
	});
});
