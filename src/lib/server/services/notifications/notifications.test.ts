import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationPayload } from '$lib/realtime/board-events';
import type { Published } from '../../realtime/bus';
import { notificationPayloads } from './views';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';

describe.each(testEngines)('notifications service on %s', (engine) => {
let app: TestApp;
let published: Published[];
beforeEach(async () => {
	app = await createTestAppOn(engine);
	published = [];
	app.services.deps.bus.subscribe((m) => published.push(m));
});
afterEach(() => app.close());

const HOUR = 3600_000;

async function setup() {
	const { residence } = await createResidence(app, [{ name: 'A', dwellings: 4 }]);
	const { data } = app.services.deps;
	const { households } = data.t;
	const homes = await data.db.select().from(households).where(eq(households.residenceId, residence.id)).orderBy(asc(households.id));
	const space = { type: 'residence' as const, id: residence.id };
	const tenant = (displayName: string, householdId: string) => createUser(app, { displayName, householdId, roles: [{ ...space, role: 'tenant' }] });
	const amina = await tenant('Amina', homes[0]!.id);
	const samir = await tenant('Samir', homes[0]!.id);
	const karim = await tenant('Karim', homes[1]!.id);
	const lea = await tenant('Léa', homes[2]!.id);
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	return { residence, space, amina, samir, karim, lea, claire };
}

/** What a person was told, once the work the bus subscribers started after a commit is done. */
async function kinds(userId: string) {
	await app.services.settled();
	const { data } = app.services.deps;
	const { notifications } = data.t;
	return (await data.db.select({ kind: notifications.kind }).from(notifications).where(eq(notifications.userId, userId))).map((r) => r.kind).sort();
}

describe('notifications service', () => {
	it('tells each of many people at once, each tab with that person’s own unread count', async () => {
		const s = await setup();
		const { id } = await app.services.proposals.propose(s.amina, { residenceId: s.residence.id, title: 'Bancs' });
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Oui' });
		await app.services.proposals.comment(s.lea, { proposalId: id, body: 'Bonne idée' });
		await app.services.settled();
		const people = [s.amina, s.samir, s.karim, s.lea, s.claire];
		const before = await Promise.all(people.map(async (u) => (await app.services.notifications.list(u)).unread));
		published.length = 0;
		const pending = await app.services.notifications.record(people.map((u) => u.id), 'status', { id }, s.claire.id, { status: 'discussion' });
		await app.services.notifications.publish(pending);
		const told = published.filter((m) => m.event === 'notification.new');
		expect(told.map((m) => m.room).sort()).toEqual(people.map((u) => `user:${u.id}`).sort());
		people.forEach((u, i) => {
			const payload = told.find((m) => m.room === `user:${u.id}`)!.payload as { id: string; unread: number; kind: string; proposalTitle: string };
			expect(payload).toMatchObject({ id: pending[i]!.id, kind: 'status', proposalTitle: 'Bancs', unread: before[i]! + 1 });
		});
		// Amina was told of both comments: her count is not the others'.
		expect(before[0]).toBeGreaterThan(before[1]!);
	});

	it('builds a comment’s payloads from what it holds, equal to the rows read back, hidden idea included', async () => {
		const s = await setup();
		const { notifications } = app.services;
		const { id } = await app.services.proposals.propose(s.amina, { residenceId: s.residence.id, title: 'Bancs' });
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Oui' });
		published.length = 0;
		await app.services.proposals.comment(s.lea, { proposalId: id, body: 'Bonne idée, pour les anciens' });
		const told = () => published.filter((m) => m.event === 'notification.new').map((m) => m.payload as NotificationPayload);
		const live = told();
		expect(live.map((n) => n.id)).toHaveLength(2);
		const readBack = await notificationPayloads(app.services.deps.data, live.map((n) => n.id));
		for (const n of live) expect(n).toEqual(readBack.get(n.id));
		expect(live[0]).toMatchObject({ kind: 'comment', proposalTitle: 'Bancs', actorName: 'Léa', data: { excerpt: 'Bonne idée, pour les anciens' } });

		// Hidden between the commit and the payloads: only its author still reads the title, and nobody the excerpt.
		const recorded = await notifications.record([s.amina.id, s.karim.id], 'comment', { id, spaceType: 'residence', spaceId: s.residence.id }, s.lea.id, { commentId: 'c-1', excerpt: 'Des mots qui doivent partir' });
		await app.services.proposals.hideProposal(s.claire, { id, reason: 'Hors sujet' });
		published.length = 0;
		await notifications.publishAbout(recorded, { id, title: 'Bancs', spaceId: s.residence.id, authorId: s.amina.id, hidden: true });
		const hidden = told();
		const hiddenBack = await notificationPayloads(app.services.deps.data, recorded.map((r) => r.id));
		for (const n of hidden) expect(n).toEqual(hiddenBack.get(n.id));
		const to = (u: { id: string }) => hidden.find((n) => n.id === recorded.find((r) => r.userId === u.id)!.id)!;
		expect(to(s.amina)).toMatchObject({ proposalTitle: 'Bancs', data: { excerptHidden: true } });
		expect(to(s.karim)).toMatchObject({ proposalTitle: '', data: { excerptHidden: true } });
		expect(hidden.some((n) => 'excerpt' in n.data)).toBe(false);
	});

	it('groups comments on one idea into one line with the people behind them, and marks the whole group read', async () => {
		const s = await setup();
		const { id } = await app.services.proposals.propose(s.amina, { residenceId: s.residence.id, title: 'Bancs' });
		// A second apart, as people are: "newest first" then reads the same on both engines (PostgreSQL has no insertion order for equal times).
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Oui' });
		app.clock.advance(1000);
		await app.services.proposals.comment(s.lea, { proposalId: id, body: 'Bonne idée' });
		app.clock.advance(1000);
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Et un abri ?' });
		await app.services.proposals.move(s.claire, { proposalId: id, status: 'discussion' });

		const list = await app.services.notifications.list(s.amina);
		expect(list.unread).toBe(4);
		expect(list.items).toHaveLength(2);
		const comments = list.items.find((g) => g.kind === 'comment')!;
		expect(comments).toMatchObject({ count: 3, actors: ['Karim', 'Léa'], proposalTitle: 'Bancs', href: `/r/${s.residence.id}/board/p/${id}`, read: false });

		await app.services.notifications.markRead(s.amina, { ids: comments.ids.join(' ') });
		const after = await app.services.notifications.list(s.amina);
		expect(after.unread).toBe(1);
		expect(after.items.find((g) => g.kind === 'comment')?.read).toBe(true);
		expect(after.items.find((g) => g.kind === 'status')?.read).toBe(false);
	});

	it('never lets one person mark another person’s notifications read', async () => {
		const s = await setup();
		const { id } = await app.services.proposals.propose(s.amina, { residenceId: s.residence.id, title: 'Bancs' });
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Oui' });
		const ids = (await app.services.notifications.list(s.amina)).items[0]!.ids;
		await app.services.notifications.markRead(s.karim, { ids: ids.join(' ') });
		expect(await app.services.notifications.unread(s.amina)).toBe(1);
	});

	it('tells the electorate a vote opened and its results are out, once each, and reminds only those who have not voted', async () => {
		const s = await setup();
		const closesAt = new Date(app.clock.now().getTime() + 72 * HOUR);
		const { id } = await app.services.consultations.create(s.claire, {
			space: s.space,
			question: 'Quel banc ?',
			method: 'plurality',
			options: [{ label: 'Bois' }, { label: 'Métal' }],
			electorate: 'residence',
			countBy: 'household',
			secrecy: 'secret',
			resultsVisibility: 'afterClose',
			closesAt,
			openNow: true
		});
		// Electors only: the facilitator manages the vote but has no voting role here.
		for (const u of [s.amina, s.samir, s.karim, s.lea]) expect(await kinds(u.id)).toEqual(['voteOpened']);
		expect(await kinds(s.claire.id)).toEqual([]);
		expect(published.some((m) => m.event === 'notification.new' && m.room === `user:${s.lea.id}` && (m.payload as { kind: string }).kind === 'voteOpened')).toBe(true);

		const view = await app.services.consultations.view(s.amina, id);
		await app.services.consultations.cast(s.amina, { consultationId: id, ballot: { choice: view.options[0]!.id } });
		// Every vote publishes a tally; none of them opens the vote a second time.
		expect(await kinds(s.karim.id)).toEqual(['voteOpened']);

		expect(await app.services.notifications.remindClosing()).toBe(0);
		app.clock.advance(49 * HOUR);
		await app.services.notifications.remindClosing();
		await app.services.notifications.remindClosing();
		// Amina voted; Samir shares her household, so his vote is already cast (read from participations only).
		expect(await kinds(s.amina.id)).toEqual(['voteOpened']);
		expect(await kinds(s.samir.id)).toEqual(['voteOpened']);
		expect(await kinds(s.karim.id)).toEqual(['voteClosing', 'voteOpened']);
		expect(await kinds(s.lea.id)).toEqual(['voteClosing', 'voteOpened']);

		await app.services.consultations.close(s.claire, { consultationId: id });
		await Promise.resolve().then(() => app.services.consultations.close(s.claire, { consultationId: id })).catch(() => null);
		for (const u of [s.amina, s.samir, s.karim, s.lea]) expect((await kinds(u.id)).filter((k) => k === 'voteResults')).toHaveLength(1);
		const results = (await app.services.notifications.list(s.karim)).items.find((g) => g.kind === 'voteResults');
		expect(results).toMatchObject({ proposalTitle: 'Quel banc ?', href: `/c/${id}/results`, consultationId: id });
	});
});
});
