import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, count, eq, is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import { ForbiddenError } from '$lib/domain/policy';
import * as sqliteSchema from '../../db/schema';
import { surveyVoiceAnswers } from '../../db/schema';
import { surveyVoiceAnswers as pgSurveyVoiceAnswers } from '../../db/pg/schema';
import { createTestAppOn, testEngines, type TestApp } from '../../testing';
import { oggSample, SECRET, wavSample, webmSample } from '../../uploads/audio-samples';
import { UserError } from '../errors';
import { indicatorWorld } from '../indicators/fixture';
import { createSurveysService } from './index';

let app: TestApp;
let w: Awaited<ReturnType<typeof indicatorWorld>>;
let surveys: ReturnType<typeof createSurveysService>;
const uploads = () => join(app.dir, 'uploads');
const stored = () => (existsSync(join(uploads(), 'voice')) ? readdirSync(join(uploads(), 'voice')) : []);
const data = () => app.services.deps.data;
const voiceRows = async () => (await data().db.select({ n: count() }).from(data().t.surveyVoiceAnswers))[0]!.n;
const responses = async (surveyId: string) => (await data().db.select({ n: count() }).from(data().t.surveyResponses).where(eq(data().t.surveyResponses.surveyId, surveyId)))[0]!.n;
const rec = (bytes: Uint8Array, name = 'voice.webm') => ({ name, bytes });

