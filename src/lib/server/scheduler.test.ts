import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from './db/data';
import { startScheduler } from './scheduler';
import { createMemoryLock, type TaskLock } from './shared/lock';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from './testing';
import { writeMark } from './testing/writes';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let stop: () => void = () => undefined;
	// The scheduler's lock, taken by each tick: once stopped, the test waits for a tick in flight before closing the database.
	let lock: TaskLock;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		lock = createMemoryLock();
	});
	afterEach(async () => {
		stop();
		while (!(await lock.run('scheduler', () => undefined)).ran) await new Promise((r) => setTimeout(r, 5));
		await app.close();
	});

	/** The stored status, read from the table itself: a service read could settle the consultation on its own. */
	async function storedStatus(id: string) {
		const { db, t } = app.services.deps.data;
		return (await first(db.select({ s: t.consultations.status }).from(t.consultations).where(eq(t.consultations.id, id))))?.s;
	}

	/** A yes/no question that opens in a minute and closes an hour later. */
	function inAMinuteForAnHour(space: { type: 'residence'; id: string }) {
		const now = app.clock.now().getTime();
		return {
			space,
			question: 'Un banc ?',
			method: 'yes-no-abstain',
			options: [],
			electorate: 'residence',
			secrecy: 'secret',
			resultsVisibility: 'live',
			opensAt: new Date(now + 60_000).toISOString(),
			closesAt: new Date(now + 3_600_000).toISOString()
		};
	}

	describe('the scheduler', () => {
		it('opens and closes consultations on time with nobody reading them', async () => {
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
			const { id } = await app.services.consultations.create(claire, inAMinuteForAnHour(space));
			const status = () => storedStatus(id);
			stop = startScheduler(app.services, 5, lock);
			app.clock.advance(120_000);
			await expect.poll(status, { timeout: 5000, interval: 10 }).toBe('open');
			app.clock.advance(3_600_000);
			await expect.poll(status, { timeout: 5000, interval: 10 }).toBe('closed');
			expect(await status()).toBe('closed');
		});

		it('does at start what came due while the server was down, without waiting for the first interval', async () => {
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
			const { id } = await app.services.consultations.create(claire, inAMinuteForAnHour(space));
			app.clock.advance(120_000);
			expect(await storedStatus(id)).not.toBe('open');
			// An hour between ticks: only the tick at start can open it within the poll.
			stop = startScheduler(app.services, 3_600_000, lock);
			await expect.poll(() => storedStatus(id), { timeout: 5000, interval: 10 }).toBe('open');
		});

		it('pages read a consultation as of now and write nothing; the scheduler then writes the same transitions', async () => {
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
			const amina = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
			const { consultations: service } = app.services;
			const { db, t } = app.services.deps.data;
			const { id } = await service.create(claire, inAMinuteForAnHour(space));
			const stored = () => storedStatus(id);
			// Every row written (insert, update, delete) changes this mark: reads must leave it still.
			const writes = () => writeMark(app);
			const everyRead = async () => {
				await service.list(amina, space);
				await service.view(amina, id);
				await service.results(amina, id);
				await service.list(claire, space);
				await service.results(claire, id);
			};

			app.clock.advance(120_000);
			let before = await writes();
			await everyRead();
			expect(await writes()).toBe(before);
			expect((await service.view(amina, id)).consultation.status).toBe('open');
			expect(await stored()).toBe('draft');
			await service.cast(amina, { consultationId: id, ballot: { position: 'for' } });
			await service.flushBallotBox();
			await app.services.settled();
			// The mark sees a write: the ballot cast changed it.
			expect(await writes()).not.toBe(before);

			app.clock.advance(3_600_000);
			before = await writes();
			await everyRead();
			expect(await writes()).toBe(before);
			const shown = await service.results(amina, id);
			expect(shown.live.status).toBe('closed');
			expect(shown.decision?.adopted).toBe(true);
			expect(await stored()).toBe('open');
			expect(await db.select().from(t.decisions)).toHaveLength(0);

			// The scheduler's sweep records what the pages showed.
			await service.sweep();
			expect(await stored()).toBe('closed');
			const recorded = await first(db.select().from(t.decisions).where(eq(t.decisions.consultationId, id)));
			expect(recorded?.adopted).toBe(shown.decision?.adopted);
			expect(recorded?.outcome).toEqual(shown.decision?.outcome);
		});
	});
});
