/**
 * Secret-ballot forensics on the raw files: after secret votes, read the SQLite database file and its
 * WAL byte by byte, as someone holding a copy of them would, and try to pair a ballot with the
 * participation written with it. A second connection holds a read transaction open, which pins the
 * WAL (no checkpoint can reset it), so every commit of the votes stays readable in the -wal file.
 */
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditLog, ballots, participations } from '$lib/server/db/schema';
import { createConsultationsService } from '$lib/server/services/consultations';
import { sqliteDialect, type DialectHooks } from '$lib/server/services/consultations/ballot-box';
import { createTestApp, createTestAppOn, createUser, testEngines, type TestApp } from '$lib/server/testing';
import { secretVote, walCommits } from './fixture';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
});
afterEach(() => app.close());

const K = 4;

const holds = (pages: Buffer[], needle: string) => pages.some((p) => p.includes(needle, 0, 'latin1'));

/**
 * The attacker's view of a WAL: for each commit that shows ballots (by their secret hash) or
 * participations (by their id) not seen in an earlier one (nor in `seen`), how many of each. `seen`
 * gathers every row found.
 */
function votingCommits(wal: string, rows: { ballots: string[]; parts: string[] }, seen = { ballots: new Set<string>(), parts: new Set<string>() }) {
	const found: { ballots: number; parts: number }[] = [];
	for (const pages of walCommits(wal)) {
		const newBallots = rows.ballots.filter((h) => !seen.ballots.has(h) && holds(pages, h));
		const newParts = rows.parts.filter((p) => !seen.parts.has(p) && holds(pages, p));
		newBallots.forEach((h) => seen.ballots.add(h));
		newParts.forEach((p) => seen.parts.add(p));
		if (newBallots.length + newParts.length) found.push({ ballots: newBallots.length, parts: newParts.length });
	}
	return { found, seen };
}

