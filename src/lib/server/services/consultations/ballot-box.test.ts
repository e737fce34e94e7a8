/** The ballot box's queue: first in, first out, in units of at most `maxGroup` votes (issue 15). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestAppOn, testEngines, type TestApp } from '../../testing';
import { createBallotBox, postgresHooks, sqliteDialect, type GroupUnit, type Pending } from './ballot-box';

let app: TestApp;

describe.each(testEngines)('ballot box queue on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(async () => {
		await app.services.consultations.flushBallotBox();
		await app.close();
	});

	it('writes the oldest votes first, at most maxGroup per unit, and answers each after its own unit committed', async () => {
		const { db, data } = app.services.deps;
		const units: GroupUnit[] = [];
		const committed: number[] = [];
		const stop = data.onCommit(() => committed.push(units.length));
		const opened: string[][] = [];
		const box = createBallotBox<number>(
			{ db, data },
			{ now: () => new Date() },
			(n) => new Uint8Array(n),
			{
				beforeUnit() {},
				async openUnit(items) {
					opened.push(items.map((i) => i.electorKey));
				},
				async afterUnit() {}
			},
			{ maxGroup: 3, dialect: data.dialect === 'postgres' ? postgresHooks() : sqliteDialect }
		);
		const vote = (i: number): Pending<number> => ({
			consultationId: 'c',
			electorKey: `u:${i}`,
			voterId: `v${i}`,
			secret: false,
			async write(unit) {
				if (!units.includes(unit)) units.push(unit);
				return units.length;
			}
		});
		const answered: { i: number; unit: number; committedUnits: number }[] = [];
		await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				box.submit(vote(i)).then((unit) => {
					answered.push({ i, unit, committedUnits: committed.length });
				})
			)
		);
		stop();
		expect(opened).toEqual([
			['u:0', 'u:1', 'u:2'],
			['u:3', 'u:4', 'u:5'],
			['u:6', 'u:7', 'u:8'],
			['u:9']
		]);
		// Answered in the order they came, each once the unit holding her vote had committed.
		expect(answered.map((a) => a.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		for (const a of answered) expect(a.committedUnits).toBeGreaterThanOrEqual(a.unit);
		expect(answered.map((a) => a.unit)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4]);
		await box.close();
	});
});
