import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at } from './columns';
import { organisations, trainingSessions, users } from './schema-core';


/**
 * Practice sessions (issue 13). A scenario is data (JSON, `domain/practice/scenario.ts`); a session
 * plays one for a training group; each run of it gets its own simulated residence or body
 * (`practice = true`), so earlier runs stay as they ended, for review.
 */
export const practiceScenarios = pgTable(
	'practice_scenarios',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id').notNull().references(() => organisations.id),
		title: text('title').notNull(),
		module: text('module', { enum: ['theory', 'methodology', 'innovation'] }).notNull(),
		language: text('language', { enum: ['fr', 'en'] }).notNull(),
		/** The whole scenario, as validated by `scenarioSchema`. */
		data: jsonb('data').$type<unknown>().notNull(),
		/** Where it was duplicated from (a shipped id such as "shipped:aventuriere:fr", or another scenario). */
		basedOn: text('based_on'),
		createdBy: text('created_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull(),
		updatedAt: at('updated_at').notNull()
	},
	(t) => [index('practice_scenarios_org').on(t.organisationId)]
);

export const practiceSessions = pgTable(
	'practice_sessions',
	{
		id: text('id').primaryKey(),
		trainingId: text('training_id').notNull().references(() => trainingSessions.id),
		title: text('title').notNull(),
		/** The scenario as it was when the session started: later edits do not change a session. */
		scenario: jsonb('scenario').$type<unknown>().notNull(),
		scenarioRef: text('scenario_ref').notNull(),
		/** Trainees type it to join; stored as shown (short-lived, shared by the group). */
		code: text('code').notNull().unique(),
		status: text('status', { enum: ['running', 'paused', 'ended'] }).notNull(),
		createdBy: text('created_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('practice_sessions_training').on(t.trainingId)]
);

/** Who takes part in a session and which scenario role they hold for the next (or current) run. */
export const practiceParticipants = pgTable(
	'practice_participants',
	{
		sessionId: text('session_id').notNull().references(() => practiceSessions.id),
		userId: text('user_id').notNull().references(() => users.id),
		kind: text('kind', { enum: ['trainee', 'observer'] }).notNull(),
		roleKey: text('role_key'),
		joinedAt: at('joined_at').notNull()
	},
	(t) => [uniqueIndex('practice_participants_once').on(t.sessionId, t.userId)]
);

export const practiceRuns = pgTable(
	'practice_runs',
	{
		id: text('id').primaryKey(),
		sessionId: text('session_id').notNull().references(() => practiceSessions.id),
		number: integer('number').notNull(),
		spaceType: text('space_type', { enum: ['residence', 'body'] }).notNull(),
		spaceId: text('space_id').notNull(),
		/** active: trainees act; paused: read-only for all; closed: kept for review, read-only. */
		status: text('status', { enum: ['active', 'paused', 'closed'] }).notNull(),
		/** userId → role key, as assigned when the run started. */
		assignments: jsonb('assignments').$type<Record<string, string>>().notNull(),
		startedAt: at('started_at').notNull(),
		endedAt: at('ended_at')
	},
	(t) => [uniqueIndex('practice_runs_number').on(t.sessionId, t.number), index('practice_runs_space').on(t.spaceId)]
);

/** When each step of a run began (time per step in the debrief). */
export const practiceRunSteps = pgTable(
	'practice_run_steps',
	{
		runId: text('run_id').notNull().references(() => practiceRuns.id),
		stepKey: text('step_key').notNull(),
		startedAt: at('started_at').notNull()
	},
	(t) => [uniqueIndex('practice_run_steps_once').on(t.runId, t.stepKey)]
);

/** Written reflections after a run: one per person and run (trainer or trainee), and the trainer's comment to a trainee. */
export const practiceReflections = pgTable(
	'practice_reflections',
	{
		id: text('id').primaryKey(),
		runId: text('run_id').notNull().references(() => practiceRuns.id),
		authorId: text('author_id').notNull().references(() => users.id),
		/** Null: the author's own reflection; a user id: the trainer's comment to that trainee. */
		aboutId: text('about_id').references(() => users.id),
		body: text('body').notNull(),
		updatedAt: at('updated_at').notNull()
	},
	(t) => [uniqueIndex('practice_reflections_once').on(t.runId, t.authorId, t.aboutId)]
);

/**
 * What a trainer or an observer noticed while watching a run, stamped with the moment it was
 * written; shown in the run's debrief, in the timeline and on its own.
 */
export const practiceObservations = pgTable(
	'practice_observations',
	{
		id: text('id').primaryKey(),
		runId: text('run_id').notNull().references(() => practiceRuns.id),
		authorId: text('author_id').notNull().references(() => users.id),
		body: text('body').notNull(),
		at: at('at').notNull()
	},
	(t) => [index('practice_observations_run').on(t.runId, t.at)]
);