describe('secret ballot box on disk', () => {
	it('no commit in the WAL holds one ballot with one participation, audit rows carry no per-vote time, and the WAL is truncated after a flush', async () => {
		// Every secret unit cleaned up at once (the deferred clean-up has its own test below).
		const svc = createConsultationsService(app.services.deps, { uploadDir: () => app.dir, ballotBox: { groupSize: K, windowMs: 60_000, tallyEveryMs: 60_000, cleanEveryMs: 0 } });
		const s = await secretVote(app, 3 * K, svc);
		const { db } = app.services.deps;
		// Pin the WAL: a reader's open snapshot keeps every later frame in the file.
		const reader = new Database(app.file, { readonly: true });
		reader.prepare('begin').run();
		reader.prepare('select count(*) from users').get();

		// Two groups of K, cast together as a busy evening would.
		await Promise.all(s.voters.slice(0, 2 * K).map((v, i) => svc.cast(v, { consultationId: s.id, ballot: { choice: s.options[i % 2]! } })));

		const cast = db.select().from(ballots).where(eq(ballots.consultationId, s.id)).all();
		const parts = db.select().from(participations).where(eq(participations.consultationId, s.id)).all();
		expect(cast).toHaveLength(2 * K);
		expect(parts).toHaveLength(2 * K);

		// The attacker's view: which ballot (by its secret hash) and which participation (by its id)
		// first appears in which commit.
		const { found, seen } = votingCommits(`${app.file}-wal`, { ballots: cast.map((b) => b.tokenHash!), parts: parts.map((p) => p.id) });
		// Never one ballot beside one participation: each commit holds a whole group, k of each.
		for (const commit of found) {
			expect(commit.ballots).toBeGreaterThanOrEqual(K);
			expect(commit.parts).toBe(commit.ballots);
		}
		// The parser did see every row (otherwise the checks above prove nothing).
		expect(seen.ballots.size).toBe(2 * K);
		expect(seen.parts.size).toBe(2 * K);
		expect(found.length).toBeGreaterThanOrEqual(1);

		// Audit: "participated" only, no per-vote time (a group shares its time), nothing of the ballot.
		const rows = db.select().from(auditLog).where(eq(auditLog.subjectId, s.id)).all();
		const voteRows = rows.filter((r) => r.action.startsWith('vote.'));
		expect(new Set(voteRows.map((r) => r.action))).toEqual(new Set(['vote.participated']));
		const sharing = (times: number[]) => [...new Set(times)].map((t) => times.filter((x) => x === t).length);
		expect(voteRows).toHaveLength(2 * K);
		for (const n of sharing(voteRows.map((r) => r.at.getTime()))) expect(n).toBeGreaterThanOrEqual(K);
		for (const n of sharing(parts.map((p) => p.at.getTime()))) expect(n).toBeGreaterThanOrEqual(K);
		const text = JSON.stringify(rows);
		for (const b of cast) expect(text).not.toContain(b.tokenHash!);

		// With the reader gone, the next flush checkpoints and truncates the WAL to nothing.
		reader.prepare('commit').run();
		reader.close();
		await Promise.all(s.voters.slice(2 * K, 3 * K).map((v) => svc.cast(v, { consultationId: s.id, ballot: { choice: s.options[0]! } })));
		expect(statSync(`${app.file}-wal`).size).toBe(0);
		// And the main file now holds the ballots, in random-id order: none sits beside "its" participation's time.
		const main = readFileSync(app.file);
		for (const b of db.select().from(ballots).where(eq(ballots.consultationId, s.id)).all()) expect(main.includes(b.tokenHash!, 0, 'latin1')).toBe(true);
		await svc.flushBallotBox();
	});

	it('groups of k that follow one another share one clean-up: each is on disk before its voters hear, each commit holds k of each, the timer truncates the WAL with no vote after it, and a group under k is cleaned up at once', async () => {
		const CLEAN_MS = 3000;
		const calls: string[] = [];
		// The real SQLite hooks, with a record of which ran before which acknowledgement.
		const dialect: DialectHooks = {
			...sqliteDialect,
			afterSecretFlush(storage, erased) {
				calls.push('clean');
				return sqliteDialect.afterSecretFlush(storage, erased);
			},
			deferSecretFlush(storage) {
				calls.push('sync');
				sqliteDialect.deferSecretFlush!(storage);
			}
		};
		const svc = createConsultationsService(app.services.deps, {
			uploadDir: () => app.dir,
			ballotBox: { groupSize: K, windowMs: 200, tallyEveryMs: 60_000, cleanEveryMs: CLEAN_MS, dialect }
		});
		const s = await secretVote(app, 4 * K + 1, svc);
		const wal = `${app.file}-wal`;
		const acks = (n: number) => new Array<string>(n).fill('ack');
		const group = (from: number, n = K) =>
			Promise.all(s.voters.slice(from, from + n).map((v, i) => svc.cast(v, { consultationId: s.id, ballot: { choice: s.options[i % 2]! } }).then(() => calls.push('ack'))));

		// The first group after a quiet moment: cleaned up before its voters hear.
		const { db } = app.services.deps;
		const rowsNow = () => ({
			ballots: db.select().from(ballots).where(eq(ballots.consultationId, s.id)).all().map((b) => b.tokenHash!),
			parts: db.select().from(participations).where(eq(participations.consultationId, s.id)).all().map((p) => p.id)
		});
		await group(0);
		expect(calls).toEqual(['clean', ...acks(K)]);
		expect(statSync(wal).size).toBe(0);
		const first = rowsNow();

		// Two more within CLEAN_MS: each made durable (the WAL fsynced) before its voters hear, not cleaned up yet.
		await group(K);
		await group(2 * K);
		expect(calls.slice(K + 1)).toEqual(['sync', ...acks(K), 'sync', ...acks(K)]);
		const now = rowsNow();
		expect(now.ballots).toHaveLength(3 * K);
		// What a copy of the WAL taken now shows: two commits, each with k new ballots beside k new
		// participations (the first group's rows, already in the file, may sit in the same pages).
		const { found, seen } = votingCommits(wal, now, { ballots: new Set(first.ballots), parts: new Set(first.parts) });
		expect(found).toEqual([
			{ ballots: K, parts: K },
			{ ballots: K, parts: K }
		]);
		expect(seen.ballots.size).toBe(3 * K);
		expect(seen.parts.size).toBe(3 * K);

		// No vote after them: the timer cleans up within CLEAN_MS of the last clean-up.
		await vi.waitFor(() => expect(statSync(wal).size).toBe(0), { timeout: CLEAN_MS + 5000, interval: 25 });
		expect(calls.at(-1)).toBe('clean');

		// Right after that clean-up a group of k is deferred again, but one vote alone (its window
		// ran out) is cleaned up at once, with the group before it.
		await group(3 * K);
		expect(calls.at(-K - 1)).toBe('sync');
		await group(4 * K, 1);
		expect(calls.slice(-2)).toEqual(['clean', 'ack']);
		expect(statSync(wal).size).toBe(0);
		await svc.flushBallotBox();
	});

	it('a reader holding an old snapshot does not hold up the votes: each group is on disk before its voters hear, and the WAL is emptied by itself once the reader lets go, with no vote after it', async () => {
		const outcomes: string[] = [];
		const svc = createConsultationsService(app.services.deps, {
			uploadDir: () => app.dir,
			ballotBox: { groupSize: K, windowMs: 60_000, tallyEveryMs: 60_000, cleanEveryMs: 0 }
		});
		const s = await secretVote(app, 2 * K, svc);
		const wal = `${app.file}-wal`;
		const client = app.services.deps.db.$client;
		// The writer waits for no lock inside SQLite (db/write-lock.ts): the emptying must leave it so.
		const timeout = client.pragma('busy_timeout', { simple: true });
		// What an export still reading, a backup or an operator's shell does: a read transaction left open.
		const reader = new Database(app.file, { readonly: true });
		reader.prepare('begin').run();
		reader.prepare('select count(*) from users').get();
		const commits: boolean[] = [];
		const stop = app.services.deps.data.onCommit(() => commits.push(true));
		const warn = vi.spyOn(console, 'warn').mockImplementation((...args) => void outcomes.push(String(args[0])));
		try {
			await Promise.all(s.voters.slice(0, K).map((v, i) => svc.cast(v, { consultationId: s.id, ballot: { choice: s.options[i % 2]! } })));
			// Answered with the reader still there: the group is in the WAL (synced), which cannot be emptied yet.
			expect(statSync(wal).size).toBeGreaterThan(0);
			expect(outcomes.some((m) => m.includes('a reader holds an old snapshot'))).toBe(true);
			// A crash now loses nothing: a copy of the files as they are holds the group.
			const copy = new Database(app.file, { readonly: true });
			expect((copy.prepare('select count(*) as n from ballots where consultation_id = ?').get(s.id) as { n: number }).n).toBe(K);
			copy.close();
			// The reader lets go; nothing else is written, and the WAL is emptied anyway.
			const before = commits.length;
			reader.prepare('commit').run();
			reader.close();
			await vi.waitFor(() => expect(statSync(wal).size).toBe(0), { timeout: 5000, interval: 10 });
			expect(commits.length).toBe(before);
			expect(outcomes.some((m) => m.includes('the WAL is emptied'))).toBe(true);
			// The writer's busy timeout is as the emptying found it.
			expect(client.pragma('busy_timeout', { simple: true })).toBe(timeout);
		} finally {
			warn.mockRestore();
			stop();
			if (reader.open) reader.close();
		}
		await svc.flushBallotBox();
	});
});

