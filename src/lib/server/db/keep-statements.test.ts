import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keepStatements } from './data';

describe('keepStatements (the SQLite reader keeps its compiled statements)', () => {
	it('hands back the same statement for the same text, in its default mode even after raw rows were asked', () => {
		const client = new Database(':memory:');
		client.exec('create table t (a integer, b text); insert into t values (1, \'x\'), (2, \'y\')');
		keepStatements(client);
		const sql = 'select a, b from t order by a';
		const first = client.prepare(sql);
		expect(first.raw().all()).toEqual([
			[1, 'x'],
			[2, 'y']
		]);
		const again = client.prepare(sql);
		expect(again).toBe(first);
		expect(again.all()).toEqual([
			{ a: 1, b: 'x' },
			{ a: 2, b: 'y' }
		]);
		client.close();
	});

	it('keeps at most the most recently used statements', () => {
		const client = new Database(':memory:');
		keepStatements(client, 2);
		const one = client.prepare('select 1');
		const two = client.prepare('select 2');
		client.prepare('select 1');
		client.prepare('select 3'); // pushes out 'select 2', the least recently used
		expect(client.prepare('select 1')).toBe(one);
		expect(client.prepare('select 2')).not.toBe(two);
		client.close();
	});
});
