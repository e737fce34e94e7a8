import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { associationRightsLevels, can, ForbiddenError, proposalActions, proposalResource, type AssociationRights, type ProposalAction } from '$lib/domain/policy';
import { descriptionDocName, PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { loadActor, type SessionUser } from '$lib/server/auth/session';
import { first } from '$lib/server/db/data';
import { Peer, syncMessage } from '$lib/server/collab/testing-peer';
import { UserError } from '$lib/server/services/errors';
import { sessionCookie, createResidence, createTestAppOn, testEngines, createUser, startRealtimeServer, type RealtimeServer, type TestApp } from '$lib/server/testing';

describe.each(testEngines)('on %s', (engine) => {
	/**
	 * Issue 9: the policy table (domain/policy/) is the only decider for proposals. For every role ×
	 * every proposal action × an open and a hidden proposal, the answer of `can(actor, action,
	 * proposal)` is compared with what the doors actually do: the service calls the form actions make
	 * (each on a fresh proposal, so one cell cannot change another) and, for the actions that also have
	 * a live door, socket.io on loopback (board presence, the live description, the live site plan).
	 * The HTTP side of the same matrix runs against the built server in tests/e2e/policy-matrix.spec.ts;
	 * meetings and minutes have their own matrix in policy-matrix-meetings.test.ts.
	 */

	let app: TestApp;
	let server: RealtimeServer;
	let residenceId: string;
	const people: Record<string, SessionUser> = {};
	const roleNames = ['stranger', 'tenant', 'author', 'association', 'facilitator', 'observer', 'admin'] as const;
	type Who = (typeof roleNames)[number];
	const states = ['open', 'hidden'] as const;
	type State = (typeof states)[number];

	beforeAll(async () => {
		app = await createTestAppOn(engine);
		server = await startRealtimeServer(app);
		const { residence, admin } = await createResidence(app);
		residenceId = residence.id;
		const elsewhere = (await createResidence(app)).residence.id;
		const here = (role: 'tenant' | 'association' | 'facilitator' | 'observer') => [{ type: 'residence' as const, id: residenceId, role }];
		people.stranger = await createUser(app, { displayName: 'Ailleurs', roles: [{ type: 'residence', id: elsewhere, role: 'tenant' }] });
		people.tenant = await createUser(app, { displayName: 'Karim', roles: here('tenant') });
		people.author = await createUser(app, { displayName: 'Amina', roles: here('tenant') });
		people.association = await createUser(app, { displayName: 'Josiane', roles: here('association') });
		people.facilitator = await createUser(app, { displayName: 'Claire', roles: here('facilitator') });
		people.observer = await createUser(app, { displayName: 'Élise', roles: here('observer') });
		people.admin = admin;
	}, 30_000);

	afterAll(async () => {
		await server.close();
		await app.close();
	});

	/** A fresh idea by the author, hidden by the facilitator when asked; with one move by the facilitator to undo. */
	async function freshProposal(state: State) {
		const service = app.services.proposals;
		const { id } = await service.propose(people.author!, { residenceId, title: 'Des bancs', description: 'Deux bancs devant le A' });
		const { eventId } = await service.move(people.facilitator!, { proposalId: id, status: 'idea', index: 0 });
		if (state === 'hidden') await service.hideProposal(people.facilitator!, { id, reason: 'Hors sujet' });
		const { proposals } = app.services.deps.data.t;
		const row = await first(app.services.deps.data.db.select().from(proposals).where(eq(proposals.id, id)));
		return { id, eventId, resource: proposalResource(row!) };
	}

	/** Runs one door; true if it did the thing, false if it refused (forbidden, hidden, not found). */
	async function attempt(fn: () => unknown): Promise<boolean> {
		try {
			await fn();
			return true;
		} catch (err) {
			if (err instanceof ForbiddenError || (err instanceof UserError && [403, 404, 409].includes(err.status))) return false;
			throw err;
		}
	}

	/** What the form actions of the board and proposal pages call, one action each. */
	function serviceDoor(action: ProposalAction, actor: SessionUser, p: { id: string; eventId: number }): () => unknown {
		const { proposals, collab } = app.services;
		switch (action) {
			case 'proposal.view':
				return () => proposals.proposal(actor, p.id);
			case 'proposal.read':
				return async () => {
					if ((await proposals.proposal(actor, p.id)).redacted) throw new ForbiddenError(action);
				};
			case 'proposal.comment':
				return () => proposals.comment(actor, { proposalId: p.id, body: 'Bonne idée' });
			case 'proposal.support':
				return () => proposals.setSupport(actor, { proposalId: p.id, on: true });
			case 'proposal.edit':
				return () => proposals.edit(actor, { proposalId: p.id, title: 'Trois bancs' });
			case 'proposal.pin':
				return () => collab.placePin(actor, p.id, { x: 0.5, y: 0.5 });
			case 'proposal.move':
				return () => proposals.move(actor, { proposalId: p.id, status: 'discussion' });
			case 'proposal.decline':
				return () => proposals.move(actor, { proposalId: p.id, status: 'declined', reason: 'Je la retire' });
			case 'proposal.undo':
				return () => proposals.undo(actor, { eventId: p.eventId });
			case 'proposal.moderate':
				return async () => ((await proposals.proposal(actor, p.id)).card.hidden ? proposals.unhideProposal(actor, { id: p.id }) : proposals.hideProposal(actor, { id: p.id, reason: 'Doublon' }));
			case 'proposal.withdrawOwn':
				return () => proposals.withdraw(actor, { proposalId: p.id });
			case 'proposal.restoreOwn':
				return () => proposals.restore(actor, { proposalId: p.id });
		}
	}

	const peers: Peer[] = [];
	async function peer(actor: SessionUser, doc: string) {
		const p = new Peer(server.url, await sessionCookie(app, actor.id), doc);
		peers.push(p);
		return p;
	}

	/** The live doors of an action, where there is one; null where the action has none. */
	function socketDoor(action: ProposalAction, actor: SessionUser, p: { id: string }): (() => Promise<boolean>) | null {
		switch (action) {
			case 'proposal.view':
				return null; // the card reaches the board room, which follows space.view (tests/integration/board-live.test.ts)
			case 'proposal.read':
				return async () => (await (await peer(actor, descriptionDocName(p.id))).join()).ok;
			case 'proposal.edit':
				return async () => {
					const live = await peer(actor, descriptionDocName(p.id));
					if (!(await live.join()).ok) return false;
					// Sent whatever the join said about read-only: the server decides, not the client.
					const forged = new Y.Doc();
					Y.applyUpdate(forged, Y.encodeStateAsUpdate(live.doc));
					const before = Y.encodeStateVector(forged);
					forged.getXmlFragment('description').insert(0, [new Y.XmlElement('paragraph')]);
					return (await live.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(forged, before)))).ok;
				};
			case 'proposal.pin':
				return async () => {
					const live = await peer(actor, pinsDocName(residenceId));
					if (!(await live.join()).ok) return false;
					const forged = new Y.Doc();
					Y.applyUpdate(forged, Y.encodeStateAsUpdate(live.doc));
					const before = Y.encodeStateVector(forged);
					forged.getMap(PINS_FIELD).set(p.id, { x: 0.3, y: 0.6 });
					return (await live.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(forged, before)))).ok;
				};
			default:
				return null; // no live door: these go through form actions only
		}
	}

	describe('every door agrees with the policy table for proposals', () => {
		for (const state of states)
			for (const who of roleNames)
				it(`${who} on ${state === 'open' ? 'an open' : 'a hidden'} proposal`, async () => {
					const actor = people[who]!;
					const expected: Record<string, boolean> = {};
					const forms: Record<string, boolean> = {};
					const sockets: Record<string, boolean> = {};
					const liveExpected: Record<string, boolean> = {};
					for (const action of proposalActions) {
						const p = await freshProposal(state);
						expected[action] = can(actor, action, p.resource);
						forms[action] = await attempt(serviceDoor(action, actor, p));
						const live = socketDoor(action, actor, await freshProposal(state));
						if (live) {
							liveExpected[action] = expected[action]!;
							sockets[action] = await live();
						}
					}
					for (const p of peers.splice(0)) p.close();
					expect(forms).toEqual(expected);
					expect(sockets).toEqual(liveExpected);
				}, 30_000);

		it('the table itself: who may do what on an open idea of the author', async () => {
			const p = await freshProposal('open');
			const allowed = (who: Who) => proposalActions.filter((a) => can(people[who]!, a, p.resource));
			expect(allowed('stranger')).toEqual([]);
			expect(allowed('observer')).toEqual(['proposal.view', 'proposal.read']);
			expect(allowed('tenant')).toEqual(['proposal.view', 'proposal.read', 'proposal.comment', 'proposal.support']);
			expect(allowed('author')).toEqual(['proposal.view', 'proposal.read', 'proposal.comment', 'proposal.support', 'proposal.edit', 'proposal.pin', 'proposal.withdrawOwn']);
			const manager = ['proposal.view', 'proposal.read', 'proposal.comment', 'proposal.support', 'proposal.edit', 'proposal.pin', 'proposal.move', 'proposal.decline', 'proposal.undo', 'proposal.moderate'];
			expect(allowed('association')).toEqual(manager);
			expect(allowed('facilitator')).toEqual(manager.filter((a) => a !== 'proposal.support'));
			expect(allowed('admin')).toEqual(manager.filter((a) => a !== 'proposal.support'));
			const hidden = await freshProposal('hidden');
			expect(proposalActions.filter((a) => can(people.author!, a, hidden.resource))).toEqual(['proposal.view']);
			expect(proposalActions.filter((a) => can(people.facilitator!, a, hidden.resource))).toEqual(['proposal.view', 'proposal.read', 'proposal.move', 'proposal.decline', 'proposal.undo', 'proposal.moderate']);
			// Withdrawn by its author: frozen for everyone; she alone may put it back.
			const withdrawn = { ...p.resource, withdrawn: true };
			expect(proposalActions.filter((a) => can(people.author!, a, withdrawn))).toEqual(['proposal.view', 'proposal.read', 'proposal.restoreOwn']);
			expect(proposalActions.filter((a) => can(people.tenant!, a, withdrawn))).toEqual(['proposal.view', 'proposal.read']);
			expect(proposalActions.filter((a) => can(people.facilitator!, a, withdrawn))).toEqual(['proposal.view', 'proposal.read', 'proposal.move', 'proposal.decline', 'proposal.undo', 'proposal.moderate']);
		});
	});

	describe('the live site plan takes from an author only what the pin form would', () => {
		async function authorOnPlan() {
			const mine = await freshProposal('open');
			const theirs = await app.services.proposals.propose(people.tenant!, { residenceId, title: 'Un composteur' });
			const live = await peer(people.author!, pinsDocName(residenceId));
			const joined = await live.join();
			expect(joined.ok && joined.data.readOnly).toBe(true); // she cannot arrange the whole plan...
			const send = async (change: (d: Y.Doc) => void) => {
				const forged = new Y.Doc();
				Y.applyUpdate(forged, Y.encodeStateAsUpdate(live.doc));
				const before = Y.encodeStateVector(forged);
				change(forged);
				return live.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(forged, before)));
			};
			return { mine, theirs, send };
		}

		it('her own idea’s pin goes in and is stored; a neighbour’s, a malformed pin or another field are refused and stored nowhere', async () => {
			const { mine, theirs, send } = await authorOnPlan();
			// ...but places her own idea, as through the form.
			expect((await send((d) => d.getMap(PINS_FIELD).set(mine.id, { x: 0.4, y: 0.4 }))).ok).toBe(true);
			expect(await app.services.collab.pinOf(mine.id)).toEqual({ x: 0.4, y: 0.4 });

			const refused = [
				await send((d) => d.getMap(PINS_FIELD).set(theirs.id, { x: 0.1, y: 0.1 })),
				await send((d) => d.getMap(PINS_FIELD).set(mine.id, { x: 7, y: 0.1 })),
				await send((d) => d.getMap(PINS_FIELD).set(mine.id, { x: 0.2, y: 0.2, note: 'libre' })),
				await send((d) => d.getMap('other').set('x', 1)),
				await send((d) => {
					d.getMap(PINS_FIELD).set(mine.id, { x: 0.5, y: 0.5 });
					d.getMap(PINS_FIELD).set(theirs.id, { x: 0.5, y: 0.5 });
				})
			];
			expect(refused.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['collab.error.readOnly', 'collab.error.invalid', 'collab.error.invalid', 'collab.error.invalid', 'collab.error.readOnly']);
			expect(await app.services.collab.pinOf(theirs.id)).toBeNull();
			expect(await app.services.collab.pinOf(mine.id)).toEqual({ x: 0.4, y: 0.4 });
			for (const p of peers.splice(0)) p.close();
		});

		it('takes moves sent back to back in the order sent (each builds on the one before)', async () => {
			const { mine } = await authorOnPlan();
			const live = await peer(people.facilitator!, pinsDocName(residenceId));
			await live.join();
			const pins = live.doc.getMap(PINS_FIELD);
			for (let i = 1; i <= 5; i++) pins.set(mine.id, { x: i / 10, y: 0.5 });
			await live.flush();
			expect(live.results.filter((r) => !r.ok)).toEqual([]);
			expect(await app.services.collab.pinOf(mine.id)).toEqual({ x: 0.5, y: 0.5 });
			for (const p of peers.splice(0)) p.close();
		});
	});

	/**
	 * Issue 8: what the tenant association may do is a rule of its residence. Under each rule, every
	 * proposal door (the service calls the form actions make) and the doors of votes agree with the
	 * policy, the association being read as she is now; on a socket opened under one rule, the next
	 * update obeys the rule that holds when it arrives.
	 */
	describe('the association under each rule of its residence', () => {
		let home: string;
		const cast: Record<'association' | 'facilitator' | 'author', SessionUser> = {} as never;
		const now = async (who: SessionUser) => (await loadActor(app.services.deps.data, who.id))!;
		const setRule = (rule: AssociationRights) => app.services.residenceRules.setAssociationRights(cast.facilitator, { residenceId: home, associationRights: rule });

		beforeAll(async () => {
			home = (await createResidence(app)).residence.id;
			const here = (role: 'tenant' | 'association' | 'facilitator') => [{ type: 'residence' as const, id: home, role }];
			cast.association = await createUser(app, { displayName: 'Josiane', roles: here('association') });
			cast.facilitator = await createUser(app, { displayName: 'Claire', roles: here('facilitator') });
			cast.author = await createUser(app, { displayName: 'Amina', roles: here('tenant') });
		});

		async function idea(state: State) {
			const { proposals: service } = app.services;
			const { id } = await service.propose(cast.author, { residenceId: home, title: 'Un abri vélos', description: 'Près du B' });
			const { eventId } = await service.move(cast.facilitator, { proposalId: id, status: 'idea', index: 0 });
			if (state === 'hidden') await service.hideProposal(cast.facilitator, { id, reason: 'Doublon' });
			const { proposals } = app.services.deps.data.t;
		const row = await first(app.services.deps.data.db.select().from(proposals).where(eq(proposals.id, id)));
			return { id, eventId, resource: proposalResource(row!) };
		}
		const newVote = (actor: SessionUser) => () =>
			app.services.consultations.create(actor, { space: { type: 'residence', id: home }, question: 'Un abri vélos ?', method: 'yes-no-abstain', electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', openNow: true });

		for (const rule of associationRightsLevels)
			it(`${rule}: the proposal doors and the vote doors do what the policy says`, async () => {
				await setRule(rule);
				const asso = await now(cast.association);
				expect(asso.spaceRules?.get(`residence:${home}`)).toEqual({ association: rule });
				for (const state of states) {
					const expected: Record<string, boolean> = {};
					const forms: Record<string, boolean> = {};
					for (const action of proposalActions) {
						const p = await idea(state);
						expected[action] = can(asso, action, p.resource);
						forms[action] = await attempt(serviceDoor(action, asso, p));
					}
					expect(forms, state).toEqual(expected);
				}
				// The same answers, written by hand: the board is the association's only under `full`.
				const open = (await idea('open')).resource;
				const board = rule === 'full';
				expect(can(asso, 'proposal.move', open)).toBe(board);
				expect(can(asso, 'proposal.moderate', open)).toBe(board);
				// Votes: created, opened and closed by the association under `votes` and `full`.
				const votes = rule !== 'participate';
				expect(await attempt(newVote(asso))).toBe(votes);
				const { id: staffVote } = await newVote(cast.facilitator)();
				expect(await attempt(() => app.services.consultations.close(asso, { consultationId: staffVote }))).toBe(votes);
				// Whatever the rule, she votes like a tenant.
				const { id: another } = await newVote(cast.facilitator)();
				expect(await attempt(() => app.services.consultations.cast(asso, { consultationId: another, ballot: { position: 'for' } }))).toBe(true);
			}, 30_000);

		it('an open socket obeys the rule as it is now: arranging pins stops the moment the rule narrows, and starts again', async () => {
			await setRule('full');
			const mine = await idea('open');
			const live = await peer(cast.association, pinsDocName(home));
			expect(await live.join()).toMatchObject({ ok: true, data: { readOnly: false } });
			const pins = live.doc.getMap(PINS_FIELD);
			pins.set(mine.id, { x: 0.2, y: 0.2 });
			await live.flush();
			expect(live.results.at(-1)).toMatchObject({ ok: true });
			expect(await app.services.collab.pinOf(mine.id)).toEqual({ x: 0.2, y: 0.2 });

			await setRule('votes');
			pins.set(mine.id, { x: 0.7, y: 0.7 });
			await live.flush();
			expect(live.results.at(-1)).toMatchObject({ ok: false, code: 'collab.error.readOnly' });
			expect(await app.services.collab.pinOf(mine.id)).toEqual({ x: 0.2, y: 0.2 });

			// Editing a neighbour's live description: refused on the same terms, over a socket opened now.
			const text = await peer(cast.association, descriptionDocName(mine.id));
			expect(await text.join()).toMatchObject({ ok: true, data: { readOnly: true } });

			await setRule('full');
			const again = await peer(cast.association, pinsDocName(home));
			await again.join();
			again.doc.getMap(PINS_FIELD).set(mine.id, { x: 0.6, y: 0.6 });
			await again.flush();
			expect(again.results.at(-1)).toMatchObject({ ok: true });
			expect(await app.services.collab.pinOf(mine.id)).toEqual({ x: 0.6, y: 0.6 });
			for (const p of peers.splice(0)) p.close();
		});

		it('only staff change the rule; the association cannot widen her own rights, and a bad value changes nothing', async () => {
			await setRule('participate');
			await expect(app.services.residenceRules.setAssociationRights(await now(cast.association), { residenceId: home, associationRights: 'full' })).rejects.toBeInstanceOf(ForbiddenError);
			await expect(app.services.residenceRules.setAssociationRights(cast.facilitator, { residenceId: home, associationRights: 'everything' })).rejects.toMatchObject({ fields: { associationRights: 'residence.rules.error.choice' } });
			const view = await app.services.residenceRules.view(await now(cast.association), home);
			expect(view).toMatchObject({ associationRights: 'participate', can: { manage: false }, associationMembers: 1 });
			expect(view.changed).toMatchObject({ by: 'Claire', from: 'full' });
			await setRule('full');
		});
	});
});
