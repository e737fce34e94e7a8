/**
 * The data handle services use (db/data.ts) behaves the same on SQLite and PostgreSQL, through the
 * test apps the service suites use (`createTestAppOn`): a unit of work is all or nothing, reads
 * inside it see its writes and reads outside see them only after the commit, a nested unit joins,
 * a savepoint undoes only its own part, raw SQL runs in the unit, a durable unit (votes) is flushed
 * to disk at its commit while an ordinary one need not be (SQLite: FULL against NORMAL; PostgreSQL:
 * `synchronous_commit` stays on for both), and (SQLite) a write outside a unit is refused instead
 * of slipping into someone else's transaction.
 */
import { eq, sql } from 'drizzle-orm';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { constraintViolation } from '../../../src/lib/server/db/errors';
import { first, type CommitInfo, type Data } from '../../../src/lib/server/db/data';
import { createTestAppOn, testEngines, type TestApp } from '../../../src/lib/server/testing';

const at = new Date('2026-12-01T06:00:00.000Z');

describe.each(testEngines)('data handle on %s', (engine) => {
	let app: TestApp;
	afterEach(() => app?.close());

	async function setup(): Promise<Data> {
		app = await createTestAppOn(engine);
		return app.services.deps.data;
	}
	const org = (id: string) => ({ id, slug: id, name: `Bailleur ${id}`, kind: 'landlord' as const, createdAt: at });
	const names = async (data: Data) => (await data.db.select({ id: data.t.organisations.id }).from(data.t.organisations)).map((r) => r.id).sort();

	it('commits a unit at once: inside, reads see its writes; outside, only after the commit', async () => {
		const data = await setup();
		const { organisations } = data.t;
		// Another request: started outside the unit's async context, it reads while the unit is open.
		let open!: () => void;
		const unitOpen = new Promise<void>((resolve) => (open = resolve));
		const outside = unitOpen.then(() => names(data));
		await data.write(async (tx) => {
			await tx.insert(organisations).values(org('a'));
			await tick();
			expect(await first(data.db.select().from(organisations).where(eq(organisations.id, 'a')))).toMatchObject({ name: 'Bailleur a', createdAt: at });
			open();
			expect(await outside).not.toContain('a');
			await tx.insert(organisations).values(org('b'));
		});
		expect(await names(data)).toEqual(['a', 'b']);
	});

	it('is all or nothing, and a nested unit joins the outer one', async () => {
		const data = await setup();
		const { organisations } = data.t;
		await expect(
			data.write(async (tx) => {
				await tx.insert(organisations).values(org('kept-not'));
				await data.write((inner) => inner.insert(organisations).values(org('nested')).then(() => undefined));
				await tick();
				throw new Error('refused');
			})
		).rejects.toThrow('refused');
		expect(await names(data)).toEqual([]);
	});

	it('a savepoint undoes only its own part after a unique violation, on both engines', async () => {
		const data = await setup();
		const { organisations } = data.t;
		await data.write(async (tx) => {
			await tx.insert(organisations).values(org('first'));
			const err = await data.savepoint((sp) => sp.insert(organisations).values(org('first'))).catch((e: unknown) => e);
			expect(constraintViolation(err)).toMatchObject({ kind: 'unique' });
			await tx.insert(organisations).values(org('second'));
		});
		expect(await names(data)).toEqual(['first', 'second']);
	});

	it('units started together run one after the other in effect', async () => {
		const data = await setup();
		const { organisations } = data.t;
		await data.write((tx) => tx.insert(organisations).values({ ...org('counter'), name: '0' }).then(() => undefined));
		const bump = () =>
			data.write(async (tx) => {
				const row = await first(tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, 'counter')));
				await tick();
				await tx.update(organisations).set({ name: String(Number(row?.name) + 1) }).where(eq(organisations.id, 'counter'));
			});
		await Promise.all(Array.from({ length: 8 }, bump));
		expect(await first(data.db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, 'counter')))).toEqual({ name: '8' });
	});

	it('a durable unit is flushed at its commit; an ordinary one runs at the connection level (SQLite NORMAL, PostgreSQL unchanged)', async () => {
		const data = await setup();
		const { organisations } = data.t;
		// What the unit's own connection says about flushing its commit.
		const level = async () =>
			engine === 'sqlite'
				? String((await data.rows<{ synchronous: number }>(sql`pragma synchronous`))[0]?.synchronous)
				: String((await data.rows<{ synchronous_commit: string }>(sql`show synchronous_commit`))[0]?.synchronous_commit);
		const commits: CommitInfo[] = [];
		const stop = data.onCommit((c) => commits.push(c));
		const seen: string[] = [];
		await data.write(async (tx) => {
			await tx.insert(organisations).values(org('board'));
			seen.push(await level());
		});
		await data.write(
			async (tx) => {
				await tx.insert(organisations).values(org('vote'));
				seen.push(await level());
			},
			{ durable: true }
		);
		stop();
		expect(seen).toEqual(engine === 'sqlite' ? ['1', '2'] : ['on', 'on']);
		expect(commits.map((c) => c.durable)).toEqual([false, true]);
		expect(await names(data)).toEqual(['board', 'vote']);
	});

	it('runs raw SQL valid on both engines, inside the unit when there is one', async () => {
		const data = await setup();
		const { organisations } = data.t;
		await data.write(async (tx) => {
			await tx.insert(organisations).values(org('raw'));
			const rows = await data.rows<{ n: number }>(sql`select count(*) as n from ${organisations} where ${organisations.id} = ${'raw'}`);
			expect(Number(rows[0]?.n)).toBe(1);
		});
	});
});

describe('data handle on SQLite only', () => {
	let app: TestApp;
	afterEach(() => app?.close());

	it('refuses a write outside a unit (the reading connection is read-only)', async () => {
		app = await createTestAppOn('sqlite');
		const data = app.services.deps.data;
		const stray = { id: 'stray', slug: 'stray', name: 'Bailleur', kind: 'landlord' as const, createdAt: at };
		await expect(Promise.resolve().then(() => data.db.insert(data.t.organisations).values(stray))).rejects.toThrow(/readonly/i);
		expect(await data.db.select().from(data.t.organisations)).toEqual([]);
	});
});
