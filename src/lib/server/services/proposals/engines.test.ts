/**
 * The proposals doors that do not notify anyone, on both engines (issue 12). Comments, moves and
 * moderation record notifications, whose service is still synchronous: they run on SQLite only
 * (proposals.test.ts, authoring.test.ts) until it is converted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { UserError } from '../errors';
import type { Published } from '../../realtime/bus';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';

describe.each(testEngines)('proposals on %s', (engine) => {
	let app: TestApp;
	let published: Published[];
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		published = [];
		app.services.deps.bus.subscribe((m) => published.push(m));
	});
	afterEach(() => app.close());

	async function setup() {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
		const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
		const stranger = await createUser(app, { displayName: 'Stranger' });
		return { residence, amina, karim, claire, stranger };
	}

	it('proposes, counts supports and volunteers once per person, marks staff authors, and tells the room after commit', async () => {
		const { residence, amina, karim, claire, stranger } = await setup();
		const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Jardin partagé', costEuros: '1 200 €' });
		const { id: staffIdea } = await app.services.proposals.propose(claire, { residenceId: residence.id, title: 'Devis reçu' });
		expect(published.filter((m) => m.event === 'proposal.updated').map((m) => (m.payload as { change: string }).change)).toEqual(['created', 'created']);
		expect((await app.services.proposals.setSupport(karim, { proposalId: id, on: true })).supports).toBe(1);
		expect((await app.services.proposals.setSupport(karim, { proposalId: id, on: 'true' })).supports).toBe(1);
		expect((await app.services.proposals.setSupport(amina, { proposalId: id, on: true })).supports).toBe(2);
		expect((await app.services.proposals.setVolunteer(karim, { proposalId: id, on: true })).volunteers).toBe(1);
		const board = await app.services.proposals.board(karim, residence.id);
		// New ideas go on top of their column.
		expect(board.cards.map((c) => c.id)).toEqual([staffIdea, id]);
		expect(board.cards.find((c) => c.id === id)).toMatchObject({ title: 'Jardin partagé', costEuros: 1200, supports: 2, volunteers: 1, comments: 0, supportedByMe: true, authorStaff: false });
		expect(board.cards.find((c) => c.id === staffIdea)?.authorStaff).toBe(true);
		expect((await app.services.proposals.setSupport(karim, { proposalId: id, on: false })).supports).toBe(1);
		await expect(app.services.proposals.board(stranger, residence.id)).rejects.toBeInstanceOf(ForbiddenError);
		await expect(app.services.proposals.setSupport(claire, { proposalId: id, on: true })).rejects.toBeInstanceOf(ForbiddenError);
		const view = await app.services.proposals.proposal(karim, id);
		expect(view.volunteers).toEqual([{ displayName: 'Karim' }]);
		expect(view.history.map((e) => e.kind)).toEqual(['created']);
	});

	it('edits and undoes the edit; withdraws and restores; the history says so', async () => {
		const { residence, amina, karim, claire } = await setup();
		const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Bancs', category: 'furniture' });
		await expect(app.services.proposals.edit(karim, { proposalId: id, title: 'Autre' })).rejects.toBeInstanceOf(ForbiddenError);
		const { eventId } = await app.services.proposals.edit(amina, { proposalId: id, title: 'Trois bancs', category: 'furniture', costEuros: '900' });
		expect((await app.services.proposals.proposal(amina, id)).card).toMatchObject({ title: 'Trois bancs', costEuros: 900 });
		await app.services.proposals.undo(claire, { eventId: eventId! });
		expect((await app.services.proposals.proposal(amina, id)).card).toMatchObject({ title: 'Bancs', costEuros: null });
		await app.services.proposals.withdraw(amina, { proposalId: id });
		expect((await app.services.proposals.board(karim, residence.id)).cards).toEqual([]);
		await app.services.proposals.restore(amina, { proposalId: id });
		expect((await app.services.proposals.board(karim, residence.id)).cards.map((c) => c.id)).toEqual([id]);
		expect((await app.services.proposals.proposal(amina, id)).history.map((e) => e.kind)).toEqual(['restored', 'withdrawn', 'undone', 'edited', 'created']);
	});
	it("reads each board with its residence's name and the reader's own supports on it; an unknown residence is not found", async () => {
		const { residence, amina, karim } = await setup();
		const { residence: other } = await createResidence(app);
		const elsewhere = { type: 'residence' as const, id: other.id };
		const karimThere = await createUser(app, { displayName: 'Karim bis', roles: [{ ...elsewhere, role: 'tenant' }] });
		const { id: there } = await app.services.proposals.propose(karimThere, { residenceId: other.id, title: 'Ailleurs' });
		const { id: here } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Ici' });
		await app.services.proposals.setSupport(karimThere, { proposalId: there, on: true });
		await app.services.proposals.setVolunteer(karimThere, { proposalId: there, on: true });
		expect((await app.services.proposals.board(karimThere, other.id)).cards).toMatchObject([{ id: there, supportedByMe: true, supports: 1, volunteers: 1 }]);
		await app.services.proposals.setSupport(karim, { proposalId: here, on: true });
		const board = await app.services.proposals.board(karim, residence.id);
		expect(board.residence).toEqual({ id: residence.id, name: 'Résidence test' });
		expect(board.cards).toMatchObject([{ id: here, supportedByMe: true, supports: 1, volunteers: 0 }]);
		expect((await app.services.proposals.board(amina, residence.id)).cards).toMatchObject([{ id: here, supportedByMe: false, supports: 1 }]);
		const missing = await app.services.proposals.board(karim, 'no-such-residence').catch((e: unknown) => e);
		expect(missing).toBeInstanceOf(UserError);
		expect((missing as UserError).code).toBe('error.notFound');
	});
});
