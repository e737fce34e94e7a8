/**
 * A small hand-built world for the indicator tests: every row is inserted with the date the test
 * needs, so the expected figures can be computed by hand from this file alone.
 */
import { asc, eq } from 'drizzle-orm';
import { TZDate } from '@date-fns/tz';
import {
	activities,
	activityAttendance,
	activitySessions,
	consultations,
	households,
	participations,
	proposalEvents,
	proposals,
	proposalVolunteers,
	proposalComments,
	surveyAnswers,
	surveyQuestions,
	surveyResponses,
	surveys,
	buildings,
	residences
} from '../../db/schema';
import { createResidence, createUser, type TestApp } from '../../testing';

/** A Paris wall-clock time as a Date. */
export const paris = (y: number, m: number, d: number, h = 12, min = 0, s = 0) => new Date(new TZDate(y, m - 1, d, h, min, s, 'Europe/Paris').getTime());

export async function indicatorWorld(app: TestApp) {
	const { db, ids } = app.services.deps;
	const { admin, org, residence } = await createResidence(app, [
		{ name: 'Bâtiment A', dwellings: 4 },
		{ name: 'Bâtiment B', dwellings: 3 }
	]);
	const agency = await app.services.admin.createAgency(admin, { organisationId: org.id, name: 'Agence Sud' });
	db.update(residences).set({ agencyId: agency.id }).where(eq(residences.id, residence.id)).run();
	const blds = db.select().from(buildings).where(eq(buildings.residenceId, residence.id)).orderBy(asc(buildings.position)).all();
	const [bA, bB] = blds as [(typeof blds)[0], (typeof blds)[0]];
	const homes = db.select().from(households).where(eq(households.residenceId, residence.id)).orderBy(asc(households.label)).all();
	const home = (label: string) => homes.find((h) => h.label === label)!.id;
	const space = { type: 'residence' as const, id: residence.id };
	const tenant = (name: string, label: string) => createUser(app, { username: name, householdId: home(label), roles: [{ ...space, role: 'tenant' }] });
	const amina = await tenant('amina', 'A-01');
	const partner = await tenant('samir', 'A-01');
	const josiane = await tenant('josiane', 'A-02');
	const karim = await tenant('karim', 'B-01');
	const lea = await tenant('lea', 'B-02');
	const claire = await createUser(app, { username: 'claire@lmh.test', roles: [{ ...space, role: 'facilitator' }] });

	const consultation = ids.id();
	db.insert(consultations)
		.values({ id: consultation, ...{ spaceType: 'residence', spaceId: residence.id }, question: 'Q', method: 'plurality', electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', status: 'open', createdBy: claire.id, createdAt: paris(2025, 12, 1) })
		.run();
	const vote = (userId: string, at: Date) =>
		db.insert(participations).values({ id: ids.id(), consultationId: consultation, electorKey: `u:${userId}`, userId, castBy: userId, channel: 'online', at, updatedAt: at }).run();
	vote(amina.id, paris(2026, 1, 1, 0, 0, 0)); // first instant of the period: in
	vote(partner.id, paris(2026, 2, 3)); // same household as amina: counted once
	vote(karim.id, paris(2025, 12, 31, 23, 59, 59)); // last second before the period: out (but makes him a repeat participant)

	const proposal = (author: string, createdAt: Date, extra: Partial<typeof proposals.$inferInsert> = {}) => {
		const id = ids.id();
		db.insert(proposals).values({ id, spaceType: 'residence', spaceId: residence.id, title: 'Idée', position: 1, authorId: author, createdAt, updatedAt: createdAt, ...extra }).run();
		return id;
	};
	const move = (proposalId: string, to: string, at: Date, undone = false) =>
		db.insert(proposalEvents).values({ proposalId, at, actorId: claire.id, kind: 'moved', data: { to }, undoneAt: undone ? at : null }).run();
	const garden = proposal(karim.id, paris(2026, 3, 1), { status: 'done', carriedBy: 'inhabitants' });
	move(garden, 'prioritised', paris(2026, 3, 10));
	move(garden, 'done', paris(2026, 4, 10));
	const bench = proposal(claire.id, paris(2026, 2, 1)); // staff: no household, counts as an action but not as a household
	move(bench, 'prioritised', paris(2026, 2, 5), true); // undone: not prioritised
	proposal(karim.id, paris(2026, 3, 2), { hiddenAt: paris(2026, 3, 3) }); // hidden: not an action
	db.insert(proposalVolunteers).values({ proposalId: garden, userId: josiane.id, createdAt: paris(2026, 6, 30, 23, 59, 59) }).run(); // last second: in
	db.insert(proposalComments).values({ id: ids.id(), proposalId: garden, authorId: lea.id, body: 'Super', createdAt: paris(2026, 7, 1, 0, 0, 0) }).run(); // next day: out

	const activity = ids.id();
	db.insert(activities).values({ id: activity, spaceType: 'residence', spaceId: residence.id, name: 'Jardin partagé', kind: 'garden', createdBy: claire.id, createdAt: paris(2026, 1, 1) }).run();
	const session = (heldAt: Date, headcount: number, named: [string, 'participant' | 'volunteer'][]) => {
		const id = ids.id();
		db.insert(activitySessions).values({ id, activityId: activity, heldAt, headcount, recordedBy: claire.id, createdAt: heldAt }).run();
		for (const [userId, status] of named) db.insert(activityAttendance).values({ id: ids.id(), sessionId: id, userId, status, recordedAt: heldAt }).run();
	};
	session(paris(2026, 4, 4), 8, [[amina.id, 'participant'], [josiane.id, 'volunteer']]);
	session(paris(2026, 5, 2), 5, [[amina.id, 'participant']]);
	session(paris(2026, 9, 5), 10, [[lea.id, 'participant']]); // outside the period

	const survey = (phase: 'single' | 'before' | 'after', answers: { building: string; values: [number, number] }[], pairId: string | null = null, template: 'change' | 'wellbeing' = 'change') => {
		const id = ids.id();
		db.insert(surveys).values({ id, spaceType: 'residence', spaceId: residence.id, template, title: `Enquête ${phase}`, audience: 'residence', phase, pairId, closesAt: paris(2026, 6, 1), createdBy: claire.id, createdAt: paris(2026, 2, 1) }).run();
		const q1 = ids.id();
		const q2 = ids.id();
		db.insert(surveyQuestions).values([{ id: q1, surveyId: id, position: 0, kind: 'thumbs', promptKey: 'changeNoticed' }, { id: q2, surveyId: id, position: 1, kind: 'faces', promptKey: 'changeBetter' }]).run();
		for (const a of answers) {
			const r = ids.id();
			db.insert(surveyResponses).values({ id: r, surveyId: id, buildingId: a.building, submittedAt: paris(2026, 3, 1) }).run();
			db.insert(surveyAnswers).values([{ responseId: r, questionId: q1, value: a.values[0] }, { responseId: r, questionId: q2, value: a.values[1] }]).run();
		}
		return id;
	};
	const A = bA.id;
	const B = bB.id;
	const before = survey('before', [{ building: A, values: [1, 2] }, { building: A, values: [3, 2] }, { building: A, values: [1, 3] }, { building: B, values: [1, 2] }, { building: B, values: [5, 1] }]);
	const after = survey('after', [{ building: A, values: [5, 4] }, { building: A, values: [5, 5] }, { building: A, values: [3, 4] }, { building: B, values: [5, 4] }, { building: B, values: [5, 3] }, { building: B, values: [1, 4] }], before);
	const small = survey('single', [{ building: A, values: [5, 5] }, { building: A, values: [5, 5] }, { building: B, values: [5, 5] }, { building: B, values: [1, 1] }], null, 'wellbeing');

	return { admin, org, agency, residence, bA, bB, amina, karim, josiane, lea, claire, surveys: { before, after, small } };
}
