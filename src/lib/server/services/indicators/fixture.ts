/**
 * A small hand-built world for the indicator tests: every row is inserted with the date the test
 * needs, so the expected figures can be computed by hand from this file alone.
 */
import { asc, eq } from 'drizzle-orm';
import { TZDate } from '@date-fns/tz';
import type { AsyncDb } from '../../db/data';
import type { proposals as proposalsTable } from '../../db/schema';
import { createResidence, createUser, type TestApp } from '../../testing';

/** A Paris wall-clock time as a Date. */
export const paris = (y: number, m: number, d: number, h = 12, min = 0, s = 0) => new Date(new TZDate(y, m - 1, d, h, min, s, 'Europe/Paris').getTime());

/** On either engine: every row goes through the data handle, with that engine's tables. */
export async function indicatorWorld(app: TestApp) {
	const { data, ids } = app.services.deps;
	const { activities, activityAttendance, activitySessions, consultations, households, participations, proposalEvents, proposals, proposalVolunteers, proposalComments, surveyAnswers, surveyQuestions, surveyResponses, surveys, buildings, residences } = data.t;
	const { admin, org, residence } = await createResidence(app, [
		{ name: 'Bâtiment A', dwellings: 4 },
		{ name: 'Bâtiment B', dwellings: 3 }
	]);
	const agency = await app.services.admin.createAgency(admin, { organisationId: org.id, name: 'Agence Sud' });
	await data.write((tx) => tx.update(residences).set({ agencyId: agency.id }).where(eq(residences.id, residence.id)));
	const blds = await data.db.select().from(buildings).where(eq(buildings.residenceId, residence.id)).orderBy(asc(buildings.position), asc(buildings.id));
	const [bA, bB] = blds as [(typeof blds)[0], (typeof blds)[0]];
	const homes = await data.db.select().from(households).where(eq(households.residenceId, residence.id)).orderBy(asc(households.label), asc(households.id));
	const home = (label: string) => homes.find((h) => h.label === label)!.id;
	const space = { type: 'residence' as const, id: residence.id };
	const tenant = (name: string, label: string) => createUser(app, { username: name, householdId: home(label), roles: [{ ...space, role: 'tenant' }] });
	const amina = await tenant('amina', 'A-01');
	const partner = await tenant('samir', 'A-01');
	const josiane = await tenant('josiane', 'A-02');
	const karim = await tenant('karim', 'B-01');
	const lea = await tenant('lea', 'B-02');
	const claire = await createUser(app, { username: 'claire@lmh.test', roles: [{ ...space, role: 'facilitator' }] });

	const { before, after, small } = await data.write(async (tx: AsyncDb) => {
		const consultation = ids.id();
		await tx
			.insert(consultations)
			.values({ id: consultation, ...{ spaceType: 'residence', spaceId: residence.id }, question: 'Q', method: 'plurality', electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', status: 'open', createdBy: claire.id, createdAt: paris(2025, 12, 1) });
		const vote = (userId: string, at: Date) =>
			tx.insert(participations).values({ id: ids.id(), consultationId: consultation, electorKey: `u:${userId}`, userId, castBy: userId, channel: 'online', at, updatedAt: at });
		await vote(amina.id, paris(2026, 1, 1, 0, 0, 0)); // first instant of the period: in
		await vote(partner.id, paris(2026, 2, 3)); // same household as amina: counted once
		await vote(karim.id, paris(2025, 12, 31, 23, 59, 59)); // last second before the period: out (but makes him a repeat participant)

		const proposal = async (author: string, createdAt: Date, extra: Partial<typeof proposalsTable.$inferInsert> = {}) => {
			const id = ids.id();
			await tx.insert(proposals).values({ id, spaceType: 'residence', spaceId: residence.id, title: 'Idée', position: 1, authorId: author, createdAt, updatedAt: createdAt, ...extra });
			return id;
		};
		const move = (proposalId: string, to: string, at: Date, undone = false) =>
			tx.insert(proposalEvents).values({ proposalId, at, actorId: claire.id, kind: 'moved', data: { to }, undoneAt: undone ? at : null });
		const garden = await proposal(karim.id, paris(2026, 3, 1), { status: 'done', carriedBy: 'inhabitants' });
		await move(garden, 'prioritised', paris(2026, 3, 10));
		await move(garden, 'done', paris(2026, 4, 10));
		const bench = await proposal(claire.id, paris(2026, 2, 1)); // staff: no household, counts as an action but not as a household
		await move(bench, 'prioritised', paris(2026, 2, 5), true); // undone: not prioritised
		await proposal(karim.id, paris(2026, 3, 2), { hiddenAt: paris(2026, 3, 3) }); // hidden: not an action
		await tx.insert(proposalVolunteers).values({ proposalId: garden, userId: josiane.id, createdAt: paris(2026, 6, 30, 23, 59, 59) }); // last second: in
		await tx.insert(proposalComments).values({ id: ids.id(), proposalId: garden, authorId: lea.id, body: 'Super', createdAt: paris(2026, 7, 1, 0, 0, 0) }); // next day: out

		const activity = ids.id();
		await tx.insert(activities).values({ id: activity, spaceType: 'residence', spaceId: residence.id, name: 'Jardin partagé', kind: 'garden', createdBy: claire.id, createdAt: paris(2026, 1, 1) });
		const session = async (heldAt: Date, headcount: number, named: [string, 'participant' | 'volunteer'][]) => {
			const id = ids.id();
			await tx.insert(activitySessions).values({ id, activityId: activity, heldAt, headcount, recordedBy: claire.id, createdAt: heldAt });
			for (const [userId, status] of named) await tx.insert(activityAttendance).values({ id: ids.id(), sessionId: id, userId, status, recordedAt: heldAt });
		};
		await session(paris(2026, 4, 4), 8, [[amina.id, 'participant'], [josiane.id, 'volunteer']]);
		await session(paris(2026, 5, 2), 5, [[amina.id, 'participant']]);
		await session(paris(2026, 9, 5), 10, [[lea.id, 'participant']]); // outside the period

		const survey = async (phase: 'single' | 'before' | 'after', answers: { building: string; values: [number, number] }[], pairId: string | null = null, template: 'change' | 'wellbeing' = 'change') => {
			const id = ids.id();
			await tx.insert(surveys).values({ id, spaceType: 'residence', spaceId: residence.id, template, title: `Enquête ${phase}`, audience: 'residence', phase, pairId, closesAt: paris(2026, 6, 1), createdBy: claire.id, createdAt: paris(2026, 2, 1) });
			const q1 = ids.id();
			const q2 = ids.id();
			await tx.insert(surveyQuestions).values([{ id: q1, surveyId: id, position: 0, kind: 'thumbs', promptKey: 'changeNoticed' }, { id: q2, surveyId: id, position: 1, kind: 'faces', promptKey: 'changeBetter' }]);
			for (const a of answers) {
				const r = ids.id();
				await tx.insert(surveyResponses).values({ id: r, surveyId: id, buildingId: a.building, submittedAt: paris(2026, 3, 1) });
				await tx.insert(surveyAnswers).values([{ responseId: r, questionId: q1, value: a.values[0] }, { responseId: r, questionId: q2, value: a.values[1] }]);
			}
			return id;
		};
		const A = bA.id;
		const B = bB.id;
		const before = await survey('before', [{ building: A, values: [1, 2] }, { building: A, values: [3, 2] }, { building: A, values: [1, 3] }, { building: B, values: [1, 2] }, { building: B, values: [5, 1] }]);
		const after = await survey('after', [{ building: A, values: [5, 4] }, { building: A, values: [5, 5] }, { building: A, values: [3, 4] }, { building: B, values: [5, 4] }, { building: B, values: [5, 3] }, { building: B, values: [1, 4] }], before);
		const small = await survey('single', [{ building: A, values: [5, 5] }, { building: A, values: [5, 5] }, { building: B, values: [5, 5] }, { building: B, values: [1, 1] }], null, 'wellbeing');
		return { before, after, small };
	});

	return { admin, org, agency, residence, bA, bB, amina, karim, josiane, lea, claire, surveys: { before, after, small } };
}
