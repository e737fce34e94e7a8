import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, isStaff, type Actor } from '$lib/domain/policy';
import { shippedScenario } from '$lib/domain/practice/library';
import { loadActor } from '../../auth/session';
import { first as firstRow } from '../../db/data';
import { createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { snapshotSpace } from './snapshot';

describe.each(testEngines)('practice (%s)', (engine) => {
	let app: TestApp;
	let trainer: Actor, julien: Actor, amina: Actor, outsider: Actor;
	const T = 'training-1';

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		const createdAt = app.clock.now();
		await data().write(async (tx) => {
			await tx.insert(t().organisations).values({ id: 'ccaura', slug: 'ccaura', name: 'CCAURA', kind: 'training', createdAt });
			await tx.insert(t().trainingSessions).values({ id: T, organisationId: 'ccaura', slug: 'session-1', name: 'Session 1', createdAt });
		});
		trainer = await createUser(app, { username: 'nadia', displayName: 'Nadia', roles: [{ type: 'training', id: T, role: 'trainer' }] });
		julien = await createUser(app, { username: 'julien', displayName: 'Julien', roles: [{ type: 'training', id: T, role: 'trainee' }] });
		amina = await createUser(app, { username: 'amina', displayName: 'Amina', roles: [{ type: 'training', id: T, role: 'trainee' }] });
		outsider = await createUser(app, { username: 'karim', displayName: 'Karim' });
	});
	afterEach(() => app.close());

	/** The actor as they are now: every door loads it again (roles, read-only practice spaces). */
	const now = async (a: Actor) => (await loadActor(app.services.deps.data, a.id))!;
	const practice = () => app.services.practice;
	/** The async data handle and this engine's tables. */
	const data = () => app.services.deps.data;
	const t = () => app.services.deps.data.t;

	async function startWithTwo(scenarioId = 'shipped:aventuriere:fr') {
		const { id } = await practice().start(await now(trainer), T, { scenarioId });
		const code = (await practice().session(await now(trainer), id)).session.code!;
		await practice().join(await now(julien), T, { code: code.toLowerCase() });
		await practice().join(await now(amina), T, { code });
		return { id, code };
	}
	const currentSpace = async (id: string) => (await practice().session(await now(trainer), id)).run!;

	describe('practice sessions', () => {
		it('trainees join with the code, get a role and read only their own brief', async () => {
			const { id } = await startWithTwo();
			const j = await practice().session(await now(julien), id);
			const a = await practice().session(await now(amina), id);
			expect(j.myRole?.key).toBe('locataire-a');
			expect(a.myRole?.key).toBe('locataire-b');
			expect(j.myRole?.brief).toContain('bâtiment A');
			// Other roles' briefs are not in what a trainee receives.
			expect(j.scenario.roles.every((r) => r.brief === null)).toBe(true);
			expect(JSON.stringify(j)).not.toContain(a.myRole!.brief);
			// The door a curious trainee would try.
			await expect(async () => practice().brief(await now(julien), id, 'locataire-b')).rejects.toThrow(ForbiddenError);
			expect((await practice().brief(await now(julien), id, 'locataire-a')).brief).toBe(j.myRole!.brief);
			expect((await practice().brief(await now(trainer), id, 'locataire-b')).brief).toBe(a.myRole!.brief);
			// The code is for trainers' eyes; someone outside the training cannot join or look.
			expect(j.session.code).toBeNull();
			await expect(async () => practice().join(await now(outsider), T, { code: (await practice().session(await now(trainer), id)).session.code })).rejects.toThrow(ForbiddenError);
			await expect(async () => practice().session(await now(outsider), id)).rejects.toThrow(ForbiddenError);
			await expect(async () => practice().join(await now(julien), T, { code: 'PRA-NOPE' })).rejects.toThrow(UserError);
		});

		it('the run plays in a separate practice residence on the real board', async () => {
			const { id } = await startWithTwo();
			const run = await currentSpace(id);
			const board = app.services.proposals;
			const { id: pid } = await board.propose(await now(julien), { residenceId: run.spaceId, title: 'Une boîte à livres' });
			await board.comment(await now(amina), { proposalId: pid, body: 'Bonne idée' });
			const row = (await firstRow(data().db.select().from(t().proposals).where(eq(t().proposals.id, pid))))!;
			expect(row.spaceId).toBe(run.spaceId);
			// Julien's comment notifications would go to real people: none are recorded in practice.
			expect(await data().db.select().from(t().notifications)).toEqual([]);
			// The trainer watches, read-only: she does not play in the trainees' place.
			await expect(board.propose(await now(trainer), { residenceId: run.spaceId, title: 'Idée de la formatrice' })).rejects.toThrow(ForbiddenError);
		});

		it('pause makes the space read-only for everyone, at every door; resume gives it back', async () => {
			const { id } = await startWithTwo();
			const run = await currentSpace(id);
			const board = app.services.proposals;
			const { id: pid } = await board.propose(await now(julien), { residenceId: run.spaceId, title: 'Avant la pause' });
			const vote = (await firstRow(data().db.select().from(t().consultations).where(eq(t().consultations.spaceId, run.spaceId))))!;
			await practice().assign(await now(trainer), id, { userId: julien.id, roleKey: 'agent' });
			await practice().pause(await now(trainer), id);
			await expect(async () => practice().pause(await now(trainer), id)).rejects.toThrow(UserError);
			await expect(board.propose(await now(julien), { residenceId: run.spaceId, title: 'Pendant la pause' })).rejects.toThrow(ForbiddenError);
			await expect(async () => board.comment(await now(amina), { proposalId: pid, body: 'Pendant la pause' })).rejects.toThrow(ForbiddenError);
			await expect(async () => board.setSupport(await now(amina), { proposalId: pid, on: true })).rejects.toThrow(ForbiddenError);
			await expect(async () => app.services.consultations.open(await now(julien), { consultationId: vote.id })).rejects.toThrow(ForbiddenError);
			await expect(async () => practice().assign(await now(trainer), id, { userId: amina.id, roleKey: 'gardien' })).not.toThrow();
			// Reading still works.
			expect(await app.services.proposals.board(await now(amina), run.spaceId)).toBeTruthy();
			expect((await practice().session(await now(julien), id)).run!.status).toBe('paused');
			await practice().resume(await now(trainer), id);
			await board.comment(await now(amina), { proposalId: pid, body: 'Après la pause' });
			await app.services.consultations.open(await now(julien), { consultationId: vote.id });
			// Only the trainer pauses.
			await expect(async () => practice().pause(await now(julien), id)).rejects.toThrow(ForbiddenError);
		});

		it('reset restores the exact starting state, table by table and document by document; the earlier run stays readable', async () => {
			const { id } = await startWithTwo();
			const real = new Set([trainer.id, julien.id, amina.id]);
			const first = await currentSpace(id);
			const before = await snapshotSpace(app.services.deps.data, { type: 'residence', id: first.spaceId }, real);
			expect(before.tables.households).toHaveLength(50);
			expect(Object.keys(before.documents).filter((k) => k.startsWith('description:'))).toHaveLength(2);
			expect(Object.values(before.documents).join('')).toContain('carrés potagers');

			// Things happen: an idea, a comment, a support, an edit of a description, a vote opened.
			const board = app.services.proposals;
			const { id: pid } = await board.propose(await now(julien), { residenceId: first.spaceId, title: 'Nouvelle idée', description: 'Texte' });
			const seeded = (await data().db.select().from(t().proposals).where(eq(t().proposals.spaceId, first.spaceId))).find((p) => p.title.startsWith('Un jardin'))!;
			await board.comment(await now(amina), { proposalId: seeded.id, body: 'Oui !' });
			await board.setSupport(await now(amina), { proposalId: pid, on: true });
			await app.services.collab.seedDescription(pid, 'Texte');
			await app.services.collab.setMapEntry(`residence:${first.spaceId}:pins`, 'pins', seeded.id, { x: 0.5, y: 0.5 });
			const vote = (await firstRow(data().db.select().from(t().consultations).where(eq(t().consultations.spaceId, first.spaceId))))!;
			const facilitator: Actor = { id: trainer.id, isAdmin: false, roles: new Map([[`residence:${first.spaceId}`, ['facilitator']]]) };
			await app.services.consultations.open(facilitator, { consultationId: vote.id });
			const during = await snapshotSpace(app.services.deps.data, { type: 'residence', id: first.spaceId }, real);
			expect(during).not.toEqual(before);

			// A vote is open: resetting needs a confirmation, and nothing changes without it.
			await expect(practice().reset(await now(trainer), id, {})).rejects.toMatchObject({ code: 'practice.error.voteOpen' });
			expect((await currentSpace(id)).number).toBe(1);
			const { runNumber } = await practice().reset(await now(trainer), id, { confirm: 'on' });
			expect(runNumber).toBe(2);
			const second = await currentSpace(id);
			expect(second.spaceId).not.toBe(first.spaceId);
			const after = await snapshotSpace(app.services.deps.data, { type: 'residence', id: second.spaceId }, real);
			for (const table of Object.keys(before.tables)) expect(after.tables[table], table).toEqual(before.tables[table]);
			for (const doc of Object.keys(before.documents)) expect(after.documents[doc], doc).toEqual(before.documents[doc]);
			expect(after).toEqual(before);

			// The first run is kept as it ended, and is read-only.
			expect(await snapshotSpace(app.services.deps.data, { type: 'residence', id: first.spaceId }, real)).toEqual(during);
			await expect(async () => board.comment(await now(amina), { proposalId: seeded.id, body: 'Trop tard' })).rejects.toThrow(ForbiddenError);
			expect((await data().db.select().from(t().practiceRuns)).map((r) => [r.number, r.status]).sort()).toEqual([
				[1, 'closed'],
				[2, 'active']
			]);
			// Same people, same roles, in the new space.
			expect((await practice().session(await now(julien), id)).myRole?.key).toBe('locataire-a');
		});

		it('the trainer gives a trainee another role between runs', async () => {
			const { id } = await startWithTwo();
			await practice().assign(await now(trainer), id, { userId: julien.id, roleKey: 'agent' });
			expect((await practice().session(await now(julien), id)).myRole?.key).toBe('agent');
			const run = await currentSpace(id);
			expect((await now(julien)).roles.get(`residence:${run.spaceId}`)).toEqual(['facilitator']);
			// Playing the agency's facilitator makes nobody staff outside the run (badge, reserved name, resets).
			expect(isStaff(await now(julien))).toBe(false);
			await expect(async () => practice().assign(await now(trainer), id, { userId: julien.id, roleKey: 'nope' })).rejects.toThrow(UserError);
			await expect(async () => practice().assign(await now(julien), id, { userId: amina.id, roleKey: 'agent' })).rejects.toThrow(ForbiddenError);
			await practice().reset(await now(trainer), id, {});
			expect((await now(julien)).roles.get(`residence:${(await currentSpace(id)).spaceId}`)).toEqual(['facilitator']);
		});

		it('debrief figures on a scripted run', async () => {
			const { id } = await startWithTwo();
			const run = await currentSpace(id);
			const board = app.services.proposals;
			app.clock.advance(60_000);
			const { id: pid } = await board.propose(await now(julien), { residenceId: run.spaceId, title: 'Une boîte à livres' });
			app.clock.advance(30_000);
			await board.comment(await now(amina), { proposalId: pid, body: 'Oui, près de l’entrée' });
			await board.setSupport(await now(amina), { proposalId: pid, on: true });
			app.clock.advance(90_000);
			await practice().step(await now(trainer), id, { stepKey: 'idees' });
			app.clock.advance(120_000);
			await practice().step(await now(trainer), id, { stepKey: 'priorite' });
			const vote = (await firstRow(data().db.select().from(t().consultations).where(eq(t().consultations.spaceId, run.spaceId))))!;
			const facilitator: Actor = { id: trainer.id, isAdmin: false, roles: new Map([[`residence:${run.spaceId}`, ['facilitator']]]) };
			await app.services.consultations.open(facilitator, { consultationId: vote.id });
			const option = (await app.services.consultations.view(await now(julien), vote.id)).options[0]!;
			app.clock.advance(30_000);
			await app.services.consultations.cast(await now(julien), { consultationId: vote.id, ballot: { choice: option.id } });
			app.clock.advance(30_000);
			await practice().end(await now(trainer), id);
			await practice().reflect(await now(julien), { runId: run.id, body: 'J’aurais dû écouter davantage.' });
			app.clock.advance(1000);
			await practice().reflect(await now(trainer), { runId: run.id, body: 'Bonne écoute de Julien.', aboutId: julien.id });
			await expect(async () => practice().reflect(await now(julien), { runId: run.id, body: 'x', aboutId: amina.id })).rejects.toThrow(ForbiddenError);

			const d = await practice().debrief(await now(trainer), id, 1);
			expect(d.counts).toEqual({ proposals: 1, comments: 1, supports: 1, votes: 1, speeches: 0, observations: 0 });
			expect(d.proposed).toEqual([{ title: 'Une boîte à livres', who: 'Julien', role: 'Locataire du bâtiment A', status: 'idea' }]);
			expect(d.timeline.map((t) => [t.kind, t.who])).toEqual([
				['proposal', 'Julien'],
				['comment', 'Amina'],
				['support', 'Amina'],
				['voteOpened', 'Nadia'],
				['voted', 'Julien']
			]);
			// Steps: accueil from the start (3 min), idées 2 min, priorité until the end (1 min).
			expect(d.steps.map((s) => [s.key, s.seconds])).toEqual([
				['accueil', 180],
				['idees', 120],
				['priorite', 60]
			]);
			expect(d.outcomes[0]).toMatchObject({ status: 'open', turnout: 1 });
			expect(d.outcomes[0]!.rows.map((r) => [r.label, r.count])).toEqual([
				['Le jardin partagé', 1],
				['Un lieu pour les jeunes', 0],
				['Une fête des voisins', 0]
			]);
			expect(d.reflections.map((r) => r.body)).toEqual(['J’aurais dû écouter davantage.', 'Bonne écoute de Julien.']);
			// Amina sees her run, not the trainer's comment addressed to Julien.
			const forAmina = await practice().debrief(await now(amina), id, 1);
			expect(forAmina.reflections.map((r) => r.body)).toEqual(['J’aurais dû écouter davantage.']);
			const csv = (await practice().debriefCsv(await now(trainer), id, 1, (k) => k)).body;
			expect(csv).toContain('count.proposals');
			expect(csv).toContain('Une boîte à livres');
			// Progress across sessions.
			const p = await practice().progress(await now(julien), T, julien.id);
			expect(p.runs).toHaveLength(1);
			expect(p.runs[0]).toMatchObject({ role: 'Locataire du bâtiment A', reflection: 'J’aurais dû écouter davantage.', trainerComment: 'Bonne écoute de Julien.' });
			expect(p.runs[0]!.steps).toHaveLength(3);
			await expect(async () => practice().progress(await now(amina), T, julien.id)).rejects.toThrow(ForbiddenError);
		});

		it('the trainer and invited observers watch a run live and note observations for the debrief; trainees and outsiders cannot', async () => {
			const { id } = await startWithTwo('shipped:instance:fr');
			const run = await currentSpace(id);
			const lea = await createUser(app, { username: 'lea', displayName: 'Léa', roles: [{ type: 'training', id: T, role: 'trainee' }] });
			await practice().add(await now(trainer), id, { userId: lea.id, kind: 'observer' });
			// Julien chairs and opens the meeting; Amina is present and raises her hand.
			const meeting = (await firstRow(data().db.select().from(t().meetings).where(eq(t().meetings.bodyId, run.spaceId))))!;
			await app.services.meetings.open(await now(julien), { meetingId: meeting.id });
			await app.services.meetings.checkIn(await now(julien), { meetingId: meeting.id, userId: amina.id });
			await app.services.meetings.moveTo(await now(julien), { meetingId: meeting.id, expected: '', to: 'next' });
			await app.services.meetings.raiseHand(await now(amina), { meetingId: meeting.id });

			// The chair opens the prepared vote; Amina votes for: the watchers see the turnout only while it is open.
			const vote = (await firstRow(data().db.select().from(t().consultations).where(eq(t().consultations.spaceId, run.spaceId))))!;
			await app.services.consultations.open(await now(julien), { consultationId: vote.id });
			await app.services.consultations.cast(await now(amina), { consultationId: vote.id, ballot: { position: 'for' } });
			expect((await practice().watch(await now(trainer), id)).votes[0]).toMatchObject({ status: 'open', turnout: 1, rows: [] });
			await app.services.consultations.close(await now(julien), { consultationId: vote.id });
			expect((await practice().watch(await now(trainer), id)).votes[0]!.rows.map((r) => [r.label, r.count])).toEqual([['yes', 1], ['no', 0], ['abstain', 0]]);

			const view = await practice().watch(await now(trainer), id);
			expect(view.room[0]).toMatchObject({ status: 'open', currentItem: 'Ouverture et quorum', present: [{ name: 'Amina', role: 'Secrétaire' }], hands: [{ name: 'Amina' }] });
			expect(view.canObserve).toBe(true);
			// Read-only and brief-free: no role's private brief reaches the watchers.
			for (const r of shippedScenario('shipped:instance:fr')!.roles) expect(JSON.stringify(view)).not.toContain(r.brief);
			expect((await practice().watch(await now(lea), id)).run?.number).toBe(1);
			for (const who of [julien, amina, outsider]) {
				await expect(async () => practice().watch(await now(who), id)).rejects.toThrow(ForbiddenError);
				await expect(async () => practice().observe(await now(who), id, { body: 'Je note.' })).rejects.toThrow(ForbiddenError);
			}

			await practice().observe(await now(trainer), id, { body: 'Amina lève la main avant tout le monde.' });
			app.clock.advance(60_000);
			await practice().observe(await now(lea), id, { body: 'La présidence oublie les bénévoles.' });
			await expect(async () => practice().observe(await now(lea), id, { body: '   ' })).rejects.toThrow(expect.objectContaining({ code: 'practice.error.observation' }));
			const watched = await practice().watch(await now(lea), id);
			expect(watched.observations.map((o) => [o.who, o.role])).toEqual([['Nadia', 'trainer'], ['Léa', 'observer']]);
			expect(watched.timeline[0]).toMatchObject({ kind: 'observation', who: 'Léa' });

			// The debrief of the run shows them, in its timeline and figures; once the run is closed, no more are written.
			await practice().reset(await now(trainer), id, {});
			const debrief = await practice().debrief(await now(julien), id, 1);
			expect(debrief.observations.map((o) => o.body)).toEqual(['Amina lève la main avant tout le monde.', 'La présidence oublie les bénévoles.']);
			expect(debrief.timeline.filter((e) => e.kind === 'observation')).toHaveLength(2);
			expect(debrief.counts.observations).toBe(2);
			expect((await practice().watch(await now(trainer), id)).observations).toEqual([]);
		});

		it('a body scenario materialises colleges, the meeting and its agenda, members in their colleges', async () => {
			const { id } = await startWithTwo('shipped:instance:en');
			const run = await currentSpace(id);
			expect(run.spaceType).toBe('body');
			const snap = await snapshotSpace(app.services.deps.data, { type: 'body', id: run.spaceId }, new Set([trainer.id, julien.id, amina.id]));
			expect(snap.tables.colleges).toHaveLength(3);
			expect(snap.tables.agenda_items).toHaveLength(3);
			expect(snap.tables.consultations).toHaveLength(1);
			expect((await now(julien)).roles.get(`body:${run.spaceId}`)).toEqual(['chair']);
		});
	});

	describe('practice spaces are kept out of the real world', () => {
		it('the public organisation page lists no practice residence or body', async () => {
			await data().write((tx) => tx.insert(t().organisations).values({ id: 'lmh', slug: 'lmh', name: 'LMH', kind: 'landlord', createdAt: app.clock.now() }));
			const { id } = await practice().start(await now(trainer), T, { scenarioId: 'shipped:aventuriere:fr' });
			await practice().start(await now(trainer), T, { scenarioId: 'shipped:instance:fr' });
			void id;
			const page = await app.services.spaces.publicOrganisation('ccaura');
			expect(JSON.stringify(page)).not.toContain('simulation');
		});

		it('minutes submitted in a practice body notify no one and queue no e-mail', async () => {
			const { id } = await startWithTwo('shipped:instance:fr');
			const run = await currentSpace(id);
			const meeting = (await firstRow(data().db.select().from(t().meetings).where(eq(t().meetings.bodyId, run.spaceId))))!;
			const m = app.services.meetings;
			// Julien chairs, Amina is the secretary: they hold the meeting and submit its minutes with an amendment window.
			await m.open(await now(julien), { meetingId: meeting.id });
			for (const u of [julien, amina]) await m.checkIn(await now(amina), { meetingId: meeting.id, userId: u.id });
			await m.close(await now(julien), { meetingId: meeting.id });
			await app.services.minutes.submit(await now(amina), { meetingId: meeting.id, windowDays: 7 });
			expect((await app.services.minutes.view(await now(julien), meeting.id)).status).toBe('amendment');
			// A real body would tell its attendees (see the minutes cycle test); a practice body tells no one.
			expect(await data().db.select().from(t().notifications)).toEqual([]);
			expect(await data().db.select().from(t().mailOutbox)).toEqual([]);
		});

		it('the transparency portal refuses a practice body, although portals are public by default', async () => {
			const { id } = await practice().start(await now(trainer), T, { scenarioId: 'shipped:instance:fr' });
			const run = (await practice().session(await now(trainer), id)).run!;
			const body = (await firstRow(data().db.select().from(t().bodies).where(eq(t().bodies.id, run.spaceId))))!;
			expect(body.practice).toBe(true);
			await expect(app.services.minutes.portal.body('ccaura', body.slug)).rejects.toThrow();
			// The same body, were it real, would be on the portal: the refusal is the practice marker's doing.
			await data().write((tx) => tx.update(t().bodies).set({ practice: false }).where(eq(t().bodies.id, body.id)));
			await expect(app.services.minutes.portal.body('ccaura', body.slug)).resolves.toBeTruthy();
		});
	});
});
