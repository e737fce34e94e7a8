import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { carriers, categories, proposalEventKinds, statuses } from '../../domain/lifecycle';
import { users } from './schema-core';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });

/**
 * A proposal (community action) on a space's board. The record holds what a decision rests on;
 * the co-edited description lives in a Yjs document and `description` keeps the text as proposed.
 */
export const proposals = sqliteTable(
	'proposals',
	{
		id: text('id').primaryKey(),
		spaceType: text('space_type', { enum: ['residence', 'body', 'training'] }).notNull(),
		spaceId: text('space_id').notNull(),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		category: text('category', { enum: categories }).notNull().default('other'),
		costEuros: integer('cost_euros'),
		carriedBy: text('carried_by', { enum: carriers }),
		status: text('status', { enum: statuses }).notNull().default('idea'),
		/** Order inside a column; fractional so a card can slip between two others without renumbering. */
		position: real('position').notNull(),
		declineReason: text('decline_reason'),
		/** File name under UPLOAD_DIR/proposals, already re-encoded without metadata. */
		photo: text('photo'),
		authorId: text('author_id').notNull().references(() => users.id),
		hiddenAt: at('hidden_at'),
		hiddenBy: text('hidden_by').references(() => users.id),
		hiddenReason: text('hidden_reason'),
		/** Its author took it off the board (she may put it back): it leaves the board, its page stays. */
		withdrawnAt: at('withdrawn_at'),
		createdAt: at('created_at').notNull(),
		updatedAt: at('updated_at').notNull()
	},
	(t) => [index('proposals_space').on(t.spaceType, t.spaceId, t.status)]
);

/** One support per person and proposal: the unique index is the rule, not application code. */
export const proposalSupports = sqliteTable(
	'proposal_supports',
	{
		proposalId: text('proposal_id').notNull().references(() => proposals.id),
		userId: text('user_id').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [uniqueIndex('proposal_supports_unique').on(t.proposalId, t.userId)]
);

/** "Je participe": people who offer to carry the action. */
export const proposalVolunteers = sqliteTable(
	'proposal_volunteers',
	{
		proposalId: text('proposal_id').notNull().references(() => proposals.id),
		userId: text('user_id').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [uniqueIndex('proposal_volunteers_unique').on(t.proposalId, t.userId)]
);

/** Threaded one level: `parentId` always points at a top-level comment. */
export const proposalComments = sqliteTable(
	'proposal_comments',
	{
		id: text('id').primaryKey(),
		proposalId: text('proposal_id').notNull().references(() => proposals.id),
		parentId: text('parent_id'),
		authorId: text('author_id').notNull().references(() => users.id),
		body: text('body').notNull(),
		hiddenAt: at('hidden_at'),
		hiddenBy: text('hidden_by').references(() => users.id),
		hiddenReason: text('hidden_reason'),
		/** Last change of its text by its author (shown as "modifié"); earlier texts stay in the audit log. */
		editedAt: at('edited_at'),
		/** Deleted by its author: the text is emptied here (kept in the audit log); a placeholder holds its replies. */
		deletedAt: at('deleted_at'),
		createdAt: at('created_at').notNull()
	},
	(t) => [
		index('proposal_comments_proposal').on(t.proposalId, t.createdAt),
		// Every card counts its readable comments (neither hidden nor deleted): from this index alone,
		// without reading each comment's row (a support on an idea with 300 comments read 300 rows).
		// Its authors too, for the followers a new comment notifies (notifications/recipients.ts).
		index('proposal_comments_readable').on(t.proposalId, t.hiddenAt, t.deletedAt, t.authorId)
	]
);

/**
 * The proposal's history as people read it on its page. Moves and edits keep what they replaced in
 * `data` so a facilitator can undo them; `undoneAt` marks an entry that was undone.
 */
export const proposalEvents = sqliteTable(
	'proposal_events',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		proposalId: text('proposal_id').notNull().references(() => proposals.id),
		at: at('at').notNull(),
		actorId: text('actor_id').references(() => users.id),
		kind: text('kind', { enum: proposalEventKinds }).notNull(),
		data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
		undoneAt: at('undone_at'),
		undoneBy: text('undone_by').references(() => users.id)
	},
	(t) => [index('proposal_events_proposal').on(t.proposalId, t.id)]
);
