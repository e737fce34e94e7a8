/**
 * The decision register is fed from the bus (issue 11), through the real services: a consultation's
 * close (`consultation.closed`) gives its decision a follow-up; a reopening (`consultation.reopened`)
 * withdraws the decision from the register (marked for members, absent from the public side) until
 * the next close rewrites it; the follow-up stays on the same row.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Published } from '$lib/server/realtime/bus';
import { decisionFollowUps, decisions } from '$lib/server/db/schema';
import { createTestApp, type TestApp } from '$lib/server/testing';
import { secretVote } from './ballot-box/fixture';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
});
afterEach(async () => {
	await app.services.settled();
	app.close();
});

async function setup() {
	const v = await secretVote(app, 3, app.services.consultations, { secrecy: 'public', closesAt: new Date(app.clock.now().getTime() + 48 * 3_600_000).toISOString() });
	const events: Published[] = [];
	app.services.deps.bus.subscribe((m) => events.push(m));
	return { ...v, svc: app.services.consultations, events };
}

const followUpOf = (decisionId: string) => app.services.deps.db.select().from(decisionFollowUps).where(eq(decisionFollowUps.decisionId, decisionId)).get();

describe('decision register fed from the bus', () => {
	it('a closed consultation gets its follow-up from consultation.closed, once, and its pages hear of it', async () => {
		const s = await setup();
		const [bois] = s.options as [string, string];
		await s.svc.cast(s.voters[0]!, { consultationId: s.id, ballot: { choice: bois } });
		s.svc.close(s.claire, { consultationId: s.id });
		await app.services.settled();
		const d = app.services.deps.db.select().from(decisions).where(eq(decisions.consultationId, s.id)).get()!;
		expect(followUpOf(d.id)).toMatchObject({ status: 'planned', progress: 0 });
		expect(s.events.filter((e) => e.event === 'decision.changed').map((e) => e.payload)).toEqual([{ decisionId: d.id, spaceKey: `residence:${s.residence.id}` }]);
		const entry = (await app.services.register.list(s.voters[1]!, s.space)).items.find((e) => e.id === d.id)!;
		expect(entry).toMatchObject({ outcome: ['Bois'], reopened: null });

		// The follow-up comes from consultation.closed alone: the same event again changes nothing more.
		await app.services.register.update(s.claire, { decisionId: d.id, status: 'inProgress', progress: 40, reviewAt: '', note: 'Devis demandé' });
		const closed = s.events.find((e) => e.event === 'consultation.closed')!;
		app.services.deps.bus.publish(closed.room, 'consultation.closed', closed.payload as never);
		await app.services.settled();
		expect(followUpOf(d.id)).toMatchObject({ status: 'inProgress', progress: 40 });
	});

	it('a reopened vote withdraws its decision (marked for members, absent from the portal) until the next close rewrites it', async () => {
		const s = await setup();
		const [bois, metal] = s.options as [string, string];
		await s.svc.cast(s.voters[0]!, { consultationId: s.id, ballot: { choice: bois } });
		s.svc.close(s.claire, { consultationId: s.id });
		await app.services.settled();
		const d = app.services.deps.db.select().from(decisions).where(eq(decisions.consultationId, s.id)).get()!;
		await app.services.register.update(s.claire, { decisionId: d.id, ownerId: s.claire.id, status: 'inProgress', progress: 20, reviewAt: '2026-11-01', note: '' });
		expect((await app.services.register.overdue(s.voters[0]!, s.space)).map((o) => o.id)).toEqual([d.id]);

		const seen = s.events.length;
		s.svc.reopen(s.claire, { consultationId: s.id, reason: 'Clos par erreur avant la réunion' });
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
		s.svc.close(s.claire, { consultationId: s.id });
		await app.services.settled();
		const rewritten = (await app.services.register.list(s.voters[1]!, s.space)).items.find((e) => e.id === d.id)!;
		expect(rewritten).toMatchObject({ outcome: ['Métal'], reopened: null, turnout: { participants: 3 } });
		// The follow-up kept its owner and progress: it points at the same decision row.
		expect(rewritten.followUp).toMatchObject({ owner: 'Claire', status: 'inProgress', progress: 20 });
		expect((await app.services.register.publicEntries(s.space)).map((e) => e.id)).toEqual([d.id]);
	});
});