describe('secret ballot box and temporary files', () => {
	it('a group of votes writes nothing to a temporary file: the page images of its journals stay in memory', async () => {
		// SQLite names its temporary files, creates them in this directory and deletes them at once
		// (what was written stays in the disk's free blocks): a watcher sees every one created.
		const dir = mkdtempSync(join(tmpdir(), 'tib-sqlite-temp-'));
		const created: string[] = [];
		const watcher = watch(dir, (_event, name) => created.push(String(name)));
		const client = app.services.deps.db.$client;
		client.pragma(`temp_store_directory = '${dir}'`);
		try {
			const n = 40;
			const svc = createConsultationsService(app.services.deps, { uploadDir: () => app.dir, ballotBox: { groupSize: n, windowMs: 60_000, tallyEveryMs: 60_000 } });
			const s = await secretVote(app, n, svc);
			// A residence that has voted before: 30,000 earlier traces of participation. The group's new
			// traces then fall on pages of their own, and the unit's statements change more of the file
			// than SQLite keeps in memory for a journal that may go to a file (64 KB).
			client.transaction(() => {
				const earlier = client.prepare("insert into participation_traces (kind, source_id, user_id, space_residence_id, at) values ('voted', ?, ?, ?, 0)");
				for (let i = 0; i < 30_000; i++) earlier.run(`earlier-${i % 30}`, randomUUID(), s.residence.id);
			})();
			// One group of 40: one unit, whose few multi-row statements (and their triggers) change many pages.
			await Promise.all(s.voters.map((v, i) => svc.cast(v, { consultationId: s.id, ballot: { choice: s.options[i % 2]! } })));
			expect(app.services.deps.db.select().from(ballots).where(eq(ballots.consultationId, s.id)).all()).toHaveLength(n);
			// Leaves any event in flight time to arrive.
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(created).toEqual([]);
			expect(readdirSync(dir)).toEqual([]);
			await svc.flushBallotBox();
		} finally {
			client.pragma("temp_store_directory = ''");
			watcher.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

// The group's per-vote checks on both engines (on PostgreSQL the unit is SERIALIZABLE and may run again).
describe.each(testEngines)('secret ballot box groups on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	it('two members of one household in the same group: the first counts, the second is told, the others commit', async () => {
		const svc = createConsultationsService(app.services.deps, { uploadDir: () => app.dir, ballotBox: { groupSize: K, windowMs: 20, tallyEveryMs: 20 } });
		const s = await secretVote(app, K, svc);
		const partner = await createUser(app, { displayName: 'Conjoint', householdId: s.homes[0]!.id, roles: [{ ...s.space, role: 'tenant' }] });
		const results = await Promise.allSettled([
			svc.cast(s.voters[0]!, { consultationId: s.id, ballot: { choice: s.options[0]! } }),
			svc.cast(partner, { consultationId: s.id, ballot: { choice: s.options[1]! } }),
			...s.voters.slice(1).map((v) => svc.cast(v, { consultationId: s.id, ballot: { choice: s.options[1]! } }))
		]);
		// Which of the two reaches the box first depends on the path each took (a busy machine, a pool):
		// whichever it is counts, the other is told, and the rest of the group commits.
		const [mine, theirs, ...others] = results;
		expect([mine!.status, theirs!.status].sort()).toEqual(['fulfilled', 'rejected']);
		const refused = [mine, theirs].find((r) => r!.status === 'rejected') as PromiseRejectedResult;
		expect(String(refused.reason.code)).toMatch(/votes\.error\.household/);
		expect(others.map((r) => r.status)).toEqual(s.voters.slice(1).map(() => 'fulfilled'));
		expect(await app.services.deps.data.db.select().from(app.services.deps.data.t.ballots).where(eq(app.services.deps.data.t.ballots.consultationId, s.id))).toHaveLength(K);
		await svc.flushBallotBox();
	});
});
