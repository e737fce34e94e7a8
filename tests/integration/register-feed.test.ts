/**
 * The decision register is fed from the bus (issue 11), through the real services: a consultation's
 * close (`consultation.closed`) gives its decision a follow-up; a reopening (`consultation.reopened`)
 * withdraws the decision from the register (marked for members, absent from the public side) until
 * the next close rewrites it; the follow-up stays on the same row.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Published } from '$lib/server/realtime/bus';
import { first } from '$lib/server/db/data';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '$lib/server/testing';
import { secretVote } from './ballot-box/fixture';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(async () => {
		await app.services.settled();
		await app.close();
	});

	async function setup() {
		const v = await secretVote(app, 3, app.services.consultations, { secrecy: 'public', closesAt: new Date(app.clock.now().getTime() + 48 * 3_600_000).toISOString() });
		const events: Published[] = [];
		app.services.deps.bus.subscribe((m) => events.push(m));
		return { ...v, svc: app.services.consultations, events };
	}

	const followUpOf = (decisionId: string) => {
		const { db, t } = app.services.deps.data;
		return first(db.select().from(t.decisionFollowUps).where(eq(t.decisionFollowUps.decisionId, decisionId)));
	};
	const decisionOf = async (consultationId: string) => {
		const { db, t } = app.services.deps.data;
		return (await first(db.select().from(t.decisions).where(eq(t.decisions.consultationId, consultationId))))!;
	};

	describe('decision register fed from the bus', () => {
		it('a closed consultation gets its follow-up from consultation.closed, once, and its pages hear of it', async () => {
			const s = await setup();
			const [bois] = s.options as [string, string];
			await s.svc.cast(s.voters[0]!, { consultationId: s.id, ballot: { choice: bois } });
			await s.svc.close(s.claire, { consultationId: s.id });
			await app.services.settled();
			const d = await decisionOf(s.id);
			expect(await followUpOf(d.id)).toMatchObject({ status: 'planned', progress: 0 });
			expect(s.events.filter((e) => e.event === 'decision.changed').map((e) => e.payload)).toEqual([{ decisionId: d.id, spaceKey: `residence:${s.residence.id}` }]);
			const entry = (await app.services.register.list(s.voters[1]!, s.space)).items.find((e) => e.id === d.id)!;
			expect(entry).toMatchObject({ outcome: ['Bois'], reopened: null });

			// The follow-up comes from consultation.closed alone: the same event again changes nothing more.
			await app.services.register.update(s.claire, { decisionId: d.id, status: 'inProgress', progress: 40, reviewAt: '', note: 'Devis demandé' });
			const closed = s.events.find((e) => e.event === 'consultation.closed')!;
			app.services.deps.bus.publish(closed.room, 'consultation.closed', closed.payload as never);
			await app.services.settled();
			expect(await followUpOf(d.id)).toMatchObject({ status: 'inProgress', progress: 40 });
		});

		it('a reopened vote withdraws its decision (marked for members, absent from the portal) until the next close rewrites it', async () => {
			const s = await setup();
			const [bois, metal] = s.options as [string, string];
			await s.svc.cast(s.voters[0]!, { consultationId: s.id, ballot: { choice: bois } });
			await s.svc.close(s.claire, { consultationId: s.id });
			await app.services.settled();
			const d = await decisionOf(s.id);
			await app.services.register.update(s.claire, { decisionId: d.id, ownerId: s.claire.id, status: 'inProgress', progress: 20, reviewAt: '2026-11-01', note: '' });
			expect((await app.services.register.overdue(s.voters[0]!, s.space)).map((o) => o.id)).toEqual([d.id]);

			const seen = s.events.length;
			await s.svc.reopen(s.claire, { consultationId: s.id, reason: 'Clos par erreur avant la réunion' });
			await app.services.settled();
			expect(s.events.slice(seen).map((e) => e.event)).toContain('decision.changed');
			const marked = (await app.services.register.list(s.voters[1]!, s.space)).items.find((e) => e.id === d.id)!;
			expect(marked.reopened).toMatchObject({ reason: 'Clos par erreur avant la réunion' });
			// Its former result is not shown while the vote goes on, and it is not overdue meanwhile.
			expect(marked).toMatchObject({ outcome: [], adopted: null, quorumMet: null, overdue: false, turnout: { participants: 0, electorate: 0 } });
			expect(await app.services.register.overdue(s.voters[0]!, s.space)).toEqual([]);
			expect((await app.services.register.publicEntries(s.space)).map((e) => e.id)).toEqual([]);

			await s.svc.cast(s.voters[1]!, { consultationId: s.id, ballot: { choice: metal } });
			await s.svc.cast(s.voters[2]!, { consultationId: s.id, ballot: { choice: metal } });
			await s.svc.close(s.claire, { consultationId: s.id });
			await app.services.settled();
			const rewritten = (await app.services.register.list(s.voters[1]!, s.space)).items.find((e) => e.id === d.id)!;
			expect(rewritten).toMatchObject({ outcome: ['Métal'], reopened: null, turnout: { participants: 3 } });
			// The follow-up kept its owner and progress: it points at the same decision row.
			expect(rewritten.followUp).toMatchObject({ owner: 'Claire', status: 'inProgress', progress: 20 });
			expect((await app.services.register.publicEntries(s.space)).map((e) => e.id)).toEqual([d.id]);
		});

		it('an idea moved to "done" completes, dated, the follow-up of the decisions about it (a vote on it, a choice it won), not of a choice it lost', async () => {
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
			const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
			const { proposals, consultations, register } = app.services;
			const garden = await proposals.propose(amina, { residenceId: residence.id, title: 'Jardin partagé' });
			const benches = await proposals.propose(amina, { residenceId: residence.id, title: 'Bancs' });
			const base = { space, electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', openNow: true } as const;
			const about = await consultations.create(claire, { ...base, question: 'Adopter le jardin partagé ?', method: 'yes-no-abstain', proposalIds: [garden.id] });
			const choice = await consultations.create(claire, { ...base, question: 'Quel projet d’abord ?', method: 'plurality', options: [{ label: 'Jardin', proposalId: garden.id }, { label: 'Bancs', proposalId: benches.id }] });
			await consultations.cast(amina, { consultationId: about.id, ballot: { position: 'for' } });
			const jardin = (await consultations.view(amina, choice.id)).options.find((o) => o.label === 'Jardin')!.id;
			await consultations.cast(amina, { consultationId: choice.id, ballot: { choice: jardin } });
			await consultations.close(claire, { consultationId: about.id });
			await consultations.close(claire, { consultationId: choice.id });
			await app.services.settled();
			const [onGarden, garden1st] = [await decisionOf(about.id), await decisionOf(choice.id)];
			await register.update(claire, { decisionId: onGarden.id, status: 'inProgress', progress: 50, reviewAt: '', note: 'Terrain choisi' });

			// Benches lost the choice: their idea being done says nothing about that decision.
			for (const status of ['planned', 'done']) await proposals.move(claire, { proposalId: benches.id, status });
			await app.services.settled();
			expect(await followUpOf(garden1st.id)).toMatchObject({ status: 'planned' });

			// Moving the garden through "planned" changes nothing; "done" completes both its decisions.
			await proposals.move(claire, { proposalId: garden.id, status: 'planned' });
			await app.services.settled();
			expect(await followUpOf(onGarden.id)).toMatchObject({ status: 'inProgress', progress: 50 });
			app.clock.advance(3 * 24 * 3_600_000);
			await proposals.move(claire, { proposalId: garden.id, status: 'done' });
			await app.services.settled();
			const entries = (await register.list(amina, space)).items;
			for (const d of [onGarden, garden1st]) {
				const e = entries.find((x) => x.id === d.id)!;
				expect(e.followUp).toMatchObject({ status: 'done', progress: 100, doneAt: app.clock.now().getTime() });
				expect(e.notes[0]).toMatchObject({ author: 'Claire', status: 'done', progress: 100 });
			}
			const { db, t } = app.services.deps.data;
			const audited = await db.select().from(t.auditLog).where(eq(t.auditLog.action, 'decision.followUp'));
			expect(audited.filter((a) => (a.data as { proposalId?: string }).proposalId === garden.id)).toHaveLength(2);

			// Back to "in progress" and done again: already done, nothing more is written.
			await proposals.move(claire, { proposalId: garden.id, status: 'inProgress' });
			await proposals.move(claire, { proposalId: garden.id, status: 'done' });
			await app.services.settled();
			expect((await register.list(amina, space)).items.find((x) => x.id === onGarden.id)!.notes.filter((n) => n.status === 'done')).toHaveLength(1);
		});
	});
});
