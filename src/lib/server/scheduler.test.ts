import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from './collab/testing-peer';
import { consultations } from './db/schema';
import { startScheduler } from './scheduler';
import { createResidence, createTestApp, createUser, type TestApp } from './testing';

let app: TestApp;
let stop: () => void = () => undefined;
beforeEach(() => {
	app = createTestApp();
});
afterEach(() => {
	stop();
	app.close();
});

describe('the scheduler', () => {
	it('opens and closes consultations on time with nobody reading them', async () => {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
		const now = app.clock.now().getTime();
		const { id } = app.services.consultations.create(claire, {
			space,
			question: 'Un banc ?',
			method: 'yes-no-abstain',
			options: [],
			electorate: 'residence',
			secrecy: 'secret',
			resultsVisibility: 'live',
			opensAt: new Date(now + 60_000).toISOString(),
			closesAt: new Date(now + 3_600_000).toISOString()
		});
		// Read the table itself: a service read could settle the consultation on its own.
		const status = () => app.services.deps.db.select({ s: consultations.status }).from(consultations).where(eq(consultations.id, id)).get()?.s;
		stop = startScheduler(app.services, 5);
		app.clock.advance(120_000);
		await until(() => status() === 'open');
		app.clock.advance(3_600_000);
		await until(() => status() === 'closed');
		expect(status()).toBe('closed');
	});
});
