/**
 * Minutes (issue 11): the live draft is a set of Yjs documents (one per section, see
 * services/minutes); from submission on, everything here is the authoritative state. Published
 * versions are never updated: a correction is a new row linked to the one it corrects. The follow-up
 * of the decision register (`decisions`, schema-votes) lives here too.
 */
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at } from './columns';
import { ADOPTION_METHODS, MINUTES_STATUSES, type MinutesFacts } from '../../../domain/minutes';
import { agendaItems, meetings } from './schema-meetings';
import { decisions } from './schema-votes';
import { FOLLOW_UP_STATUSES } from '../../../domain/minutes/follow-up';
import { bodies, residences, users } from './schema-core';


/** What a body chooses about its minutes and its public portal. No row = the defaults. */
export const minutesSettings = pgTable('minutes_settings', {
	bodyId: text('body_id').primaryKey().references(() => bodies.id),
	/** The body's minutes, register and upcoming meetings appear on the public portal. */
	portalPublic: boolean('portal_public').notNull().default(true),
	/** The body's rules let the chair adopt minutes alone (otherwise: a vote at a meeting). */
	chairMayAdopt: boolean('chair_may_adopt').notNull().default(true),
	amendmentDays: integer('amendment_days').notNull().default(7),
	updatedAt: at('updated_at').notNull()
});

/** What a residence chooses to publish on the portal. No row = nothing published. */
export const residencePortalSettings = pgTable('residence_portal_settings', {
	residenceId: text('residence_id').primaryKey().references(() => residences.id),
	/** Closed consultations with their results and anonymised ballots (for recount) appear on the portal. */
	resultsPublic: boolean('results_public').notNull().default(false),
	updatedAt: at('updated_at').notNull()
});

/** Members who agreed to have their name shown on the public portal. */
export const portalConsents = pgTable(
	'portal_consents',
	{
		bodyId: text('body_id').notNull().references(() => bodies.id),
		userId: text('user_id').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.bodyId, t.userId] })]
);

export const minutes = pgTable(
	'minutes',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id').notNull().unique().references(() => meetings.id),
		bodyId: text('body_id').notNull().references(() => bodies.id),
		status: text('status', { enum: MINUTES_STATUSES }).notNull(),
		/** Facts as frozen at submission (attendance, speakers, motions). */
		facts: jsonb('facts').$type<MinutesFacts>(),
		/** Section key (agenda item id or "general") → text, frozen at submission, changed only by accepted amendments. */
		texts: jsonb('texts').$type<Record<string, string>>(),
		windowEndsAt: at('window_ends_at'),
		submittedBy: text('submitted_by').references(() => users.id),
		submittedAt: at('submitted_at'),
		adoptionMethod: text('adoption_method', { enum: ADOPTION_METHODS }),
		/** The agenda item of a later meeting where the adoption is put to the vote. */
		adoptionItemId: text('adoption_item_id').references(() => agendaItems.id),
		adoptedBy: text('adopted_by').references(() => users.id),
		adoptedAt: at('adopted_at'),
		/** The latest published version of these minutes (a correction moves it). */
		versionId: text('version_id'),
		updatedAt: at('updated_at').notNull(),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('minutes_body').on(t.bodyId, t.status)]
);

/** Named by the chair: who may write the live draft besides the secretary. */
export const minutesCoEditors = pgTable(
	'minutes_co_editors',
	{
		minutesId: text('minutes_id').notNull().references(() => minutes.id),
		userId: text('user_id').notNull().references(() => users.id),
		addedBy: text('added_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.minutesId, t.userId] })]
);

export const minutesAmendments = pgTable(
	'minutes_amendments',
	{
		id: text('id').primaryKey(),
		minutesId: text('minutes_id').notNull().references(() => minutes.id),
		section: text('section').notNull(),
		passage: text('passage').notNull(),
		suggestion: text('suggestion').notNull(),
		authorId: text('author_id').notNull().references(() => users.id),
		status: text('status', { enum: ['pending', 'accepted', 'rejected'] }).notNull(),
		reason: text('reason').notNull().default(''),
		decidedBy: text('decided_by').references(() => users.id),
		decidedAt: at('decided_at'),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('minutes_amendments_minutes').on(t.minutesId, t.createdAt)]
);

/**
 * One published version in a body's chain. `record` is the whole minutes-version/v1 record exactly as
 * hashed (domain/minutes/canonical.ts); the other columns repeat parts of it for queries.
 * Rows are inserted once and never updated.
 */
export const minutesVersions = pgTable(
	'minutes_versions',
	{
		id: text('id').primaryKey(),
		bodyId: text('body_id').notNull().references(() => bodies.id),
		sequence: integer('sequence').notNull(),
		minutesId: text('minutes_id').notNull().references(() => minutes.id),
		meetingId: text('meeting_id').notNull().references(() => meetings.id),
		content: text('content').notNull(),
		hash: text('hash').notNull().unique(),
		previousHash: text('previous_hash'),
		record: text('record').notNull(),
		correctsId: text('corrects_id'),
		adoptedBy: text('adopted_by').notNull().references(() => users.id),
		adoptedAt: at('adopted_at').notNull(),
		publishedBy: text('published_by').notNull().references(() => users.id),
		publishedAt: at('published_at').notNull()
	},
	(t) => [uniqueIndex('minutes_versions_chain').on(t.bodyId, t.sequence)]
);

const DECISION_STATUSES = FOLLOW_UP_STATUSES;

/**
 * The implementation follow-up of a decision of the register (`decisions`, written when a
 * consultation or a meeting's motion closes). Created by the register service from the bus after
 * the closing commit, never by a page load.
 */
export const decisionFollowUps = pgTable('decision_follow_ups', {
	decisionId: text('decision_id').primaryKey().references(() => decisions.id),
	ownerId: text('owner_id').references(() => users.id),
	status: text('status', { enum: DECISION_STATUSES }).notNull().default('planned'),
	progress: integer('progress').notNull().default(0),
	abandonReason: text('abandon_reason').notNull().default(''),
	reviewAt: at('review_at'),
	reviewRemindedAt: at('review_reminded_at'),
	updatedAt: at('updated_at').notNull()
});

export const decisionMilestones = pgTable(
	'decision_milestones',
	{
		id: text('id').primaryKey(),
		decisionId: text('decision_id').notNull().references(() => decisions.id),
		title: text('title').notNull(),
		dueAt: at('due_at').notNull(),
		doneAt: at('done_at'),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('decision_milestones_decision').on(t.decisionId, t.dueAt)]
);

export const decisionNotes = pgTable(
	'decision_notes',
	{
		id: text('id').primaryKey(),
		decisionId: text('decision_id').notNull().references(() => decisions.id),
		authorId: text('author_id').notNull().references(() => users.id),
		text: text('text').notNull(),
		status: text('status', { enum: DECISION_STATUSES }).notNull(),
		progress: integer('progress').notNull(),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('decision_notes_decision').on(t.decisionId, t.createdAt)]
);
