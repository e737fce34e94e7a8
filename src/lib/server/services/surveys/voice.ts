/**
 * Answers said out loud (issue 16). A survey may end with an open question answered by voice; the
 * recording goes through the voice comments' pipeline (content check, size and length limits,
 * metadata stripped) and is stored apart from the written answers: its row holds the survey and the
 * file, nothing that leads to a link, a response, a building or a moment. Its key is a random integer
 * (SQLite's rowid), so not even the table's order is the order of arrival (on PostgreSQL the key is
 * random too, but a heap keeps rows where they were written: see notes/insight.md), and the file's own dates
 * are set to the survey's creation. Those who see the survey's results hear them, from the
 * 5-respondent floor only, like every other result.
 */
import { rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, can, type Actor, type SpaceRef } from '$lib/domain/policy';
import { floored, RESPONDENT_FLOOR, type Floored } from '$lib/domain/indicators/surveys';
import type { Data } from '../../db/data';
import type { Ids } from '../../ids';
import { audioDir, cleanVoice, storeAudio, type CleanAudio } from '../../uploads/audio';
import { logAudit } from '../audit';
import { notFound } from '../errors';
import { parse } from '../validate';

/** A recording as the form sent it: a name (none when no file was chosen) and its bytes. */
export interface VoiceUpload {
	name: string;
	bytes: Uint8Array;
}

export interface SurveyVoiceAnswer {
	id: number;
	durationMs: number;
	summary: string | null;
	url: string;
}

export interface SurveyVoices {
	survey: { id: string; title: string; spaceType: SpaceRef['type']; spaceId: string; voice: boolean };
	canSummarise: boolean;
	answers: Floored<SurveyVoiceAnswer[]>;
}

const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const summarySchema = z.string().trim().max(500, 'inclusion.voice.summaryTooLong');

/** No file chosen in the form (an empty, nameless part) is no recording; anything else is checked. */
export function chosen(upload: VoiceUpload | null | undefined): VoiceUpload | null {
	return upload && (upload.name !== '' || upload.bytes.byteLength > 0) ? upload : null;
}

/** A random positive key below 2^48, so that the order of keys says nothing about the order of arrival. */
const randomKey = (ids: Ids) => ids.bytes(6).reduce((n, b) => n * 256 + b, 0) + 1;

export function createSurveyVoices(data: Data, ids: Ids, clockNow: () => Date, uploadDir: () => string) {
	const { surveyResponses, surveys, surveyVoiceAnswers } = data.t;

	async function surveyOr404(surveyId: unknown) {
		const row = (await data.db.select().from(surveys).where(eq(surveys.id, String(surveyId).slice(0, 64))))[0];
		if (!row) throw notFound();
		return row;
	}
	const spaceOf = (s: { spaceType: SpaceRef['type']; spaceId: string }): SpaceRef => ({ type: s.spaceType, id: s.spaceId });

	async function respondents(surveyId: string) {
		return (await data.db.select({ n: count() }).from(surveyResponses).where(eq(surveyResponses.surveyId, surveyId)))[0]?.n ?? 0;
	}

	/** The recording, checked before anything is written: a refusal throws and stores nothing. */
	async function check(upload: VoiceUpload): Promise<CleanAudio> {
		return cleanVoice(upload.bytes);
	}

	/** Writes the file, dated like the survey; returns its name and a way to take it back. */
	async function write(survey: { createdAt: Date }, clean: CleanAudio) {
		const name = `${ids.id()}${ids.id()}.${clean.container}`;
		storeAudio(uploadDir(), name, clean.bytes);
		const path = join(audioDir(uploadDir()), name);
		await utimes(path, survey.createdAt, survey.createdAt);
		return { name, undo: () => rm(path, { force: true }) };
	}

	/** The row, inside the answer's unit of work. */
	function row(surveyId: string, name: string, clean: CleanAudio) {
		return { id: randomKey(ids), surveyId, file: name, mime: clean.mime, durationMs: clean.durationMs, bytes: clean.bytes.byteLength };
	}

	async function answerOr404(actor: Actor | null, surveyId: unknown, id: unknown) {
		const survey = await surveyOr404(surveyId);
		authorize(actor, 'indicators.view', spaceOf(survey));
		const key = idSchema.safeParse(id);
		if (!key.success) throw notFound();
		const found = (await data.db.select().from(surveyVoiceAnswers).where(eq(surveyVoiceAnswers.id, key.data)))[0];
		// Under the floor, a recording does not exist yet for anyone.
		if (!found || found.surveyId !== survey.id || (await respondents(survey.id)) < RESPONDENT_FLOOR) throw notFound();
		return { survey, found };
	}

	return {
		check,
		write,
		row,

		/** The survey's voice answers for those who see its results; hidden under the floor, count included. */
		async list(actor: Actor | null, surveyId: unknown): Promise<SurveyVoices> {
			const s = await surveyOr404(surveyId);
			authorize(actor, 'indicators.view', spaceOf(s));
			const n = await respondents(s.id);
			const rows = n >= RESPONDENT_FLOOR ? await data.db.select().from(surveyVoiceAnswers).where(eq(surveyVoiceAnswers.surveyId, s.id)).orderBy(asc(surveyVoiceAnswers.id)) : [];
			return {
				survey: { id: s.id, title: s.title, spaceType: s.spaceType, spaceId: s.spaceId, voice: s.voice },
				canSummarise: can(actor, 'survey.manage', spaceOf(s)),
				answers: floored(n, () => rows.map((r) => ({ id: r.id, durationMs: r.durationMs, summary: r.summary, url: `/surveys/s/${s.id}/voices/${r.id}` })))
			};
		},

		async file(actor: Actor | null, surveyId: unknown, id: unknown): Promise<{ path: string; mime: string }> {
			const { found } = await answerOr404(actor, surveyId, id);
			return { path: join(audioDir(uploadDir()), found.file), mime: found.mime };
		},

		/** A facilitator's short written summary under the recording (empty: removed). */
		async summarise(actor: Actor | null, input: { surveyId: unknown; id: unknown; summary: unknown }) {
			const { survey, found } = await answerOr404(actor, input.surveyId, input.id);
			authorize(actor, 'survey.manage', spaceOf(survey));
			const summary = parse(summarySchema, input.summary) || null;
			const now = clockNow();
			await data.write(async (tx) => {
				await tx.update(surveyVoiceAnswers).set({ summary, summaryBy: summary ? actor.id : null, summaryAt: summary ? now : null }).where(eq(surveyVoiceAnswers.id, found.id));
				// Said of the survey, not of the recording: the log keeps no trace of one answer.
				await logAudit(data, now, actor.id, 'survey.voiceSummarised', { type: 'survey', id: survey.id });
			});
		},

		/** Taken out (a recording that names someone, say): the row and the file go. */
		async remove(actor: Actor | null, input: { surveyId: unknown; id: unknown }) {
			const { survey, found } = await answerOr404(actor, input.surveyId, input.id);
			authorize(actor, 'survey.manage', spaceOf(survey));
			await data.write(async (tx) => {
				await tx.delete(surveyVoiceAnswers).where(eq(surveyVoiceAnswers.id, found.id));
				await logAudit(data, clockNow(), actor.id, 'survey.voiceRemoved', { type: 'survey', id: survey.id });
			});
			// The file goes once the row is gone for good (a file outside the database is not rolled back).
			await rm(join(audioDir(uploadDir()), found.file), { force: true });
		}
	};
}
