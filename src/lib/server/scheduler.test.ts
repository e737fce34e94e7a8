import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from './collab/testing-peer';
import { consultations, decisions } from './db/schema';
import { startScheduler } from './scheduler';
import { createResidence, createTestApp, createUser, type TestApp } from './testing';

let app: TestApp;
let stop: () => void = () => undefined;
beforeEach(() => {
	app = createTestApp();
});
afterEach(async () => {
	stop();
	await app.close();
});

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
		// Read the table itself: a service read could settle the consultation on its own.
		const status = () => app.services.deps.db.select({ s: consultations.status }).from(consultations).where(eq(consultations.id, id)).get()?.s;
		stop = startScheduler(app.services, 5);
		app.clock.advance(120_000);
		await until(() => status() === 'open');
		app.clock.advance(3_600_000);
		await until(() => status() === 'closed');
		expect(status()).toBe('closed');
	});

	it('pages read a consultation as of now and write nothing; the scheduler then writes the same transitions', async () => {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
		const amina = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
		const { consultations: service, deps } = app.services;
		const { id } = await service.create(claire, inAMinuteForAnHour(space));
		const stored = () => deps.db.select({ s: consultations.status }).from(consultations).where(eq(consultations.id, id)).get()?.s;
		// Every write on this connection (insert, update, delete) counts here: reads must leave it still.
		const writes = () => (deps.db.$client.prepare('select total_changes() as n').get() as { n: number }).n;
		const everyRead = async () => {
			await service.list(amina, space);
			await service.view(amina, id);
			await service.results(amina, id);
			await service.list(claire, space);
			await service.results(claire, id);
		};

		app.clock.advance(120_000);
		let before = writes();
		await everyRead();
		expect(writes()).toBe(before);
		expect((await service.view(amina, id)).consultation.status).toBe('open');
		expect(stored()).toBe('draft');
		await service.cast(amina, { consultationId: id, ballot: { position: 'for' } });
		await service.flushBallotBox();

		app.clock.advance(3_600_000);
		before = writes();
		await everyRead();
		expect(writes()).toBe(before);
		const shown = await service.results(amina, id);
		expect(shown.live.status).toBe('closed');
		expect(shown.decision?.adopted).toBe(true);
		expect(stored()).toBe('open');
		expect(deps.db.select().from(decisions).all()).toHaveLength(0);

		// The scheduler's sweep records what the pages showed.
		await service.sweep();
		expect(stored()).toBe('closed');
		const recorded = deps.db.select().from(decisions).where(eq(decisions.consultationId, id)).get();
		expect(recorded?.adopted).toBe(shown.decision?.adopted);
		expect(recorded?.outcome).toEqual(shown.decision?.outcome);
	});
});
