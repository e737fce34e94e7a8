/**
 * Durability levels on SQLite (issue 15; db/data.ts file comment): the writer runs at
 * `synchronous=NORMAL`, a unit written with `{ durable: true }` commits at FULL and the connection
 * is back at NORMAL afterwards, a durable write joining an ordinary unit gets its WAL fsynced after
 * the commit, and ordinary commits survive a SIGKILL of the process (WAL at NORMAL).
 * The levels are read from the writer connection itself (`PRAGMA synchronous` inside the unit, on
 * the unit's connection) and reported by `data.onCommit`, read just before each COMMIT.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './index';
import { sqliteData, type CommitInfo, type Data } from './data';
import { killMidStream } from '../testing/sigkill';

const NORMAL = 1;
const FULL = 2;

let dir: string;
let file: string;
let writer: Db;
let data: Data;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'tib-durability-'));
	file = join(dir, 'app.db');
	writer = openDatabase(file);
	data = sqliteData(writer);
});
afterEach(async () => {
	await data.close();
	if (writer.$client.open) writer.$client.close();
	rmSync(dir, { recursive: true, force: true });
});

/** The writer's level as the unit's own connection sees it (inside a unit, `data.rows` runs on it). */
const levelInside = async () => Number((await data.rows<{ synchronous: number }>(sql`pragma synchronous`))[0]?.synchronous);
const writerLevel = () => Number(writer.$client.pragma('synchronous', { simple: true }));
const org = (id: string) => ({ id, slug: id, name: `Bailleur ${id}`, kind: 'landlord' as const, createdAt: new Date('2026-12-01T06:00:00Z') });

function recordCommits() {
	const commits: CommitInfo[] = [];
	const stop = data.onCommit((c) => commits.push(c));
	return { commits, stop };
}

