import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at, bytea } from './columns';

/**
 * Collaborative documents (proposal descriptions, site-plan pins) as an append-only log of Yjs
 * updates per document. Compaction replaces a document's rows by one merged update that keeps the
 * highest `seq`, so sequence numbers only ever grow.
 */
export const collabUpdates = pgTable(
	'collab_updates',
	{
		doc: text('doc').notNull(),
		seq: integer('seq').notNull(),
		update: bytea('update').notNull(),
		createdAt: at('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.doc, t.seq] })]
);
