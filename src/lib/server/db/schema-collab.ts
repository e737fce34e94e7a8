import { blob, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Collaborative documents (proposal descriptions, site-plan pins) as an append-only log of Yjs
 * updates per document. Compaction replaces a document's rows by one merged update that keeps the
 * highest `seq`, so sequence numbers only ever grow.
 */
export const collabUpdates = sqliteTable(
	'collab_updates',
	{
		doc: text('doc').notNull(),
		seq: integer('seq').notNull(),
		update: blob('update', { mode: 'buffer' }).notNull(),
		createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.doc, t.seq] })]
);
