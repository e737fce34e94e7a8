import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ACTIVITY_KINDS, ANSWER_KINDS, PARTICIPANT_STATUSES, SURVEY_AUDIENCES, SURVEY_PHASES, SURVEY_TEMPLATES } from '../../domain/indicators/surveys';
import { buildings, households, users } from './schema-core';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });
const spaceTypes = ['residence', 'body', 'training'] as const;

/** A recurring activity (gardening workshop, tool library opening…) run in a residence or by a body. */
export const activities = sqliteTable(
	'activities',
	{
		id: text('id').primaryKey(),
		spaceType: text('space_type', { enum: spaceTypes }).notNull(),
		spaceId: text('space_id').notNull(),
		name: text('name').notNull(),
		kind: text('kind', { enum: ACTIVITY_KINDS }).notNull(),
		description: text('description').notNull().default(''),
		createdBy: text('created_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('activities_space').on(t.spaceType, t.spaceId)]
);

/** One session of an activity. `headcount` is the number present (named participants are counted in it). */
export const activitySessions = sqliteTable(
	'activity_sessions',
	{
		id: text('id').primaryKey(),
		activityId: text('activity_id').notNull().references(() => activities.id),
		heldAt: at('held_at').notNull(),
		headcount: integer('headcount').notNull(),
		note: text('note').notNull().default(''),
		recordedBy: text('recorded_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('activity_sessions_activity').on(t.activityId, t.heldAt)]
);

/** A named participant in a session, recorded only with their agreement. */
export const activityAttendance = sqliteTable(
	'activity_attendance',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id').notNull().references(() => activitySessions.id),
		userId: text('user_id').notNull().references(() => users.id),
		status: text('status', { enum: PARTICIPANT_STATUSES }).notNull(),
		recordedAt: at('recorded_at').notNull()
	},
	(t) => [uniqueIndex('activity_attendance_once').on(t.sessionId, t.userId), index('activity_attendance_user').on(t.userId)]
);

/**
 * Every trace of participation left in a residence's space, one row per trace, kept by database
 * triggers on its sources (votes, proposals, supports, volunteering, comments, named attendance) in
 * the same transaction as the write, whoever writes (services, seeds, tests), and backfilled by the
 * migration that created it (see the migration's comment). It carries the household, its residence
 * and building as they are now (triggers on `users.household_id` and on `households` follow moves),
 * so the indicators never join people and households for every trace (issue 14); they read the
 * per-household spans below and seek here only for the spans that enclose a period.
 * `sourceId`: the participation, proposal, comment or attendance id; the proposal's for a support or
 * a volunteer (whose key is proposal and person).
 */
export const participationTraces = sqliteTable(
	'participation_traces',
	{
		kind: text('kind', { enum: ['voted', 'proposed', 'supported', 'volunteered', 'commented', 'attended'] }).notNull(),
		sourceId: text('source_id').notNull(),
		userId: text('user_id').notNull(),
		/** The residence whose space the trace was left in. */
		spaceResidenceId: text('space_residence_id').notNull(),
		householdId: text('household_id'),
		/** The household's residence and building. */
		residenceId: text('residence_id'),
		buildingId: text('building_id'),
		at: at('at').notNull()
	},
	(t) => [
		// The person first: the key also finds a person's traces (when her household changes), so no
		// index of its own on user_id, and each trace written fills one index page fewer (issue 15).
		primaryKey({ columns: [t.userId, t.kind, t.sourceId] }),
		index('participation_traces_household').on(t.householdId, t.spaceResidenceId, t.kind, t.at)
	]
);

/**
 * Votes whose trace of participation is still to be written (issue 15). A vote's unit used to write its
 * trace, and through it its household's row, in the voter's own transaction: four random index pages
 * per vote, half of what a group of ten votes wrote and synced before its voters were answered. The
 * participations' insert trigger now only appends the participation here (the table's last page), and
 * `foldVoteTraces` (services/indicators/vote-traces.ts) writes the traces of everything queued in one
 * unit of its own: when the queue holds enough votes, and before anything reads the traces (the
 * indicators, and "which did she vote in", which reads this queue too). A queued participation that
 * was deleted leaves no trace; one that was updated got its trace from the update trigger, which the
 * fold keeps. `userId`: the voter, so that "which did she vote in" reads the queue without a join per row.
 */
export const participationTraceQueue = sqliteTable('participation_trace_queue', {
	seq: integer('seq').primaryKey(),
	participationId: text('participation_id').notNull(),
	userId: text('user_id').notNull()
});

/**
 * Per household and residence space, the first and last trace of participation, of any kind and of
 * the kinds the indicators name (votes, proposals, volunteering), kept from `participation_traces`
 * by triggers (the row is recomputed from the household's traces whenever one of them comes, goes or
 * moves). A household took part in a period when its span meets the period and, for the few spans
 * that enclose it, a trace falls inside (one seek in `participation_traces_household`): the
 * indicators read one row per household instead of one per trace.
 */
export const participationHouseholds = sqliteTable(
	'participation_households',
	{
		householdId: text('household_id').notNull(),
		spaceResidenceId: text('space_residence_id').notNull(),
		residenceId: text('residence_id'),
		buildingId: text('building_id'),
		firstAt: at('first_at').notNull(),
		lastAt: at('last_at').notNull(),
		votedFirstAt: at('voted_first_at'),
		votedLastAt: at('voted_last_at'),
		proposedFirstAt: at('proposed_first_at'),
		proposedLastAt: at('proposed_last_at'),
		volunteeredFirstAt: at('volunteered_first_at'),
		volunteeredLastAt: at('volunteered_last_at')
	},
	(t) => [
		primaryKey({ columns: [t.householdId, t.spaceResidenceId] }),
		index('participation_households_scope').on(
			t.residenceId,
			t.lastAt,
			t.firstAt,
			t.spaceResidenceId,
			t.buildingId,
			t.householdId,
			t.votedFirstAt,
			t.votedLastAt,
			t.proposedFirstAt,
			t.proposedLastAt,
			t.volunteeredFirstAt,
			t.volunteeredLastAt
		)
	]
);

/** A short perception questionnaire. `pairId` links the "after" survey to its "before". */
export const surveys = sqliteTable(
	'surveys',
	{
		id: text('id').primaryKey(),
		spaceType: text('space_type', { enum: spaceTypes }).notNull(),
		spaceId: text('space_id').notNull(),
		template: text('template', { enum: SURVEY_TEMPLATES }).notNull(),
		title: text('title').notNull(),
		audience: text('audience', { enum: SURVEY_AUDIENCES }).notNull(),
		buildingId: text('building_id').references(() => buildings.id),
		activityId: text('activity_id').references(() => activities.id),
		phase: text('phase', { enum: SURVEY_PHASES }).notNull().default('single'),
		pairId: text('pair_id'),
		/** Whether the survey ends with an open question answered out loud (issue 16). */
		voice: integer('voice', { mode: 'boolean' }).notNull().default(false),
		closesAt: at('closes_at').notNull(),
		createdBy: text('created_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('surveys_space').on(t.spaceType, t.spaceId, t.createdAt)]
);

export const surveyQuestions = sqliteTable(
	'survey_questions',
	{
		id: text('id').primaryKey(),
		surveyId: text('survey_id').notNull().references(() => surveys.id),
		position: integer('position').notNull(),
		kind: text('kind', { enum: ANSWER_KINDS }).notNull(),
		/** A catalogue key for built-in questions (`survey.q.*`), or the organiser's own words. */
		promptKey: text('prompt_key'),
		prompt: text('prompt').notNull().default('')
	},
	(t) => [index('survey_questions_survey').on(t.surveyId, t.position)]
);

/** A one-time answering link: only the hash is stored; `usedAt` closes it. */
export const surveyLinks = sqliteTable(
	'survey_links',
	{
		id: text('id').primaryKey(),
		surveyId: text('survey_id').notNull().references(() => surveys.id),
		tokenHash: text('token_hash').notNull().unique(),
		householdId: text('household_id').references(() => households.id),
		buildingId: text('building_id').references(() => buildings.id),
		expiresAt: at('expires_at').notNull(),
		usedAt: at('used_at'),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('survey_links_survey').on(t.surveyId)]
);

/** An anonymous response: it keeps the building (for the building filter), never the link or person. */
export const surveyResponses = sqliteTable(
	'survey_responses',
	{
		id: text('id').primaryKey(),
		surveyId: text('survey_id').notNull().references(() => surveys.id),
		buildingId: text('building_id').references(() => buildings.id),
		submittedAt: at('submitted_at').notNull()
	},
	(t) => [index('survey_responses_survey').on(t.surveyId)]
);

export const surveyAnswers = sqliteTable(
	'survey_answers',
	{
		responseId: text('response_id').notNull().references(() => surveyResponses.id),
		questionId: text('question_id').notNull().references(() => surveyQuestions.id),
		/** 1–5 on every scale (faces: 1 very unhappy … 5 very happy; thumbs: 1 down, 3 neutral, 5 up). */
		value: integer('value').notNull()
	},
	(t) => [uniqueIndex('survey_answers_once').on(t.responseId, t.questionId), index('survey_answers_question').on(t.questionId)]
);

/**
 * An answer said out loud to a survey's open question (issue 16), kept apart from the written
 * answers so that it never leads back to a respondent or to their other answers: no link, no
 * response, no building, no time (the file's own dates are set to the survey's), and a random
 * integer key, so that even the table's physical order (SQLite's rowid) is not the order of arrival.
 * The sound is a file in UPLOAD_DIR/voice, checked, limited and stripped like a voice comment.
 */
export const surveyVoiceAnswers = sqliteTable(
	'survey_voice_answers',
	{
		id: integer('id').primaryKey(),
		surveyId: text('survey_id').notNull().references(() => surveys.id),
		file: text('file').notNull(),
		mime: text('mime').notNull(),
		durationMs: integer('duration_ms').notNull(),
		bytes: integer('bytes').notNull(),
		/** A facilitator's short written summary, shown as such. */
		summary: text('summary'),
		summaryBy: text('summary_by').references(() => users.id),
		summaryAt: at('summary_at')
	},
	(t) => [index('survey_voice_answers_survey').on(t.surveyId)]
);

/**
 * The indicators a residence or a body publishes on its organisation's public portal, one row each
 * (`surveys` stands for its perception survey results, still shown from 5 respondents only).
 */
export const indicatorPublications = sqliteTable(
	'indicator_publications',
	{
		spaceType: text('space_type', { enum: ['residence', 'body'] }).notNull(),
		spaceId: text('space_id').notNull(),
		indicatorId: text('indicator_id').notNull(),
		publishedBy: text('published_by').notNull().references(() => users.id),
		publishedAt: at('published_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.spaceType, t.spaceId, t.indicatorId] })]
);
