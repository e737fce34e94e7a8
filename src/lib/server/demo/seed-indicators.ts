/**
 * A year of plausible life at L’Aventurière for the indicator pages and the annual report:
 * neighbours who proposed, supported, volunteered and commented month after month, ideas that went
 * from idea to done (carried by the inhabitants, the landlord or both), a shared-garden activity
 * with a session every month (a headcount, and named participants who agreed), and a before/after
 * well-being survey around the new garden. Dates are in the past twelve months; a fixed
 * pseudo-random sequence keeps every fresh clone identical.
 */
import { asc, eq } from 'drizzle-orm';
import { TEMPLATE_QUESTIONS } from '$lib/domain/indicators/surveys';
import { hashPassword } from '../auth/password';
import type { Services } from '../services';

const DAY = 86_400_000;

const IDEAS: { title: string; category: 'garden' | 'furniture' | 'festive' | 'repair' | 'tools' | 'children' | 'other'; done?: 'inhabitants' | 'landlord' | 'both' }[] = [
	{ title: 'Un potager partagé au pied du bâtiment C', category: 'garden', done: 'both' },
	{ title: 'Repeindre le local vélos', category: 'repair', done: 'landlord' },
	{ title: 'Un repas de quartier à la rentrée', category: 'festive', done: 'inhabitants' },
	{ title: 'Un échange de livres au local commun', category: 'furniture', done: 'inhabitants' },
	{ title: 'Des bacs à compost', category: 'garden', done: 'both' },
	{ title: 'Réparer l’éclairage de la cour', category: 'repair', done: 'landlord' },
	{ title: 'Atelier réparation de vélos', category: 'tools' },
	{ title: 'Une aire de jeux pour les petits', category: 'children' },
	{ title: 'Des tables de pique-nique', category: 'furniture' },
	{ title: 'Un mur d’expression pour les ados', category: 'other' }
];

