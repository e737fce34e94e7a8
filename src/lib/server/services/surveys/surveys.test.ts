import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import type { CommitInfo } from '../../db/data';
import { createTestAppOn, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { ValidationError } from '../validate';
import { indicatorWorld } from '../indicators/fixture';

let app: TestApp;
let w: Awaited<ReturnType<typeof indicatorWorld>>;

describe.each(testEngines)('surveys on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine); // clock: 22 Nov 2026
		w = await indicatorWorld(app);
	});
	afterEach(() => app.close());

	const code = async (p: Promise<unknown>) => {
		const e = await p.then(() => null, (x: unknown) => x);
		return e instanceof UserError ? e.code : e instanceof ForbiddenError ? 'forbidden' : String(e);
	};

	async function wellbeing(closesOn = '2026-12-15') {
		const { id } = await app.services.surveys.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'wellbeing', title: 'Bien-être 2026', audience: 'residence', closesOn });
		return id;
	}

	describe('answering a survey by one-time link', () => {
		it('records one anonymous answer per link, and results appear from the 5th respondent only', async () => {
			const s = app.services.surveys;
			const id = await wellbeing();
			const { tokens } = await s.issueLinks(w.claire, id, { count: 6, buildingId: w.bA.id });
			const view = await s.open(w.residence.id, tokens[0]!);
			expect(view.questions.map((q) => q.kind)).toEqual(['faces', 'faces', 'faces']);
			const answers = Object.fromEntries(view.questions.map((q, i) => [`q_${q.id}`, String(i + 3)]));
			const results = async () => (await app.services.indicators.report(w.claire, { type: 'residence', id: w.residence.id, from: '2026-11-01', to: '2026-11-30' })).surveys.find((x) => x.id === id)!.results;
			for (let i = 0; i < 4; i++) await s.answer(w.residence.id, tokens[i]!, answers);
			expect(await results()).toEqual({ shown: false, respondents: null });
			await s.answer(w.residence.id, tokens[4]!, answers);
			const shown = await results();
			expect(shown.shown && shown.respondents).toBe(5);
			expect(shown.shown && shown.value.map((q) => q.average)).toEqual([3, 4, 5]);
			// Answered twice with the same link: refused, nothing added.
			expect(await code(s.answer(w.residence.id, tokens[0]!, answers))).toBe('indicators.error.linkUsed');
			expect(await code(s.open(w.residence.id, tokens[0]!))).toBe('indicators.error.linkUsed');
			const again = await results();
			expect(again.shown && again.respondents).toBe(5);
			// A link's use is kept by day only, like the answer: no time to the second ties a sent link
			// (and so a person) to her answers.
			const { data } = app.services.deps;
			const used = (await data.db.select({ at: data.t.surveyLinks.usedAt }).from(data.t.surveyLinks).where(eq(data.t.surveyLinks.surveyId, id))).map((r) => r.at?.toISOString()).filter(Boolean);
			const stored = (await data.db.select({ at: data.t.surveyResponses.submittedAt }).from(data.t.surveyResponses).where(eq(data.t.surveyResponses.surveyId, id))).map((r) => r.at.toISOString());
			expect(new Set([...used, ...stored])).toEqual(new Set(['2026-11-22T12:00:00.000Z']));
		});

		it('keeps answers in no order of arrival (SQLite rowid, PostgreSQL heap), so the k-th answer of a day is not the k-th link used', async () => {
			const s = app.services.surveys;
			const { data } = app.services.deps;
			const { surveyAnswers, surveyQuestions, surveyResponses } = data.t;
			const id = await wellbeing();
			const { tokens } = await s.issueLinks(w.claire, id, { count: 8 });
			const questions = await data.db.select({ id: surveyQuestions.id }).from(surveyQuestions).where(eq(surveyQuestions.surveyId, id)).orderBy(surveyQuestions.position);
			// The k-th respondent's answers spell k (first two questions), so a row tells whose it is.
			const form = (k: number) => ({ [`q_${questions[0]!.id}`]: String(1 + (k % 5)), [`q_${questions[1]!.id}`]: String(1 + Math.floor(k / 5)), [`q_${questions[2]!.id}`]: '3' });
			const commits: CommitInfo[] = [];
			const stop = data.onCommit((c) => commits.push(c));
			for (let k = 0; k < tokens.length; k++) await s.answer(w.residence.id, tokens[k]!, form(k));
			stop();
			// Each answer was acknowledged once on disk: a durable unit (SQLite: committed at FULL).
			expect(commits).toHaveLength(8);
			expect(commits.every((c) => c.durable && (engine === 'postgres' || c.synchronous === 2))).toBe(true);
			const respondent = new Map<string, number>();
			for (const a of await data.db.select().from(surveyAnswers)) {
				const k = respondent.get(a.responseId) ?? 0;
				if (a.questionId === questions[0]!.id) respondent.set(a.responseId, k + (a.value - 1));
				if (a.questionId === questions[1]!.id) respondent.set(a.responseId, k + 5 * (a.value - 1));
			}
			// What someone holding the files reads: the rows in the order they are stored.
			const physical = engine === 'postgres' ? sql`ctid` : sql`rowid`;
			const responses = await data.rows<{ id: string }>(sql`select ${surveyResponses.id} as id from ${surveyResponses} where ${surveyResponses.surveyId} = ${id} order by ${physical}`);
			const answers = await data.rows<{ id: string }>(sql`select ${surveyAnswers.responseId} as id from ${surveyAnswers} order by ${physical}`);
			const arrival = tokens.map((_, k) => k);
			const stored = responses.map((r) => respondent.get(r.id));
			expect([...stored].sort()).toEqual(arrival);
			expect(stored).not.toEqual(arrival);
			// Each respondent where her first answer row is (on SQLite her answers are not even side by side).
			const answerOrder = [...new Set(answers.filter((r) => respondent.has(r.id)).map((r) => respondent.get(r.id)))];
			expect(answerOrder).toHaveLength(8);
			expect(answerOrder).not.toEqual(arrival);
			// Results and the floor still read them all.
			const r = (await app.services.indicators.report(w.claire, { type: 'residence', id: w.residence.id, from: '2026-11-01', to: '2026-11-30' })).surveys.find((x) => x.id === id)!.results;
			expect(r.shown && r.respondents).toBe(8);
		});

		it('takes the token out of the invitation once its link is used', async () => {
			const s = app.services.surveys;
			const { data } = app.services.deps;
			const { activities, notifications } = data.t;
			const garden = (await data.db.select({ id: activities.id }).from(activities).where(eq(activities.name, 'Jardin partagé')))[0]!;
			const { id } = await s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'satisfaction', title: 'Le jardin vous plaît ?', audience: 'activity', activityId: garden.id, closesOn: '2026-12-15' });
			expect(await s.send(w.claire, id)).toEqual({ sent: 3 });
			const invitation = async (userId: string) => (await data.db.select({ data: notifications.data }).from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.kind, 'surveyInvited'))))[0]!.data as { href: string };
			const href = (await invitation(w.amina.id)).href;
			const token = href.split('/').pop()!;
			expect(href).toBe(`/q/${w.residence.id}/${token}`);
			const view = await s.open(w.residence.id, token);
			await s.answer(w.residence.id, token, Object.fromEntries(view.questions.map((q) => [`q_${q.id}`, '5'])));
			expect((await invitation(w.amina.id)).href).toBe('/q/thanks');
			const everything = JSON.stringify(await data.db.select().from(notifications));
			expect(everything).not.toContain(token);
			// The others' links still work.
			expect((await invitation(w.josiane.id)).href).toMatch(new RegExp(`^/q/${w.residence.id}/[a-z2-7]{24}$`));
		});

		it('refuses an unknown, malformed, other-residence or expired link, and incomplete answers', async () => {
			const s = app.services.surveys;
			const id = await wellbeing('2026-11-25');
			const { tokens } = await s.issueLinks(w.claire, id, { count: 2 });
			expect(await code(s.open(w.residence.id, 'a'.repeat(24)))).toBe('indicators.error.linkUnknown');
			expect(await code(s.open(w.residence.id, "x' or 1=1 --"))).toBe('indicators.error.linkUnknown');
			expect(await code(s.open('another-residence', tokens[0]!))).toBe('indicators.error.linkOtherSpace');
			const e = await s.answer(w.residence.id, tokens[0]!, { q_nothing: '9' }).catch((x: unknown) => x);
			expect(e).toBeInstanceOf(ValidationError);
			// The link was not spent by the refused answer.
			await expect(s.open(w.residence.id, tokens[0]!)).resolves.toBeTruthy();
			app.clock.advance(4 * 86_400_000); // 26 Nov: closed at the end of 25 Nov, Paris time
			expect(await code(s.open(w.residence.id, tokens[1]!))).toBe('indicators.error.linkExpired');
			expect(await code(s.issueLinks(w.claire, id, { count: 1 }))).toBe('indicators.error.surveyClosed');
		});

		it('lets only organisers create surveys and links; an "after" survey needs its "before"', async () => {
			const s = app.services.surveys;
			expect(await code(s.create(w.amina, { spaceType: 'residence', spaceId: w.residence.id, template: 'wellbeing', title: 'Pirate', audience: 'residence', closesOn: '2026-12-01' }))).toBe('forbidden');
			const id = await wellbeing();
			expect(await code(s.issueLinks(w.amina, id, { count: 1 }))).toBe('forbidden');
			expect(await code(s.issueLinks(w.claire, id, { count: 5000 }))).toBe('indicators.error.linkCount');
			expect(await code(s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'wellbeing', title: 'Après', audience: 'residence', phase: 'after', pairId: id, closesOn: '2026-12-01' }))).toBe('indicators.error.pair');
			const custom = await s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'custom', title: 'Le compost', audience: 'building', buildingId: w.bB.id, closesOn: '2026-12-01', questions: [{ prompt: 'Utilisez-vous le compost ?', kind: 'thumbs' }] });
			expect((await s.get(w.claire, custom.id)).questions).toMatchObject([{ kind: 'thumbs', prompt: 'Utilisez-vous le compost ?', promptKey: null }]);
			expect(await code(s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'wellbeing', title: 'Long', audience: 'residence', closesOn: '2099-12-01' }))).toBe('indicators.error.tooLong');
		});
	});
});
