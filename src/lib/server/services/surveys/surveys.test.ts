import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
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
