/**
 * Emptying the WAL without waiting (empty-wal.ts), on a real file: what each attempt says, and the
 * retries that finish the job once nothing stands in the way. (A reader's old snapshot, through the
 * ballot box: tests/integration/ballot-box/forensics.test.ts.)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from './index';
import { emptyWalNowOrSoon, tryEmptyWal } from './empty-wal';

let dir: string;
let file: string;
let db: Db;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'tib-empty-wal-'));
	file = join(dir, 'app.db');
	db = openDatabase(file);
	db.$client.exec('create table notes (id integer primary key, body text not null)');
});
afterEach(() => {
	if (db.$client.open) db.$client.close();
	rmSync(dir, { recursive: true, force: true });
});

const walSize = () => statSync(`${file}-wal`).size;
const note = (body: string) => db.$client.prepare('insert into notes (body) values (?)').run(body);

describe('emptying the WAL', () => {
	it('empties it at once when nothing stands in the way, and leaves the busy timeout as it was', () => {
		note('a');
		expect(walSize()).toBeGreaterThan(0);
		expect(emptyWalNowOrSoon(db.$client)).toBe('emptied');
		expect(walSize()).toBe(0);
		expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
	});

	it('inside a transaction it does not try; the retry empties it right after the transaction ends', async () => {
		note('a');
		db.$client.exec('begin');
		note('b');
		expect(tryEmptyWal(db.$client)).toBe('in-transaction');
		expect(emptyWalNowOrSoon(db.$client)).toBe('in-transaction');
		db.$client.exec('commit');
		expect(walSize()).toBeGreaterThan(0);
		await vi.waitFor(() => expect(walSize()).toBe(0), { timeout: 2000, interval: 5 });
		expect(db.$client.prepare('select count(*) as n from notes').get()).toEqual({ n: 2 });
	});

	it('stops retrying once a later attempt emptied it, and a closed database ends the retries', async () => {
		note('a');
		db.$client.exec('begin');
		expect(emptyWalNowOrSoon(db.$client)).toBe('in-transaction');
		db.$client.exec('commit');
		expect(emptyWalNowOrSoon(db.$client)).toBe('emptied');
		note('b');
		// No retry was left armed: the new frame stays until someone empties the WAL again.
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(walSize()).toBeGreaterThan(0);
		db.$client.exec('begin');
		expect(emptyWalNowOrSoon(db.$client)).toBe('in-transaction');
		db.$client.exec('commit');
		db.$client.close();
		// The armed retry finds the database closed and does nothing (no error thrown from a timer).
		await new Promise((resolve) => setTimeout(resolve, 50));
	});
});