describe('SQLite durability levels', () => {
	it('opens the writer in WAL mode at synchronous=NORMAL', () => {
		expect(writer.$client.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(writerLevel()).toBe(NORMAL);
	});

	it('an ordinary unit commits at NORMAL; a durable one at FULL, and the writer is back at NORMAL after it', async () => {
		const { commits } = recordCommits();
		const seen: Record<string, number> = {};
		await data.write(async (tx) => {
			await tx.insert(data.t.organisations).values(org('plain'));
			seen.plain = await levelInside();
		});
		await data.write(
			async (tx) => {
				await tx.insert(data.t.organisations).values(org('vote'));
				seen.vote = await levelInside();
			},
			{ durable: true }
		);
		expect(seen).toEqual({ plain: NORMAL, vote: FULL });
		expect(commits).toEqual([
			{ durable: false, synchronous: NORMAL, walSynced: false },
			{ durable: true, synchronous: FULL, walSynced: false }
		]);
		expect(writerLevel()).toBe(NORMAL);
		// Both committed: the reading connection sees them.
		expect((await data.db.select({ id: data.t.organisations.id }).from(data.t.organisations)).map((r) => r.id).sort()).toEqual(['plain', 'vote']);
	});

	it('units queued together each commit at their own level, whatever their order', async () => {
		const { commits } = recordCommits();
		const levels: [string, number][] = [];
		const unit = (id: string, durable: boolean) =>
			data.write(
				async (tx) => {
					await tick();
					await tx.insert(data.t.organisations).values(org(id));
					await tick();
					levels.push([id, await levelInside()]);
				},
				{ durable }
			);
		await Promise.all([unit('a', false), unit('b', true), unit('c', false), unit('d', true), unit('e', true), unit('f', false)]);
		expect(levels).toEqual([
			['a', NORMAL],
			['b', FULL],
			['c', NORMAL],
			['d', FULL],
			['e', FULL],
			['f', NORMAL]
		]);
		expect(commits.map((c) => [c.durable, c.synchronous])).toEqual([
			[false, NORMAL],
			[true, FULL],
			[false, NORMAL],
			[true, FULL],
			[true, FULL],
			[false, NORMAL]
		]);
		expect(writerLevel()).toBe(NORMAL);
	});

	it('a durable unit that fails is rolled back and leaves the writer at NORMAL', async () => {
		await expect(
			data.write(
				async (tx) => {
					await tx.insert(data.t.organisations).values(org('lost'));
					throw new Error('refused');
				},
				{ durable: true }
			)
		).rejects.toThrow('refused');
		expect(writerLevel()).toBe(NORMAL);
		expect(await data.db.select().from(data.t.organisations)).toEqual([]);
		// The next ordinary unit runs at NORMAL.
		await data.write(async () => void expect(await levelInside()).toBe(NORMAL));
	});

	it('a durable write joining an ordinary unit makes the unit durable: committed, then its WAL fsynced', async () => {
		const { commits } = recordCommits();
		await data.write(async (tx) => {
			await tx.insert(data.t.organisations).values(org('outer'));
			// Too late to change the level inside the transaction (SQLite refuses): the unit is marked.
			await data.write((inner) => inner.insert(data.t.organisations).values(org('ballot')).then(() => undefined), { durable: true });
		});
		expect(commits).toEqual([{ durable: true, synchronous: NORMAL, walSynced: true }]);
		expect(writerLevel()).toBe(NORMAL);
	});

	it('a unit whose caller syncs the WAL itself commits with no sync and no automatic checkpoint, then the writer is back; a durable write joining it still gets the WAL fsynced', async () => {
		const { commits } = recordCommits();
		const pages = Number(writer.$client.pragma('wal_autocheckpoint', { simple: true }));
		let inside: number | undefined;
		await data.write(
			async (tx) => {
				await tx.insert(data.t.organisations).values(org('flushed'));
				inside = Number((await data.rows<{ wal_autocheckpoint: number }>(sql`pragma wal_autocheckpoint`))[0]?.wal_autocheckpoint);
			},
			{ syncedByCaller: true }
		);
		await data.write(
			async (tx) => {
				await tx.insert(data.t.organisations).values(org('joined'));
				await data.write((inner) => inner.insert(data.t.organisations).values(org('ballot')).then(() => undefined), { durable: true });
			},
			{ syncedByCaller: true }
		);
		expect(inside).toBe(0);
		expect(commits).toEqual([
			{ durable: false, synchronous: 0, walSynced: false },
			{ durable: true, synchronous: 0, walSynced: true }
		]);
		expect(writerLevel()).toBe(NORMAL);
		expect(Number(writer.$client.pragma('wal_autocheckpoint', { simple: true }))).toBe(pages);
		expect(pages).toBeGreaterThan(0);
	});

	it('a connection opened at FULL stays at FULL for every unit', async () => {
		writer.$client.pragma('synchronous = FULL');
		const full = sqliteData(writer);
		try {
			const { commits, stop } = (() => {
				const commits: CommitInfo[] = [];
				return { commits, stop: full.onCommit((c) => commits.push(c)) };
			})();
			await full.write((tx) => tx.insert(full.t.organisations).values(org('x')).then(() => undefined));
			await full.write((tx) => tx.insert(full.t.organisations).values(org('y')).then(() => undefined), { durable: true });
			stop();
			expect(commits.map((c) => c.synchronous)).toEqual([FULL, FULL]);
			expect(writerLevel()).toBe(FULL);
		} finally {
			await full.close();
		}
	});

	it('every acknowledged ordinary commit (NORMAL, no fsync) survives a SIGKILL of the process', async () => {
		// The child opens the same file, writes one ordinary unit per row and prints "ack <id>" after each.
		writer.$client.close();
		const { acked, signal } = await killMidStream(resolve(import.meta.dirname, 'durability-child.ts'), file, 300);
		expect(signal).toBe('SIGKILL');
		expect(acked.length).toBeGreaterThanOrEqual(300);
		const check = new Database(file, { readonly: true });
		const stored = new Set((check.prepare('select id from organisations').all() as { id: string }[]).map((r) => r.id));
		check.close();
		for (const id of acked) expect(stored.has(id), `acknowledged commit ${id} lost`).toBe(true);
	}, 60_000);
});

describe('opening a file a stopped process left', () => {
	it('moves what its WAL holds into the file and empties the WAL before anything else', () => {
		writer.$client.exec('create table kept (id integer primary key, v text)');
		// Committed, not yet checkpointed: the image a process stopped at that moment leaves on disk.
		writer.$client.pragma('wal_autocheckpoint = 0');
		writer.transaction((tx) => {
			for (let i = 0; i < 50; i++) tx.run(sql`insert into kept (v) values (${`groupe ${i}`})`);
		});
		const left = join(dir, 'left.db');
		copyFileSync(file, left);
		copyFileSync(`${file}-wal`, `${left}-wal`);
		expect(statSync(`${left}-wal`).size).toBeGreaterThan(0);

		const reopened = openDatabase(left);
		try {
			expect(statSync(`${left}-wal`).size).toBe(0);
			expect(reopened.$client.prepare('select count(*) as n from kept').get()).toEqual({ n: 50 });
		} finally {
			reopened.$client.close();
		}
	});
});
