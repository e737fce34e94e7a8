import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { at } from './columns';
import { users } from './schema-core';


/**
 * A spoken comment (issue 16) left on a proposal, a consultation or a survey. The sound is a file in
 * UPLOAD_DIR/voice (checked, limited, stripped of metadata); the row says where it belongs, so it is
 * served only to members of that space. Hidden with a public reason like a written comment; a
 * facilitator's written summary is kept beside it and shown as such.
 */
export const voiceComments = pgTable(
	'voice_comments',
	{
		id: text('id').primaryKey(),
		targetType: text('target_type', { enum: ['proposal', 'consultation', 'survey'] }).notNull(),
		targetId: text('target_id').notNull(),
		spaceType: text('space_type', { enum: ['residence', 'body', 'training'] }).notNull(),
		spaceId: text('space_id').notNull(),
		authorId: text('author_id').notNull().references(() => users.id),
		file: text('file').notNull(),
		mime: text('mime').notNull(),
		durationMs: integer('duration_ms').notNull(),
		bytes: integer('bytes').notNull(),
		hiddenAt: at('hidden_at'),
		hiddenBy: text('hidden_by').references(() => users.id),
		hiddenReason: text('hidden_reason'),
		summary: text('summary'),
		summaryBy: text('summary_by').references(() => users.id),
		summaryAt: at('summary_at'),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('voice_comments_target').on(t.targetType, t.targetId, t.createdAt)]
);
