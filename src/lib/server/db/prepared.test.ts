import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './index';
import { sqliteData, type Data } from './data';
import { preparedInsert } from './prepared';

/**
 * `preparedInsert` on SQLite takes each parameter straight from the rows, through the column's own
 * encoder (db/prepared.ts, `positionalPlan`), instead of drizzle's lookup by placeholder name. What it
 * stores must be byte for byte what drizzle's own insert of the same rows stores.
 */
describe('preparedInsert (SQLite)', () => {
	let dir: string;
	let db: Db;
	let data: Data;
	afterEach(async () => {
		await data?.close();
		db?.$client.close();
		rmSync(dir, { recursive: true, force: true });
	});

	function open() {
		dir = mkdtempSync(join(tmpdir(), 'tib-prepared-'));
		db = openDatabase(join(dir, 'app.db'));
		data = sqliteData(db);
	}

	const rowsFor = (subject: string, n: number) =>
		Array.from({ length: n }, (_, i) => ({
			at: new Date(Date.UTC(2026, 11, 2, 10, 0, i, 7 * i)),
			actorId: i % 3 === 0 ? null : `actor-${i}`,
			action: i % 2 ? 'vote.cast' : 'vote.participated',
			subjectType: 'consultation',
			subjectId: subject,
			data: { voterId: `v${i}`, note: 'élan « citoyen » 🌱', nested: { n: i, list: [i, null, true] } }
		}));

	const stored = (subject: string) =>
		db.$client
			.prepare('select at, actor_id, action, subject_type, data, typeof(at) as at_type, typeof(data) as data_type from audit_log where subject_id = ? order by at, action')
			.all(subject);

	it('stores exactly what drizzle stores for the same rows, over several slices (16 + 16 + 3 rows)', async () => {
		open();
		const insert = preparedInsert(data, data.t.auditLog, ['at', 'actorId', 'action', 'subjectType', 'subjectId', 'data']);
		await data.write(async () => insert(rowsFor('ours', 35)));
		await data.write(async (tx) => {
			await tx.insert(data.t.auditLog).values(rowsFor('drizzle', 35));
		});
		const ours = stored('ours');
		expect(ours).toHaveLength(35);
		expect(ours[0]).toMatchObject({ at_type: 'integer', data_type: 'text', actor_id: null });
		expect(JSON.parse((ours[1] as { data: string }).data)).toEqual(rowsFor('x', 2)[1]!.data);
		expect(ours).toEqual(stored('drizzle'));
	});

	it('inserts nothing outside a unit of work: the write is refused, as drizzle refuses it there', async () => {
		open();
		const insert = preparedInsert(data, data.t.auditLog, ['at', 'actorId', 'action', 'subjectType', 'subjectId', 'data']);
		await expect(insert(rowsFor('outside', 2))).rejects.toThrow(/readonly/i);
		expect(stored('outside')).toHaveLength(0);
	});

	it('a failing row fails the statement, and the unit writes none of its rows', async () => {
		open();
		const insert = preparedInsert(data, data.t.auditLog, ['at', 'actorId', 'action', 'subjectType', 'subjectId', 'data']);
		const rows = rowsFor('failing', 5);
		(rows[3] as { action: string | null }).action = null;
		await expect(data.write(async () => insert(rows))).rejects.toThrow(/NOT NULL/);
		expect(stored('failing')).toHaveLength(0);
	});
});
