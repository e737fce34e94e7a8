/**
 * A vote's life (issue 8) on SQLite and PostgreSQL: edited only before its first ballot (also an
 * assisted one waiting), extended but never shortened (voters told), reopened within a day with a
 * reason (decision withdrawn, then rewritten at the next close), bus events for the decision
 * register, and the links between ideas and votes both ways.
 */
import { eq, type SQL } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Published } from '$lib/server/realtime/bus';
import { first } from '$lib/server/db/data';
import { createTestAppOn, createUser, testEngines, type TestApp } from '$lib/server/testing';
import { secretVote } from './ballot-box/fixture';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	const HOUR = 3_600_000;

	async function setup(extra: Record<string, unknown> = {}) {
		const v = await secretVote(app, 3, app.services.consultations, { secrecy: 'public', closesAt: new Date(app.clock.now().getTime() + 48 * HOUR).toISOString(), ...extra });
		const events: Published[] = [];
		app.services.deps.bus.subscribe((m) => events.push(m));
		return { ...v, svc: app.services.consultations, events };
	}

	const changed = async (userId: string) => {
		const { db, t } = app.services.deps.data;
		return (await db.select().from(t.notifications).where(eq(t.notifications.userId, userId)).orderBy(t.notifications.createdAt, t.notifications.id)).filter((n) => n.kind === 'voteChanged');
	};
	const decisionsWhere = (where: (d: typeof app.services.deps.data.t.decisions) => SQL) => {
		const { db, t } = app.services.deps.data;
		return db.select().from(t.decisions).where(where(t.decisions));
	};

	describe('vote lifecycle', () => {
		it('edits question, options and dates before the first ballot; after it (or an assisted vote waiting), every edit is refused', async () => {
			const s = await setup();
			const [bois] = s.options as [string, string];
			await s.svc.edit(s.claire, { consultationId: s.id, question: 'Quel banc, finalement ?', options: [{ id: bois, label: 'Bois clair' }, { label: 'Pierre' }], resultsVisibility: 'live', closesAt: '' });
			const view = await s.svc.view(s.voters[0]!, s.id);
			expect(view.consultation.question).toBe('Quel banc, finalement ?');
			expect(view.options.map((o) => o.label).sort()).toEqual(['Bois clair', 'Pierre']);
			expect(view.options.find((o) => o.label === 'Bois clair')?.id).toBe(bois);
			expect((await changed(s.voters[0]!.id)).map((n) => n.data)).toEqual([{ change: 'edited' }]);
			// Bad input is refused with the same rules as at creation.
			await expect(s.svc.edit(s.claire, { consultationId: s.id, question: 'Q', options: [{ label: 'Seule' }], resultsVisibility: 'live' })).rejects.toThrow();
			// A tenant may not edit.
			await expect(s.svc.edit(s.voters[0]!, { consultationId: s.id, question: 'Piraté', options: [{ label: 'A' }, { label: 'B' }], resultsVisibility: 'live' })).rejects.toThrow(/forbidden/);

			await s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: s.voters[1]!.id, channel: 'phone', ballot: { choice: bois } });
			await expect(s.svc.edit(s.claire, { consultationId: s.id, question: 'Encore changé', options: [{ id: bois, label: 'Bois' }, { label: 'Pierre' }], resultsVisibility: 'live' })).rejects.toThrow(/votes.error.editAfterBallot/);
			expect((await s.svc.view(s.claire, s.id)).editable).toBe(false);
		});

		it('extends the closing date (voters told, audited), never to the past nor earlier than planned', async () => {
			const s = await setup();
			const now = app.clock.now().getTime();
			await expect(s.svc.extend(s.claire, { consultationId: s.id, closesAt: new Date(now - HOUR).toISOString() })).rejects.toThrow(/votes.error.extendPast/);
			await expect(s.svc.extend(s.claire, { consultationId: s.id, closesAt: new Date(now + 24 * HOUR).toISOString() })).rejects.toThrow(/votes.error.extendShorter/);
			await expect(s.svc.extend(s.voters[0]!, { consultationId: s.id, closesAt: new Date(now + 96 * HOUR).toISOString() })).rejects.toThrow(/forbidden/);
			await s.svc.extend(s.claire, { consultationId: s.id, closesAt: new Date(now + 96 * HOUR).toISOString() });
			expect((await s.svc.view(s.voters[0]!, s.id)).consultation.closesAt?.getTime()).toBe(now + 96 * HOUR);
			for (const v of s.voters) expect((await changed(v.id)).map((n) => n.data.change)).toEqual(['extended']);
			const { db, t } = app.services.deps.data;
			expect((await db.select().from(t.auditLog)).map((a) => a.action)).toContain('consultation.extended');
		});

		it('reopens within a day with a reason (decision withdrawn, result marked), closes again rewriting the same decision, and tells the register on the bus', async () => {
			const s = await setup();
			const [bois, metal] = s.options as [string, string];
			await s.svc.cast(s.voters[0]!, { consultationId: s.id, ballot: { choice: bois } });
			// An open vote cannot be reopened: its own message (not the export's "published at the close").
			await expect(s.svc.reopen(s.claire, { consultationId: s.id, reason: 'Trop tôt' })).rejects.toThrow(/votes.error.reopenNotClosed/);
			await s.svc.close(s.claire, { consultationId: s.id });
			const decided = (await first(decisionsWhere((d) => eq(d.consultationId, s.id))))!;
			expect(s.events.filter((e) => e.event === 'consultation.closed').map((e) => e.payload)).toEqual([expect.objectContaining({ consultationId: s.id, decisionId: decided.id, reopened: false })]);
			await expect(s.svc.reopen(s.claire, { consultationId: s.id, reason: '' })).rejects.toThrow();
			await expect(s.svc.reopen(s.voters[0]!, { consultationId: s.id, reason: 'Je veux revoter' })).rejects.toThrow(/forbidden/);
			await s.svc.reopen(s.claire, { consultationId: s.id, reason: 'Clos par erreur avant la réunion' });
			expect(s.events.some((e) => e.event === 'consultation.reopened')).toBe(true);
			const reopened = await s.svc.results(s.voters[1]!, s.id);
			expect(reopened.consultation.status).toBe('open');
			expect(reopened.lifecycle.reopened).toMatchObject({ by: 'Claire', reason: 'Clos par erreur avant la réunion' });
			expect((await first(decisionsWhere((d) => eq(d.id, decided.id))))?.reopenedAt).not.toBeNull();
			for (const v of s.voters) expect((await changed(v.id)).map((n) => n.data.change)).toContain('reopened');
			// Voting goes on; the next close rewrites the same decision row.
			await s.svc.cast(s.voters[1]!, { consultationId: s.id, ballot: { choice: metal } });
			await s.svc.cast(s.voters[2]!, { consultationId: s.id, ballot: { choice: metal } });
			await s.svc.close(s.claire, { consultationId: s.id });
			const again = await decisionsWhere((d) => eq(d.consultationId, s.id));
			expect(again).toHaveLength(1);
			expect(again[0]).toMatchObject({ id: decided.id, outcome: ['Métal'], reopenedAt: null });
			expect(s.events.filter((e) => e.event === 'consultation.closed').at(-1)?.payload).toMatchObject({ reopened: true, decisionId: decided.id });
			// Past the window: refused.
			app.clock.advance(25 * HOUR);
			await expect(s.svc.reopen(s.claire, { consultationId: s.id, reason: 'Trop tard' })).rejects.toThrow(/votes.error.reopenTooLate/);
		});

		it('links a vote to the ideas it concerns, and each idea back to its votes', async () => {
			const { residence } = await import('$lib/server/testing').then(async (m) => m.createResidence(app));
			const space = { type: 'residence' as const, id: residence.id };
			const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
			const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
			const garden = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Jardin partagé' });
			const benches = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Bancs' });
			const { id } = await app.services.consultations.create(claire, {
				space,
				question: 'Adopter le jardin partagé ?',
				method: 'yes-no-abstain',
				electorate: 'residence',
				secrecy: 'public',
				resultsVisibility: 'live',
				openNow: true,
				proposalIds: [garden.id]
			});
			const other = await app.services.consultations.create(claire, {
				space,
				question: 'Quel projet d’abord ?',
				method: 'plurality',
				options: [{ label: 'Jardin', proposalId: garden.id }, { label: 'Bancs', proposalId: benches.id }],
				electorate: 'residence',
				secrecy: 'public',
				resultsVisibility: 'live',
				openNow: true
			});
			expect((await app.services.consultations.view(amina, id)).about).toEqual([{ id: garden.id, title: 'Jardin partagé', href: `/r/${residence.id}/board/p/${garden.id}` }]);
			expect((await app.services.consultations.votesAbout(amina, garden.id)).map((v) => v.id).sort()).toEqual([id, other.id].sort());
			expect((await app.services.consultations.votesAbout(amina, benches.id)).map((v) => v.id)).toEqual([other.id]);
			// An idea of another residence cannot be named.
			const elsewhere = await import('$lib/server/testing').then((m) => m.createResidence(app));
			await expect(app.services.consultations.create(claire, { space, question: 'Autre ?', method: 'yes-no-abstain', electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', proposalIds: [elsewhere.residence.id] })).rejects.toThrow(/votes.error.proposal/);
		});
	});
});
