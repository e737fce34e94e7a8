/**
 * Perception surveys as pure code: answer kinds, built-in templates and the publication floor.
 * Every answer is stored on a 1–5 scale so that averages and before/after comparisons mean the same
 * thing whatever pictograms were shown.
 */
import { z } from 'zod';

export const ACTIVITY_KINDS = ['garden', 'tools', 'health', 'cooking', 'children', 'meeting', 'other'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Where a programme tracks it: what a participant is to the activity. */
export const PARTICIPANT_STATUSES = ['participant', 'member', 'volunteer', 'newcomer'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export const ANSWER_KINDS = ['faces', 'thumbs', 'scale'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/** The values each kind offers, in the order they are shown. */
export const ANSWER_VALUES: Record<AnswerKind, readonly number[]> = {
	faces: [1, 2, 3, 4, 5],
	thumbs: [1, 3, 5],
	scale: [1, 2, 3, 4, 5]
};

export const SURVEY_TEMPLATES = ['wellbeing', 'change', 'satisfaction', 'skills', 'selfAssessment', 'custom'] as const;
export type SurveyTemplate = (typeof SURVEY_TEMPLATES)[number];

export const SURVEY_AUDIENCES = ['residence', 'building', 'activity', 'training', 'body'] as const;
export type SurveyAudience = (typeof SURVEY_AUDIENCES)[number];

export const SURVEY_PHASES = ['single', 'before', 'after'] as const;
export type SurveyPhase = (typeof SURVEY_PHASES)[number];

/** Built-in questions: catalogue keys (`indicators.q.<key>`) and their answer kind. */
export const TEMPLATE_QUESTIONS: Record<Exclude<SurveyTemplate, 'custom'>, { key: string; kind: AnswerKind }[]> = {
	wellbeing: [
		{ key: 'wellbeingHome', kind: 'faces' },
		{ key: 'wellbeingNeighbours', kind: 'faces' },
		{ key: 'wellbeingOutdoor', kind: 'faces' }
	],
	change: [
		{ key: 'changeNoticed', kind: 'thumbs' },
		{ key: 'changeBetter', kind: 'faces' }
	],
	satisfaction: [
		{ key: 'satisfactionOverall', kind: 'faces' },
		{ key: 'satisfactionAgain', kind: 'thumbs' }
	],
	skills: [
		{ key: 'skillsLearnt', kind: 'scale' },
		{ key: 'skillsUse', kind: 'thumbs' }
	],
	selfAssessment: [
		{ key: 'selfSpeak', kind: 'scale' },
		{ key: 'selfFacilitate', kind: 'scale' },
		{ key: 'selfAct', kind: 'scale' }
	]
};

/** Results of fewer respondents than this are never shown, in any view or export. */
export const RESPONDENT_FLOOR = 5;

export type Floored<T> = { shown: true; respondents: number; value: T } | { shown: false; respondents: null };

/** Applies the publication floor: below it, not even the number of respondents is given. */
export function floored<T>(respondents: number, value: () => T): Floored<T> {
	return respondents >= RESPONDENT_FLOOR ? { shown: true, respondents, value: value() } : { shown: false, respondents: null };
}

export const customQuestionSchema = z.object({
	prompt: z.string().trim().min(3, 'indicators.error.prompt').max(200, 'indicators.error.prompt'),
	kind: z.enum(ANSWER_KINDS)
});

/** An answer form as posted (`q_<questionId>` = value), checked against the survey's questions. */
export function answersSchema(questions: { id: string; kind: AnswerKind }[]) {
	return z.object(
		Object.fromEntries(
			questions.map((q) => [
				`q_${q.id}`,
				z.coerce.number({ message: 'indicators.error.answerAll' }).int('indicators.error.answerAll').refine((v) => ANSWER_VALUES[q.kind].includes(v), 'indicators.error.answerAll')
			])
		)
	);
}