describe.each(testEngines)('survey voice answers on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine); // clock: 22 Nov 2026
		w = await indicatorWorld(app);
		surveys = createSurveysService(app.services.deps, { uploadDir: uploads });
	});
	afterEach(() => app.close());

	const code = async (p: Promise<unknown>) => {
		const e = await p.then(() => null, (x: unknown) => x);
		return e instanceof UserError ? e.code : e instanceof ForbiddenError ? 'forbidden' : String(e);
	};

	async function survey(voice = true, closesOn = '2026-12-15') {
		const { id } = await surveys.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'wellbeing', title: 'Bien-être 2026', audience: 'residence', closesOn, voice });
		const { tokens } = await surveys.issueLinks(w.claire, id, { count: 8, buildingId: w.bA.id });
		const view = await surveys.open(w.residence.id, tokens[0]!);
		const answers = Object.fromEntries(view.questions.map((q) => [`q_${q.id}`, '4']));
		return { id, tokens, answers, view };
	}

	describe('answers said out loud to a survey', () => {
		it('are stored apart, stripped, dated like the survey, and heard by facilitators from the 5th respondent only', async () => {
			const { id, tokens, answers, view } = await survey();
			expect(view.survey.voice).toBe(true);
			await surveys.answer(w.residence.id, tokens[0]!, answers, rec(webmSample(3)));
			await surveys.answer(w.residence.id, tokens[1]!, answers, rec(oggSample(2), 'note.ogg'));
			// No file chosen in the form: an answer without a recording.
			await surveys.answer(w.residence.id, tokens[2]!, answers, rec(new Uint8Array(0), ''));
			await surveys.answer(w.residence.id, tokens[3]!, answers);
			expect(await voiceRows()).toBe(2);

			// Four respondents: nothing, not even how many recordings there are; the files are not served either.
			const under = await surveys.voices(w.claire, id);
			expect(under.answers).toEqual({ shown: false, respondents: null });
			const [first] = await data().db.select().from(data().t.surveyVoiceAnswers);
			expect(await code(surveys.voiceFile(w.claire, id, first!.id))).toBe('error.notFound');

			await surveys.answer(w.residence.id, tokens[4]!, answers, rec(wavSample(1), 'phone.wav'));
			const shown = await surveys.voices(w.claire, id);
			expect(shown.canSummarise).toBe(true);
			expect(shown.answers.shown && shown.answers.respondents).toBe(5);
			const items = shown.answers.shown ? shown.answers.value : [];
			expect(items).toHaveLength(3);
			expect(items.map((i) => Math.round(i.durationMs / 1000)).sort()).toEqual([1, 2, 3]);
			for (const item of items) {
				expect(item.url).toBe(`/surveys/s/${id}/voices/${item.id}`);
				const file = await surveys.voiceFile(w.claire, id, item.id);
				expect(readFileSync(file.path).includes(Buffer.from(SECRET))).toBe(false);
				// The file's dates are the survey's, not the moment of the answer.
				expect(statSync(file.path).mtimeMs).toBe(app.clock.now().getTime());
			}
			expect(stored()).toHaveLength(3);
			// A tenant does not see the results, so does not hear them; someone without an account neither.
			expect(await code(surveys.voices(w.amina, id))).toBe('forbidden');
			expect(await code(surveys.voiceFile(w.amina, id, items[0]!.id))).toBe('forbidden');
			expect(await code(surveys.voiceFile(null, id, items[0]!.id))).toBe('forbidden');
			// A recording is asked for under its own survey only.
			const other = await survey();
			expect(await code(surveys.voiceFile(w.claire, other.id, items[0]!.id))).toBe('error.notFound');
			expect(await code(surveys.voiceFile(w.claire, id, 'x; drop table'))).toBe('error.notFound');
			// Answering left no trace in the audit log.
			const { auditLog } = data().t;
			expect((await data().db.select().from(auditLog).where(eq(auditLog.subjectId, id)).orderBy(asc(auditLog.id))).map((a) => a.action)).toEqual(['survey.created', 'survey.links']);
		});

		it('cannot be linked to a respondent or to their other answers: the table holds the survey and the sound, nothing else', async () => {
			const columns = getTableConfig(surveyVoiceAnswers).columns.map((c) => c.name).sort();
			expect(columns).toEqual(['bytes', 'duration_ms', 'file', 'id', 'mime', 'summary', 'summary_at', 'summary_by', 'survey_id']);
			expect(pgTableConfig(pgSurveyVoiceAnswers).columns.map((c) => c.name).sort()).toEqual(columns);
			// Its foreign keys reach the survey and the facilitator who summarised, never a link, a response or a building.
			const targets = getTableConfig(surveyVoiceAnswers).foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name).sort();
			expect(targets).toEqual(['surveys', 'users']);
			// And no other table points at it.
			const pointing = (Object.values(sqliteSchema) as unknown[])
				.flatMap((t) => (is(t, SQLiteTable) ? getTableConfig(t).foreignKeys : []))
				.map((fk) => getTableConfig(fk.reference().foreignTable).name)
				.filter((name) => name === 'survey_voice_answers');
			expect(pointing).toEqual([]);

			// The keys are random: in a run of answers, their order is not the order of arrival.
			const { id, tokens, answers } = await survey();
			// The i-th answer lasts i seconds, so its place in the table says whether the order of arrival shows.
			for (let i = 0; i < 8; i++) await surveys.answer(w.residence.id, tokens[i]!, answers, rec(wavSample(i + 1), 'a.wav'));
			const { db, t } = data();
			let rows: { id: number; ms: number }[];
			if (app.engine === 'sqlite') {
				// A plain scan reads SQLite's rowid order: the random key itself.
				const scan = app.services.deps.db.$client.prepare('select rowid as k, id, duration_ms as ms from survey_voice_answers').all() as { k: number; id: number; ms: number }[];
				expect(scan).toHaveLength(8);
				for (const r of scan) expect(r.k).toBe(r.id);
				rows = scan;
			} else {
				// PostgreSQL has no rowid: in the order of the (random) keys. Its heap keeps the order of writing (see notes/insight.md).
				rows = await db.select({ id: t.surveyVoiceAnswers.id, ms: t.surveyVoiceAnswers.durationMs }).from(t.surveyVoiceAnswers).orderBy(asc(t.surveyVoiceAnswers.id));
				expect(rows).toHaveLength(8);
			}
			const seconds = rows.map((r) => Math.round(r.ms / 1000));
			expect([...seconds].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
			// Eight random keys in the order of arrival by chance: 1 in 40 320.
			expect(seconds).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
			// Nothing in a row repeats a link's or a response's value.
			const linkIds = (await db.select().from(t.surveyLinks).where(eq(t.surveyLinks.surveyId, id))).flatMap((l) => [l.id, l.tokenHash]);
			const responseIds = (await db.select().from(t.surveyResponses).where(eq(t.surveyResponses.surveyId, id))).map((r) => r.id);
			for (const r of await db.select().from(t.surveyVoiceAnswers)) for (const v of Object.values(r)) expect([...linkIds, ...responseIds]).not.toContain(v);
		});

		it('refuses fake, empty, too long recordings and spent or expired links with a clear message, storing nothing', async () => {
			const { id, tokens, answers } = await survey(true, '2026-11-25');
			const bad: [Uint8Array, string][] = [
				[new TextEncoder().encode('RIFF....WAVEnot really'), 'inclusion.voice.notAudio'],
				[new TextEncoder().encode('<html>hello</html>'), 'inclusion.voice.notAudio'],
				[new Uint8Array(0), 'inclusion.voice.empty'],
				[webmSample(0.1, 3 * 3600 * 1000), 'inclusion.voice.tooLong'],
				[wavSample(125), 'inclusion.voice.tooLong']
			];
			for (const [bytes, expected] of bad) expect(await code(surveys.answer(w.residence.id, tokens[0]!, answers, rec(bytes, 'voice.webm')))).toBe(expected);
			// The link was not spent by a refused recording, and nothing was stored.
			expect(await responses(id)).toBe(0);
			expect(await voiceRows()).toBe(0);
			expect(stored()).toEqual([]);
			await expect(surveys.open(w.residence.id, tokens[0]!)).resolves.toBeTruthy();

			// Spent link: refused before the recording is read.
			await surveys.answer(w.residence.id, tokens[0]!, answers);
			expect(await code(surveys.answer(w.residence.id, tokens[0]!, answers, rec(wavSample(1))))).toBe('indicators.error.linkUsed');
			// Expired link.
			app.clock.advance(4 * 86_400_000);
			expect(await code(surveys.answer(w.residence.id, tokens[1]!, answers, rec(wavSample(1))))).toBe('indicators.error.linkExpired');
			expect(await responses(id)).toBe(1);
			expect(await voiceRows()).toBe(0);
			expect(stored()).toEqual([]);
		});

		it('a survey that does not ask for a recording keeps none', async () => {
			const { id, tokens, answers } = await survey(false);
			await surveys.answer(w.residence.id, tokens[0]!, answers, rec(wavSample(1)));
			expect(await responses(id)).toBe(1);
			expect(await voiceRows()).toBe(0);
			expect(stored()).toEqual([]);
		});

		it('a facilitator writes a summary, marked as such, and may take a recording out', async () => {
			const { id, tokens, answers } = await survey();
			for (let i = 0; i < 5; i++) await surveys.answer(w.residence.id, tokens[i]!, answers, i < 2 ? rec(wavSample(1)) : null);
			const items = ((await surveys.voices(w.claire, id)).answers as { shown: true; value: { id: number }[] }).value;
			await surveys.summariseVoice(w.claire, { surveyId: id, id: items[0]!.id, summary: 'Demande un banc près de l’entrée.' });
			expect(await code(surveys.summariseVoice(w.amina, { surveyId: id, id: items[0]!.id, summary: 'x' }))).toBe('forbidden');
			expect(await code(surveys.summariseVoice(w.claire, { surveyId: id, id: items[0]!.id, summary: 'x'.repeat(501) }))).toBe('inclusion.voice.summaryTooLong');
			const after = ((await surveys.voices(w.claire, id)).answers as { shown: true; value: { id: number; summary: string | null }[] }).value;
			expect(after.find((x) => x.id === items[0]!.id)!.summary).toBe('Demande un banc près de l’entrée.');
			await surveys.removeVoice(w.claire, { surveyId: id, id: items[1]!.id });
			expect(await voiceRows()).toBe(1);
			expect(stored()).toHaveLength(1);
			expect(await code(surveys.removeVoice(w.amina, { surveyId: id, id: items[0]!.id }))).toBe('forbidden');
		});
	});
});