export async function seedIndicators(services: Services, residenceId: string, userIds: Map<string, string>) {
	const { data, clock, ids } = services.deps;
	const { activities, activityAttendance, activitySessions, households, memberships, proposalComments, proposalEvents, proposals, proposalSupports, proposalVolunteers, surveyAnswers, surveyQuestions, surveyResponses, surveys, indicatorPublications, users } = data.t;
	const now = clock.now().getTime();
	let state = 20260101;
	const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
	const ago = (days: number, hour = 18) => new Date(now - days * DAY - (now % DAY) + hour * 3_600_000);
	const claire = userIds.get('claire.martin@lmh.demo')!;

	const homes = await data.db.select().from(households).where(eq(households.residenceId, residenceId)).orderBy(asc(households.label), asc(households.id));
	const passwordHash = await hashPassword(Buffer.from(ids.bytes(18)).toString('base64'));
	// About one household in three has someone who took part at least once in the year.
	const people: { id: string; householdId: string }[] = [];
	const taken = new Set((await data.db.select({ h: users.householdId }).from(users)).map((u) => u.h));
	// One unit of work (the same order of pseudo-random draws as before, so every fresh clone is identical).
	await data.write(async (tx) => {
		// A unit may run again on PostgreSQL: it starts from the same draw and an empty list each time.
		state = 20260101;
		people.length = 0;
		for (const [i, home] of homes.entries()) {
			if (taken.has(home.id) || rand() > 0.36) continue;
			const id = ids.id();
			const joined = ago(330 + Math.floor(rand() * 30));
			await tx.insert(users).values({ id, username: `habitant.${i + 1}.${home.label.toLowerCase()}`, displayName: `Habitant ${home.label}`, passwordHash, householdId: home.id, createdAt: joined, passwordChangedAt: joined });
			await tx.insert(memberships).values({ id: ids.id(), userId: id, spaceType: 'residence', spaceId: residenceId, role: 'tenant', createdAt: joined });
			people.push({ id, householdId: home.id });
		}
		for (const name of ['amina', 'karim', 'josiane']) {
			const id = userIds.get(name);
			if (id) people.push({ id, householdId: '' });
		}
		const pick = () => people[Math.floor(rand() * people.length)]!;

		for (const [i, idea] of IDEAS.entries()) {
			const created = 350 - i * 30 - Math.floor(rand() * 10);
			const id = ids.id();
			const author = pick().id;
			const status = idea.done ? 'done' : i % 3 === 0 ? 'prioritised' : 'discussion';
			await tx
				.insert(proposals)
				.values({ id, spaceType: 'residence', spaceId: residenceId, title: idea.title, category: idea.category, status, carriedBy: idea.done ?? null, position: 100 + i, authorId: author, createdAt: ago(created), updatedAt: ago(Math.max(1, created - 60)) });
			// Each step as the proposals service records a move (from, to, positions, reasons): the idea's
			// history reads "de « Prioritaire » à « Prévue »" (with `to` alone it read "board.status.undefined").
			let was = 'idea';
			const move = (to: string, days: number) => {
				const data = { from: was, to, fromPosition: 100 + i, toPosition: 100 + i, prevReason: null, reason: null };
				was = to;
				return tx.insert(proposalEvents).values({ proposalId: id, at: ago(Math.max(1, days)), actorId: claire, kind: 'moved', data });
			};
			await move('discussion', created - 7);
			if (status !== 'discussion') await move('prioritised', created - 21);
			if (idea.done) {
				await move('planned', created - 35);
				await move('done', created - 50 - Math.floor(rand() * 40));
			}
			const supporters = new Set<string>();
			const n = 4 + Math.floor(rand() * 12);
			for (let k = 0; k < n; k++) supporters.add(pick().id);
			for (const userId of supporters) await tx.insert(proposalSupports).values({ proposalId: id, userId, createdAt: ago(created - 1 - Math.floor(rand() * 20)) });
			const volunteers = new Set<string>();
			for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) volunteers.add(pick().id);
			for (const userId of volunteers) await tx.insert(proposalVolunteers).values({ proposalId: id, userId, createdAt: ago(created - 3 - Math.floor(rand() * 20)) });
			for (let k = 0; k < 2; k++) await tx.insert(proposalComments).values({ id: ids.id(), proposalId: id, authorId: pick().id, body: k ? 'Je peux aider le samedi matin.' : 'Bonne idée, on en parlait avec les voisins.', createdAt: ago(created - 2 - k * 5) });
		}

		// The shared garden: a session on the first Saturday-ish of each month.
		const activityId = ids.id();
		await tx.insert(activities).values({ id: activityId, spaceType: 'residence', spaceId: residenceId, name: 'Atelier jardin partagé', kind: 'garden', description: 'Semis, arrosage et récolte avec les voisins.', createdBy: claire, createdAt: ago(340) });
		const regulars = people.slice(0, 14);
		for (let m = 11; m >= 0; m--) {
			const sessionId = ids.id();
			const named = regulars.filter(() => rand() < 0.45);
			const headcount = named.length + 2 + Math.floor(rand() * 6);
			const heldAt = ago(m * 30 + 5, 10);
			await tx.insert(activitySessions).values({ id: sessionId, activityId, heldAt, headcount, note: '', recordedBy: claire, createdAt: heldAt });
			for (const [k, p] of named.entries())
				await tx.insert(activityAttendance).values({ id: ids.id(), sessionId, userId: p.id, status: k === 0 ? 'volunteer' : m > 9 || k > 4 ? 'participant' : 'member', recordedAt: heldAt });
		}

		// Before / after the garden: the same well-being questions, months apart.
		const survey = async (phase: 'before' | 'after', start: number, answers: number, mood: number, pairId: string | null) => {
			const id = ids.id();
			await tx.insert(surveys).values({ id, spaceType: 'residence', spaceId: residenceId, template: 'wellbeing', title: phase === 'before' ? 'Bien-être avant le jardin' : 'Bien-être après le jardin', audience: 'residence', phase, pairId, closesAt: ago(start - 30, 23), createdBy: claire, createdAt: ago(start) });
			const qs = TEMPLATE_QUESTIONS.wellbeing.map((q, position) => ({ id: ids.id(), surveyId: id, position, kind: q.kind, promptKey: q.key, prompt: '' }));
			await tx.insert(surveyQuestions).values(qs);
			for (let r = 0; r < answers; r++) {
				const responseId = ids.id();
				const home = homes[Math.floor(rand() * homes.length)]!;
				await tx.insert(surveyResponses).values({ id: responseId, surveyId: id, buildingId: home.buildingId, submittedAt: ago(start - 5 - Math.floor(rand() * 20), 12) });
				await tx.insert(surveyAnswers).values(qs.map((q, k) => ({ responseId, questionId: q.id, value: Math.min(5, Math.max(1, Math.round(mood + (k === 2 ? 0.6 : 0) + (rand() - 0.5) * 2.4))) })));
			}
			return id;
		};
		const before = await survey('before', 320, 23, 2.6, null);
		await survey('after', 70, 27, 3.7, before);

		// What L'Aventurière shows on its landlord's public portal.
		const published = ['participationAny', 'participationByBuilding', 'actionsProposed', 'actionsDoneBy', 'activitySessions', 'surveys'];
		await tx.insert(indicatorPublications).values(published.map((indicatorId) => ({ spaceType: 'residence' as const, spaceId: residenceId, indicatorId, publishedBy: claire, publishedAt: ago(60) })));
	});
}
