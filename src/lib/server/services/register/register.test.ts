import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { first } from '../../db/data';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { createBodyFixture } from '../meetings/fixture';
import { OWNER_LIST_MAX } from '.';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(async () => {
		await app.services.settled();
		await app.close();
	});

	async function code(fn: () => Promise<unknown>) {
		try {
			await fn();
			return 'ok';
		} catch (err) {
			if (err instanceof UserError) return err.code;
			return (err as { code?: string }).code ?? String(err);
		}
	}

	/** A motion voted and closed in a meeting: the consultations service writes the decision. */
	async function decided() {
		const f = await createBodyFixture(app);
		const m = app.services.meetings;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité', startsAt: '2026-11-22T10:00' });
		const { id: itemId } = (await m.addItem(f.chair, { meetingId: id, title: 'Jardin', kind: 'decision' })) as { id: string };
		await m.open(f.chair, { meetingId: id });
		for (const u of [f.chair, f.fatou, f.elise]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
		const motion = await m.openMotion(f.chair, { meetingId: id, itemId, question: 'Créer un jardin partagé ?' });
		for (const u of [f.chair, f.fatou, f.elise]) await app.services.consultations.cast(u, { consultationId: motion.consultationId, ballot: { position: 'for' } });
		await m.closeMotion(f.chair, { meetingId: id, motionId: motion.id });
		// The follow-up is written by the register's bus subscriber (consultation.closed), after the close.
		await app.services.settled();
		const { data } = app.services.deps;
		const { decisions } = data.t;
		const decision = (await first(data.db.select().from(decisions).where(eq(decisions.consultationId, motion.consultationId))))!;
		return { f, meetingId: id, decision };
	}

	describe('decision register follow-up', () => {
		it('gets a follow-up from the bus when the vote closes, with the meeting it comes from', async () => {
			const { f, meetingId, decision } = await decided();
			const list = await app.services.register.list(f.fatou, f.space);
			const entry = list.items.find((e) => e.id === decision.id)!;
			expect(entry.followUp.status).toBe('planned');
			expect(entry.followUp.updatedAt).not.toBeNull();
			expect(entry.meetingId).toBe(meetingId);
			expect(entry.canUpdate).toBe(false);
			expect(list.canManage).toBe(false);
		});

		it('lets managers name an owner, the owner report progress, nobody else; abandoning needs a reason', async () => {
			const { f, decision } = await decided();
			const r = app.services.register;
			const base = { decisionId: decision.id, status: 'inProgress', progress: 30, reviewAt: '', note: 'Devis demandés' };
			expect(await code(() => r.update(f.fatou, base))).toBe('forbidden');
			expect(await code(() => r.update(f.chair, { ...base, ownerId: 'nobody' }))).toBe('register.error.ownerNotMember');
			await r.update(f.chair, { ...base, ownerId: f.fatou.id });
			// A second later: notes of the same instant have no order of their own (random ids).
			app.clock.advance(1000);
			await r.update(f.fatou, { ...base, progress: 50, note: 'Deux devis reçus' });
			expect(await code(() => r.update(f.fatou, { ...base, ownerId: f.elise.id }))).toBe('forbidden');
			expect(await code(() => r.update(f.elise, base))).toBe('forbidden');
			expect(await code(() => r.update(f.fatou, { ...base, status: 'abandoned', abandonReason: ' ' }))).toBe('register.error.reasonRequired');
			expect(await code(() => r.update(f.fatou, { ...base, progress: 140 }))).toBe('register.error.progress');
			await r.addMilestone(f.fatou, { decisionId: decision.id, title: 'Choix du devis', dueAt: '2026-12-15' });
			const entry = (await r.list(f.elise, f.space)).items.find((e) => e.id === decision.id)!;
			expect(entry.followUp).toMatchObject({ owner: 'Fatou', status: 'inProgress', progress: 50 });
			expect(entry.notes.map((n) => n.text)).toEqual(['Deux devis reçus', 'Devis demandés']);
			expect(entry.milestones.map((m) => m.title)).toEqual(['Choix du devis']);
		});

		it('in a large residence, offers the usual owners in its list and finds any other member by name', async () => {
			const { residence } = await createResidence(app);
			const space = { type: 'residence' as const, id: residence.id };
			const facilitator = await createUser(app, { displayName: 'Claire Martin', roles: [{ ...space, role: 'facilitator' }] });
			const tenantIn = [{ ...space, role: 'tenant' as const }];
			const tenants = [];
			for (let i = 0; i < OWNER_LIST_MAX; i++) tenants.push(await createUser(app, { displayName: `Voisin ${String(i).padStart(3, '0')}`, roles: tenantIn }));
			const elodie = await createUser(app, { displayName: 'Élodie Moreau', roles: tenantIn });
			for (let i = 0; i < 2; i++) await createUser(app, { displayName: 'Karim D.', roles: tenantIn });
			const c = app.services.consultations;
			const { id } = await c.create(facilitator, { space, question: 'Installer des bancs ?', method: 'yes-no-abstain', options: [], electorate: 'residence', countBy: 'person', secrecy: 'public', resultsVisibility: 'live', openNow: true });
			await c.cast(elodie, { consultationId: id, ballot: { position: 'for' } });
			await c.close(facilitator, { consultationId: id });
			await app.services.settled();
			const r = app.services.register;
			const [entry] = (await r.list(facilitator, space)).items;
			const base = { decisionId: entry!.id, status: 'planned', progress: 0, reviewAt: '', note: '' };

			// 104 members: the list offers the staff (and who owns a follow-up), not 103 tenants' names.
			expect(await r.list(facilitator, space)).toMatchObject({ members: [{ userId: facilitator.id, name: 'Claire Martin' }], unlisted: 103 });
			// Another member is named by her name, case, accents and spaces aside…
			await r.update(facilitator, { ...base, ownerId: '', ownerName: '  elodie   MOREAU ' });
			const after = await r.list(facilitator, space);
			expect(after.items[0]!.followUp.ownerId).toBe(elodie.id);
			// …and, owning a follow-up now, she is in the list.
			expect(after.members.map((m) => m.name)).toEqual(['Claire Martin', 'Élodie Moreau']);
			expect(after.unlisted).toBe(102);
			// A name nobody has, or two people have, is said; nothing changes.
			expect(await code(() => r.update(facilitator, { ...base, ownerName: 'Personne Inconnue' }))).toBe('register.error.ownerNameUnknown');
			expect(await code(() => r.update(facilitator, { ...base, ownerName: 'karim d' }))).toBe('register.error.ownerNameAmbiguous');
			expect((await r.list(facilitator, space)).items[0]!.followUp.ownerId).toBe(elodie.id);
			// Only who manages the register names an owner, by list or by name.
			expect(await code(() => r.update(elodie, { ...base, ownerName: 'Voisin 001' }))).toBe('forbidden');
			expect(await code(() => r.update(facilitator, { ...base, ownerName: 'x'.repeat(201) }))).toBe('register.error.tooLong');
			await r.update(facilitator, { ...base, ownerName: 'voisin 001' });
			expect((await r.list(facilitator, space)).items[0]!.followUp.ownerId).toBe(tenants[1]!.id);
		});

		it('is overdue past its review date and reminds the owner once', async () => {
			const { f, decision } = await decided();
			const r = app.services.register;
			await r.update(f.chair, { decisionId: decision.id, ownerId: f.fatou.id, status: 'planned', progress: 0, reviewAt: '2026-12-10', note: '' });
			expect(await r.overdue(f.elise, f.space)).toEqual([]);
			app.clock.advance(400 * 24 * 3600_000);
			expect((await r.overdue(f.elise, f.space)).map((o) => o.id)).toEqual([decision.id]);
			expect(await r.overdue(null, f.space)).toEqual([]);
			expect(await r.remindReviews()).toBe(1);
			expect(await r.remindReviews()).toBe(0);
			const { data } = app.services.deps;
			const { notifications } = data.t;
			const sent = await data.db.select().from(notifications).where(eq(notifications.kind, 'decisionReview'));
			expect(sent.map((n) => n.userId)).toEqual([f.fatou.id]);
			expect(String(sent[0]!.data.href)).toBe(`/b/${f.body.id}/register#decision-${decision.id}`);
		});
	});
});
