import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../testing';
import { ValidationError } from '../services/validate';
import { loadUpdates, documentFromUpdates } from './store';

describe.each(testEngines)('placing a proposal on the site plan (%s)', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	async function setup() {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const amina = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
		const karim = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
		const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
		const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Des bancs' });
		return { residence, amina, karim, claire, id };
	}

	it('the author places her own pin; it lands in the live pins document, stored on disk', async () => {
		const { residence, amina, id } = await setup();
		expect(await app.services.collab.pinOf(id)).toBeNull();
		await app.services.collab.placePin(amina, id, { x: 0.25, y: 0.75 });
		expect(await app.services.collab.pinOf(id)).toEqual({ x: 0.25, y: 0.75 });
		const stored = documentFromUpdates((await loadUpdates(app.services.deps.data, pinsDocName(residence.id))).updates);
		expect(stored.getMap(PINS_FIELD).get(id)).toEqual({ x: 0.25, y: 0.75 });
		await app.services.collab.placePin(amina, id, null);
		expect(await app.services.collab.pinOf(id)).toBeNull();
	});

	it('a neighbour may not move someone else’s pin; a facilitator may', async () => {
		const { karim, claire, id } = await setup();
		await expect(app.services.collab.placePin(karim, id, { x: 0.5, y: 0.5 })).rejects.toThrow(ForbiddenError);
		await expect(app.services.collab.placePin(null, id, { x: 0.5, y: 0.5 })).rejects.toThrow(ForbiddenError);
		await app.services.collab.placePin(claire, id, { x: 0.1, y: 0.2 });
		expect(await app.services.collab.pinOf(id)).toEqual({ x: 0.1, y: 0.2 });
	});

	it('refuses a place outside the plan', async () => {
		const { amina, id } = await setup();
		await expect(app.services.collab.placePin(amina, id, { x: 1.4, y: 0.2 })).rejects.toThrow(ValidationError);
		await expect(app.services.collab.placePin(amina, id, { x: Number.NaN, y: 0.2 })).rejects.toThrow(ValidationError);
		expect(await app.services.collab.pinOf(id)).toBeNull();
	});

	it('keeps pins placed in the plan view and by the form in one document', async () => {
		const { residence, amina, id } = await setup();
		const other = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Un jardin' });
		// A pin placed through the plan view's document.
		await app.services.collab.setMapEntry(pinsDocName(residence.id), PINS_FIELD, other.id, { x: 0.9, y: 0.9 });
		await app.services.collab.placePin(amina, id, { x: 0.3, y: 0.3 });
		expect(await app.services.collab.pinOf(other.id)).toEqual({ x: 0.9, y: 0.9 });
		expect(await app.services.collab.pinOf(id)).toEqual({ x: 0.3, y: 0.3 });
	});

	it('reads every well-formed pin of a plan for the page the server renders, for its readers only', async () => {
		const { residence, amina, karim, id } = await setup();
		const other = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Un jardin' });
		expect(await app.services.collab.pinsOf(karim, residence.id)).toEqual({});
		await app.services.collab.placePin(amina, id, { x: 0.3, y: 0.4 });
		// The plan's document is shared: what a client wrote there that is not a pin is left out.
		await app.services.collab.setMapEntry(pinsDocName(residence.id), PINS_FIELD, other.id, { x: 'far', y: 2 });
		await app.services.collab.setMapEntry(pinsDocName(residence.id), PINS_FIELD, 'elsewhere', { x: 0.5, y: 0.5, note: '<b>' });
		expect(await app.services.collab.pinsOf(karim, residence.id)).toEqual({ [id]: { x: 0.3, y: 0.4 } });
		const stranger = await createUser(app, {});
		await expect(app.services.collab.pinsOf(stranger, residence.id)).rejects.toThrow(ForbiddenError);
		await expect(app.services.collab.pinsOf(null, residence.id)).rejects.toThrow(ForbiddenError);
	});
});
