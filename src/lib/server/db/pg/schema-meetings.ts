import { boolean, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at } from './columns';
import { ATTENDANCE, ITEM_KINDS, MEETING_STATUSES, SPEECH_TYPES } from '../../../domain/meetings/types';
import { proposals } from './schema-boards';
import { consultations } from './schema-votes';
import { bodies, colleges, users } from './schema-core';


/** How a body holds its meetings. One row per body; absent = the defaults of `domain/meetings`. */
export const bodyRules = pgTable('body_rules', {
	bodyId: text('body_id').primaryKey().references(() => bodies.id),
	quorum: doublePrecision('quorum').notNull(),
	collegeQuorum: doublePrecision('college_quorum'),
	substitutesVote: boolean('substitutes_vote').notNull(),
	proxiesCountForQuorum: boolean('proxies_count_for_quorum').notNull(),
	speechLimitSec: integer('speech_limit_sec'),
	firstTimeFirst: boolean('first_time_first').notNull(),
	balanceWarnRatio: doublePrecision('balance_warn_ratio').notNull(),
	weightedVotes: boolean('weighted_votes').notNull(),
	/** Meetings are public: while one is open, the portal shows it live and read-only (no account). */
	publicMeetings: boolean('public_meetings').notNull().default(false),
	updatedAt: at('updated_at').notNull()
});

/**
 * A member's seat: their college, term and substitute. A body member with a college and no row here
 * holds an open-ended seat; a row whose term has ended keeps a former member listed as such.
 */
export const bodySeats = pgTable(
	'body_seats',
	{
		id: text('id').primaryKey(),
		bodyId: text('body_id').notNull().references(() => bodies.id),
		userId: text('user_id').notNull().references(() => users.id),
		collegeId: text('college_id').notNull().references(() => colleges.id),
		substituteId: text('substitute_id').references(() => users.id),
		termStart: at('term_start').notNull(),
		termEnd: at('term_end')
	},
	(t) => [uniqueIndex('body_seats_member').on(t.bodyId, t.userId)]
);

export const meetings = pgTable(
	'meetings',
	{
		id: text('id').primaryKey(),
		bodyId: text('body_id').notNull().references(() => bodies.id),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		startsAt: at('starts_at').notNull(),
		durationMin: integer('duration_min').notNull().default(120),
		place: text('place').notNull().default(''),
		videoUrl: text('video_url').notNull().default(''),
		status: text('status', { enum: MEETING_STATUSES }).notNull(),
		/** Why it was postponed or cancelled, told to members. */
		statusReason: text('status_reason').notNull().default(''),
		currentItemId: text('current_item_id'),
		openedAt: at('opened_at'),
		closedAt: at('closed_at'),
		/** Bumped on every change of the room's state: what a reconnecting screen compares. */
		version: integer('version').notNull().default(0),
		createdBy: text('created_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('meetings_body').on(t.bodyId, t.startsAt)]
);

export const agendaItems = pgTable(
	'agenda_items',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id').notNull().references(() => meetings.id),
		position: integer('position').notNull(),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		kind: text('kind', { enum: ITEM_KINDS }).notNull(),
		timeBoxMin: integer('time_box_min'),
		/** Proposed by a member: waits for the chair, who accepts or declines with a reason. */
		state: text('state', { enum: ['proposed', 'accepted', 'declined'] }).notNull(),
		declineReason: text('decline_reason').notNull().default(''),
		proposedBy: text('proposed_by').notNull().references(() => users.id),
		proposalId: text('proposal_id').references(() => proposals.id),
		consultationId: text('consultation_id').references(() => consultations.id),
		startedAt: at('started_at'),
		endedAt: at('ended_at'),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('agenda_items_meeting').on(t.meetingId, t.position)]
);

/** Stored under UPLOAD_DIR/meetings after its first bytes proved it a PDF or an image. */
export const agendaDocuments = pgTable(
	'agenda_documents',
	{
		id: text('id').primaryKey(),
		itemId: text('item_id').notNull().references(() => agendaItems.id),
		name: text('name').notNull(),
		mime: text('mime').notNull(),
		size: integer('size').notNull(),
		file: text('file').notNull(),
		uploadedBy: text('uploaded_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('agenda_documents_item').on(t.itemId)]
);

export const meetingAttendance = pgTable(
	'meeting_attendance',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id').notNull().references(() => meetings.id),
		userId: text('user_id').notNull().references(() => users.id),
		status: text('status', { enum: ATTENDANCE }).notNull(),
		proxyHolderId: text('proxy_holder_id').references(() => users.id),
		arrivedAt: at('arrived_at'),
		leftAt: at('left_at'),
		recordedBy: text('recorded_by').notNull().references(() => users.id),
		updatedAt: at('updated_at').notNull()
	},
	(t) => [uniqueIndex('meeting_attendance_once').on(t.meetingId, t.userId)]
);

export const meetingSpeeches = pgTable(
	'meeting_speeches',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id').notNull().references(() => meetings.id),
		itemId: text('item_id').notNull().references(() => agendaItems.id),
		userId: text('user_id').notNull().references(() => users.id),
		type: text('type', { enum: SPEECH_TYPES }).notNull(),
		requestedAt: at('requested_at').notNull(),
		startedAt: at('started_at'),
		endedAt: at('ended_at'),
		cancelledAt: at('cancelled_at'),
		addedBy: text('added_by').notNull().references(() => users.id)
	},
	(t) => [index('meeting_speeches_item').on(t.meetingId, t.itemId)]
);

/** A vote put to the room on a decision item; its electorate was frozen when it opened. */
export const meetingMotions = pgTable(
	'meeting_motions',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id').notNull().references(() => meetings.id),
		itemId: text('item_id').notNull().references(() => agendaItems.id),
		consultationId: text('consultation_id').notNull().unique().references(() => consultations.id),
		/** An amendment points at the motion it amends and is voted first. */
		amendsId: text('amends_id'),
		/** Who may vote: `{ seatUserId, voterId, collegeId, via }[]` at opening. */
		electors: jsonb('electors').$type<{ seatUserId: string; voterId: string; collegeId: string; via: string }[]>().notNull(),
		quorumMet: boolean('quorum_met').notNull(),
		openedBy: text('opened_by').notNull().references(() => users.id),
		openedAt: at('opened_at').notNull()
	},
	(t) => [index('meeting_motions_meeting').on(t.meetingId)]
);

/**
 * The written thread of an agenda item: members post before, during and after the meeting (for those
 * who could not come). Moderation as on the boards: hidden with a reason, never deleted.
 */
export const agendaPosts = pgTable(
	'agenda_posts',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id').notNull().references(() => meetings.id),
		itemId: text('item_id').notNull().references(() => agendaItems.id),
		authorId: text('author_id').notNull().references(() => users.id),
		body: text('body').notNull(),
		hiddenAt: at('hidden_at'),
		hiddenBy: text('hidden_by').references(() => users.id),
		hiddenReason: text('hidden_reason'),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('agenda_posts_item').on(t.itemId, t.createdAt)]
);
