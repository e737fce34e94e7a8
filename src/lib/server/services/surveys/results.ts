/**
 * Survey results with the 5-respondent floor applied here, once, for every view and export: below
 * the floor a survey (or a building's slice of it) shows neither averages, nor distribution, nor
 * even how many answered.
 */
import { and, asc, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { ANSWER_VALUES, floored } from '$lib/domain/indicators/surveys';
import type { Comparison, SurveyResult } from '$lib/domain/indicators/types';
import type { Period } from '$lib/domain/indicators/period';
import type { Data } from '../../db/data';

/** Results of the given surveys, restricted to one building's answers when asked. */
export async function surveyResults(data: Data, ids: string[], buildingId: string | null): Promise<SurveyResult[]> {
	if (!ids.length) return [];
	const { db } = data;
	const { surveyAnswers, surveyQuestions, surveyResponses, surveys } = data.t;
	const list = await db.select().from(surveys).where(inArray(surveys.id, ids)).orderBy(asc(surveys.createdAt), asc(surveys.id));
	const respWhere = [inArray(surveyResponses.surveyId, ids)];
	if (buildingId) respWhere.push(eq(surveyResponses.buildingId, buildingId));
	const [counts, questions, tallies] = await Promise.all([
		db.select({ surveyId: surveyResponses.surveyId, n: count() }).from(surveyResponses).where(and(...respWhere)).groupBy(surveyResponses.surveyId),
		db.select().from(surveyQuestions).where(inArray(surveyQuestions.surveyId, ids)).orderBy(asc(surveyQuestions.position), asc(surveyQuestions.id)),
		db
			.select({ questionId: surveyAnswers.questionId, value: surveyAnswers.value, n: count() })
			.from(surveyAnswers)
			.innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswers.responseId))
			.where(and(...respWhere))
			.groupBy(surveyAnswers.questionId, surveyAnswers.value)
	]);
	return list.map((s) => {
		const n = counts.find((c) => c.surveyId === s.id)?.n ?? 0;
		return {
			id: s.id,
			title: s.title,
			template: s.template,
			phase: s.phase,
			pairId: s.pairId,
			createdAt: s.createdAt.getTime(),
			closesAt: s.closesAt.getTime(),
			results: floored(n, () =>
				questions
					.filter((q) => q.surveyId === s.id)
					.map((q) => {
						const mine = tallies.filter((t) => t.questionId === q.id);
						const answered = mine.reduce((a, t) => a + t.n, 0);
						const total = mine.reduce((a, t) => a + t.n * t.value, 0);
						return {
							id: q.id,
							position: q.position,
							kind: q.kind,
							promptKey: q.promptKey,
							prompt: q.prompt,
							average: answered ? Math.round((total / answered) * 10) / 10 : 0,
							distribution: ANSWER_VALUES[q.kind].map((value) => ({ value, count: mine.find((t) => t.value === value)?.n ?? 0 }))
						};
					})
			)
		};
	});
}

/** Surveys of these spaces open at some point of the period. */
export async function surveysIn(data: Data, spaces: { type: 'residence' | 'body' | 'training'; id: string }[], period: Period): Promise<string[]> {
	if (!spaces.length) return [];
	const { surveys } = data.t;
	const rows = await data.db
		.select({ id: surveys.id })
		.from(surveys)
		.where(
			and(
				eq(surveys.spaceType, spaces[0]!.type),
				inArray(surveys.spaceId, spaces.map((s) => s.id)),
				lt(surveys.createdAt, new Date(period.end)),
				gte(surveys.closesAt, new Date(period.start))
			)
		);
	return rows.map((r) => r.id);
}

/** Before/after pairs among the results, question by question (both sides floored). */
export function comparisons(results: SurveyResult[]): Comparison[] {
	const out: Comparison[] = [];
	for (const after of results) {
		if (after.phase !== 'after' || !after.pairId) continue;
		const before = results.find((r) => r.id === after.pairId);
		if (!before) continue;
		const b = before.results.shown ? before.results.value : [];
		const a = after.results.shown ? after.results.value : [];
		const base = a.length ? a : b;
		out.push({
			beforeId: before.id,
			afterId: after.id,
			title: after.title,
			rows: base.map((q) => ({
				promptKey: q.promptKey,
				prompt: q.prompt,
				before: b.find((x) => x.position === q.position)?.average ?? null,
				after: a.find((x) => x.position === q.position)?.average ?? null
			}))
		});
	}
	return out;
}
