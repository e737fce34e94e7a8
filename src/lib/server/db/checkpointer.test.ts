/**
 * WAL checkpoints off the main thread (checkpointer.ts): once a database is busy (its WAL past 1 MB),
 * a worker thread copies the WAL back into the database file, and the writer no longer checkpoints
 * inside its own commits (its threshold goes from SQLite's 1,000 pages to 8,192, a backstop).
 * Observed from the outside: the database file grows while the writer is far below either threshold,
 * which only a checkpoint by someone else can do.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './index';
import { sqliteData, type Data } from './data';
import { startCheckpointer } from './checkpointer';

const filler = sqliteTable('filler', { id: integer('id').primaryKey(), body: text('body').notNull() });

let dir: string;
let file: string;
let writer: Db;
let data: Data;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'tib-checkpointer-'));
	file = join(dir, 'app.db');
	writer = openDatabase(file);
	writer.$client.exec('create table filler (id integer primary key, body text not null)');
	data = sqliteData(writer);
});
afterEach(async () => {
	await data.close();
	if (writer.$client.open) writer.$client.close();
	rmSync(dir, { recursive: true, force: true });
});

/** `units` commits of ~8 KB each (two pages and more), through the one write path services use. */
async function fill(units: number) {
	const body = 'x'.repeat(8000);
	for (let i = 0; i < units; i++) await data.write(async (tx) => void (await tx.insert(filler).values({ body })));
}

describe('WAL checkpoints in a thread of their own', () => {
	it('a quiet database keeps SQLite’s own checkpointing: no thread, the default threshold', async () => {
		await fill(20);
		expect(writer.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
	});

	it('a busy database is checkpointed by the thread while the writer stays below its own threshold', async () => {
		const before = statSync(file).size;
		// ~2.5 MB: past the 1 MB that starts the thread, far below the writer's 8,192 pages (32 MB).
		await fill(320);
		expect(writer.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(8192);
		let size = statSync(file).size;
		for (let i = 0; i < 100 && size < before + (2 << 20); i++) {
			await sleep(50);
			size = statSync(file).size;
		}
		// The rows reached the database file: someone checkpointed, and not the writer.
		expect(size).toBeGreaterThan(before + (2 << 20));
		const [row] = await data.rows<{ n: number }>(sql`select count(*) as n from filler`);
		expect(row?.n).toBe(320);
	});

	it('closing the handle stops the thread (the writer can then take the file alone)', async () => {
		await fill(320);
		await data.close();
		// With the checkpoint thread's connection gone, the writer is the last one: closing it
		// checkpoints and removes the WAL, as SQLite does for the last connection to a file.
		writer.$client.close();
		expect(() => statSync(`${file}-wal`)).toThrow();
	});

	/**
	 * The WAL's last frame and the last one copied back into the file, from the wal-index (the -shm
	 * file), as the thread reads them.
	 */
	function walIndex() {
		const fd = openSync(`${file}-shm`, 'r');
		const header = Buffer.alloc(100);
		try {
			readSync(fd, header, 0, 100, 0);
		} finally {
			closeSync(fd);
		}
		const word = (offset: number) => (endianness() === 'LE' ? header.readUInt32LE(offset) : header.readUInt32BE(offset));
		return { last: word(16), copied: word(96) };
	}
	const small = (i: number) => writer.$client.prepare('insert into filler (body) values (?)').run(`ligne ${i}`);

	it('leaves a WAL below its threshold alone while writes go on, and copies it back once they stop', async () => {
		// A checkpoint that copies the whole WAL makes the next commit start the WAL over, and SQLite
		// syncs its new header in that commit, on the main thread: not at every tick under load.
		writer.$client.pragma('wal_autocheckpoint = 0');
		const thread = startCheckpointer(file, { intervalMs: 20, frames: 400, quietMs: 500 });
		try {
			for (let i = 0; i < 20; i++) {
				small(i);
				await sleep(20);
			}
			// Twenty ticks went by: none copied anything (before, each tick did).
			const during = walIndex();
			expect(during.last).toBeGreaterThanOrEqual(20);
			expect(during.copied).toBe(0);
			let after = walIndex();
			for (let i = 0; i < 100 && after.copied < after.last; i++) {
				await sleep(20);
				after = walIndex();
			}
			// Quiet for half a second: everything was copied back.
			expect(after.copied).toBe(during.last);
		} finally {
			await thread.close();
		}
	});

	it('copies back a WAL past its threshold while writes go on', async () => {
		writer.$client.pragma('wal_autocheckpoint = 0');
		const thread = startCheckpointer(file, { intervalMs: 20, frames: 400, quietMs: 60_000 });
		try {
			// ~8 KB a row: three pages and more, 600 in all, past the 400 of the threshold.
			const insert = writer.$client.prepare('insert into filler (body) values (?)');
			for (let i = 0; i < 200; i++) insert.run('x'.repeat(8000));
			let index = walIndex();
			expect(index.last).toBeGreaterThan(400);
			// Writes go on (the quiet rule cannot be what copies it): the threshold is. Up to 10 s: the copy
			// is counted once the thread's fsync of the file returns, which took over 2 s once in CI while
			// other test files were syncing and restarting Redis beside it.
			for (let i = 0; i < 500 && index.copied === 0; i++) {
				small(i);
				await sleep(20);
				index = walIndex();
			}
			expect(index.copied).toBeGreaterThan(400);
		} finally {
			await thread.close();
		}
	});
});
