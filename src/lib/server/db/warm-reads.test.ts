import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepStatements, warmReads } from './data';

/**
 * Reads outside units run on the writer connection while it is idle, on the read-only one while a
 * unit is open (db/data.ts, `warmReads`). `total_changes()` tells the two apart: the writer made the
 * inserts, the reader made none.
 */
describe('warmReads (reads outside units of work)', () => {
	let dir: string;
	let writer: Database.Database;
	let reader: Database.Database;
	afterEach(() => {
		reader?.close();
		writer?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	function open() {
		dir = mkdtempSync(join(tmpdir(), 'tib-warm-'));
		const file = join(dir, 'app.db');
		writer = new Database(file);
		writer.pragma('journal_mode = WAL');
		writer.exec("create table t (a integer, b text); insert into t values (1, 'x'), (2, 'y')");
		reader = new Database(file, { readonly: true, fileMustExist: true });
		keepStatements(writer);
		keepStatements(reader);
		return warmReads(writer, reader);
	}

	it('reads on the idle writer, and on the reader while a unit is open, which sees only what was committed', () => {
		const routed = open();
		const changes = routed.prepare('select total_changes() as n');
		const rows = routed.prepare('select a from t order by a');
		expect(changes.get()).toEqual({ n: 2 });
		writer.exec('BEGIN IMMEDIATE');
		writer.exec("insert into t values (3, 'z')");
		expect(changes.get()).toEqual({ n: 0 });
		expect(rows.all()).toEqual([{ a: 1 }, { a: 2 }]);
		writer.exec('COMMIT');
		expect(changes.get()).toEqual({ n: 3 });
		expect(rows.all()).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
	});

	it('sends a write to the read-only connection, which refuses it, even while the writer is idle', () => {
		const routed = open();
		expect(() => routed.prepare("insert into t values (9, 'w')").run()).toThrow(/readonly/);
		expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: 2 });
	});

	it('gives raw rows when asked, and leaves the kept statement in its default mode for the next query of the same text', () => {
		const routed = open();
		const sql = 'select a, b from t order by a';
		// A query prepared in a unit holds the writer's kept statement for this text and runs it as is.
		const held = writer.prepare(sql);
		expect(routed.prepare(sql).raw().all()).toEqual([
			[1, 'x'],
			[2, 'y']
		]);
		expect(held.all()).toEqual([
			{ a: 1, b: 'x' },
			{ a: 2, b: 'y' }
		]);
		expect(routed.prepare(sql).all()).toEqual([
			{ a: 1, b: 'x' },
			{ a: 2, b: 'y' }
		]);
	});
});
