/**
 * Another process holding SQLite's write lock (a CLI run against a live server, another node on a
 * shared file) no longer stops the server: a unit of work waits for the lock on the event loop,
 * where pages, sockets and reads go on, and gives up with SQLite's "busy" (a 503 "try again") after
 * its limit, its transaction settings put back. The other process is a real one (a child `node`
 * with its own connection), holding `BEGIN IMMEDIATE` as a CLI's transaction does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './index';
import { sqliteData } from './data';
import { isDatabaseUnavailable } from './errors';

const dirs: string[] = [];
const children: ChildProcess[] = [];
const dbs: Db[] = [];
afterEach(() => {
	for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
	for (const db of dbs.splice(0)) if (db.$client.open) db.$client.close();
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function database() {
	const dir = mkdtempSync(join(tmpdir(), 'tib-lock-'));
	dirs.push(dir);
	const file = join(dir, 'app.db');
	const db = openDatabase(file);
	dbs.push(db);
	db.$client.exec('create table lock_probe (who text not null)');
	return { file, db };
}

/** Another process: takes the write lock, writes a row, and commits after `holdMs`. Resolves once it holds the lock. */
async function holdLock(file: string, holdMs: number): Promise<{ child: ChildProcess; released: Promise<void> }> {
	const source = `
		const Database = require('better-sqlite3');
		const db = new Database(${JSON.stringify(file)});
		db.exec('BEGIN IMMEDIATE');
		db.prepare("insert into lock_probe (who) values ('other process')").run();
		process.stdout.write('locked\\n');
		setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, ${holdMs});
	`;
	const child = spawn(process.execPath, ['-e', source], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
	children.push(child);
	let out = '';
	let onLine: () => void = () => undefined;
	child.stdout!.on('data', (chunk: Buffer) => {
		out += chunk.toString();
		onLine();
	});
	const seen = (word: string) =>
		new Promise<void>((resolve, reject) => {
			const check = () => out.includes(word) && resolve();
			const previous = onLine;
			onLine = () => {
				previous();
				check();
			};
			child.once('exit', (code) => (out.includes(word) ? resolve() : reject(new Error(`child exited (${code}) before "${word}"`))));
			check();
		});
	await seen('locked');
	const released = seen('released');
	// Killed on purpose by a test that does not wait for it.
	released.catch(() => undefined);
	return { child, released };
}

/** Timer ticks every 5 ms while `work` runs: a blocked event loop gets none. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ value: T; ticks: number }> {
	let ticks = 0;
	const timer = setInterval(() => ticks++, 5);
	try {
		const value = await work;
		return { value, ticks };
	} finally {
		clearInterval(timer);
	}
}

describe('the write lock held by another process', () => {
	it('is waited for on the event loop: reads and timers go on, and the unit commits once it is released', async () => {
		const { file, db } = database();
		const data = sqliteData(db);
		const { released } = await holdLock(file, 600);
		let readWhileWaiting: number | undefined;
		const write = data.write(async () => {
			await data.rows(sql`insert into lock_probe (who) values ('server') returning who`);
			return 'written';
		});
		// While the unit waits, a page's read is served (on the idle writer or the reader).
		setTimeout(() => {
			void data.rows<{ n: number }>(sql`select count(*) as n from lock_probe`).then(([row]) => (readWhileWaiting = row!.n));
		}, 50);
		const started = performance.now();
		const { value, ticks } = await ticksDuring(write);
		const waited = performance.now() - started;
		await released;
		expect(value).toBe('written');
		// The lock was held ~600 ms from the first try: a loop blocked inside SQLite ticks 0 times meanwhile.
		expect(waited).toBeGreaterThan(300);
		expect(ticks).toBeGreaterThan(30);
		// The read saw what was committed before the other process's transaction: nothing yet.
		expect(readWhileWaiting).toBe(0);
		const rows = db.$client.prepare('select who from lock_probe order by rowid').all() as { who: string }[];
		expect(rows.map((r) => r.who)).toEqual(['other process', 'server']);
		await data.close();
	});

	it('gives up after its limit with "busy" (a 503 "try again"), writing nothing and putting its settings back', async () => {
		const { file, db } = database();
		const data = sqliteData(db, { lockWaitMs: 250 });
		const client = db.$client;
		const level = client.pragma('synchronous', { simple: true });
		const autocheckpoint = client.pragma('wal_autocheckpoint', { simple: true });
		const { child } = await holdLock(file, 60_000);
		for (const options of [{ durable: true }, { syncedByCaller: true }]) {
			const started = performance.now();
			const failed = await ticksDuring(data.write(() => data.rows(sql`insert into lock_probe (who) values ('server') returning who`), options).then(() => null, (err: unknown) => err));
			const waited = performance.now() - started;
			expect(failed.value).toBeInstanceOf(Error);
			expect(isDatabaseUnavailable(failed.value)).toBe(true);
			expect(waited).toBeGreaterThan(200);
			expect(waited).toBeLessThan(2000);
			expect(failed.ticks).toBeGreaterThan(10);
			expect(client.inTransaction).toBe(false);
			expect(client.pragma('synchronous', { simple: true })).toBe(level);
			expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(autocheckpoint);
		}
		child.kill('SIGKILL');
		await new Promise((resolve) => child.once('exit', resolve));
		// The other process's transaction died with it; the server's next unit goes through.
		await data.write(() => data.rows(sql`insert into lock_probe (who) values ('server, later') returning who`));
		expect((client.prepare('select who from lock_probe').all() as { who: string }[]).map((r) => r.who)).toEqual(['server, later']);
		await data.close();
	});

});
