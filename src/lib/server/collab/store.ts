/**
 * Persistence of collaborative documents: an append-only log of Yjs updates per document,
 * compacted into one update that holds the merged state. Everything here is synchronous (better-sqlite3), so an update
 * is on disk before the hub acknowledges it.
 */
import { and, asc, eq, lte, max } from 'drizzle-orm';
import * as Y from 'yjs';
import { DESCRIPTION_FIELD } from '$lib/realtime/collab-events';
import { transaction, type Db } from '../db';
import { collabUpdates } from '../db/schema';

export interface StoredLog {
	updates: Uint8Array[];
	bytes: number;
	maxSeq: number;
}

export function loadUpdates(db: Db, doc: string): StoredLog {
	const rows = db
		.select({ seq: collabUpdates.seq, update: collabUpdates.update })
		.from(collabUpdates)
		.where(eq(collabUpdates.doc, doc))
		.orderBy(asc(collabUpdates.seq))
		.all();
	let bytes = 0;
	for (const r of rows) bytes += r.update.byteLength;
	return { updates: rows.map((r) => new Uint8Array(r.update)), bytes, maxSeq: rows.at(-1)?.seq ?? 0 };
}

function insertUpdate(tx: Db, doc: string, update: Uint8Array, now: Date): number {
	const last = tx.select({ seq: max(collabUpdates.seq) }).from(collabUpdates).where(eq(collabUpdates.doc, doc)).get();
	const seq = (last?.seq ?? 0) + 1;
	tx.insert(collabUpdates).values({ doc, seq, update: Buffer.from(update), createdAt: now }).run();
	return seq;
}

/** Appends one update; the sequence is taken inside the transaction so two writers never collide. */
export function appendUpdate(db: Db, doc: string, update: Uint8Array, now: Date): number {
	return transaction(db, (tx) => insertUpdate(tx, doc, update, now));
}

export interface Compaction {
	rowsBefore: number;
	bytesBefore: number;
	bytesAfter: number;
}

/**
 * Replaces a document's log by one merged update in a single transaction. The merged row keeps the
 * highest seq, so a writer appending meanwhile (another process) lands after it, never inside.
 */
export function compactDocument(db: Db, doc: string, now: Date): Compaction {
	return transaction(db, (tx) => {
		const rows = tx
			.select({ seq: collabUpdates.seq, update: collabUpdates.update })
			.from(collabUpdates)
			.where(eq(collabUpdates.doc, doc))
			.orderBy(asc(collabUpdates.seq))
			.all();
		const bytesBefore = rows.reduce((n, r) => n + r.update.byteLength, 0);
		const last = rows.at(-1);
		if (!last || rows.length < 2) return { rowsBefore: rows.length, bytesBefore, bytesAfter: bytesBefore };
		// A document rebuilt from the log re-encodes to the same state as Y.mergeUpdates would give,
		// but ~20x faster and ~3x smaller on typing logs (deleted text is garbage-collected).
		const rebuilt = documentFromUpdates(rows.map((r) => new Uint8Array(r.update)));
		const merged = Y.encodeStateAsUpdate(rebuilt);
		rebuilt.destroy();
		tx.delete(collabUpdates).where(and(eq(collabUpdates.doc, doc), lte(collabUpdates.seq, last.seq))).run();
		tx.insert(collabUpdates).values({ doc, seq: last.seq, update: Buffer.from(merged), createdAt: now }).run();
		return { rowsBefore: rows.length, bytesBefore, bytesAfter: merged.byteLength };
	});
}

/** Applies a log in one transaction: observers run once, far cheaper than merging updates first. */
export function documentFromUpdates(updates: Uint8Array[], doc: Y.Doc = new Y.Doc()): Y.Doc {
	Y.transact(doc, () => {
		for (const update of updates) Y.applyUpdate(doc, update);
	});
	return doc;
}

/** Rebuilds a document from its log (empty if it has none). */
export function buildDocument(db: Db, docName: string): Y.Doc {
	return documentFromUpdates(loadUpdates(db, docName).updates);
}

function textOf(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
	if (node instanceof Y.XmlText)
		return (node.toDelta() as { insert?: unknown }[]).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('');
	if (node instanceof Y.XmlElement) return node.toArray().map(textOf).join(node.nodeName === 'hardBreak' ? '\n' : '');
	return '';
}

const blockNodes = new Set(['paragraph', 'heading', 'codeBlock', 'blockquote']);

/** Plain text of a Tiptap description: one line per block, list items marked with "– ". */
export function fragmentText(fragment: Y.XmlFragment): string {
	const lines: string[] = [];
	const walk = (nodes: (Y.XmlElement | Y.XmlText | Y.XmlHook)[], prefix: string) => {
		for (const node of nodes) {
			if (node instanceof Y.XmlElement && !blockNodes.has(node.nodeName)) {
				walk(node.toArray(), node.nodeName === 'listItem' ? '– ' : prefix);
				continue;
			}
			if (node instanceof Y.XmlElement && node.nodeName === 'hardBreak') continue;
			lines.push(prefix + textOf(node));
			prefix = prefix ? '  ' : '';
		}
	};
	walk(fragment.toArray(), '');
	return lines.join('\n').trim();
}

/** The current description as plain text, for pages rendered without JavaScript. */
export function readDocumentText(db: Db, docName: string): string {
	const doc = buildDocument(db, docName);
	try {
		return fragmentText(doc.getXmlFragment(DESCRIPTION_FIELD));
	} finally {
		doc.destroy();
	}
}

/** Writes text into an empty description fragment, one paragraph per non-empty line. */
export function writeParagraphs(fragment: Y.XmlFragment, text: string) {
	const paragraphs = text
		.split(/\r?\n/)
		.map((line) => line.trimEnd())
		.filter((line) => line.trim() !== '')
		.map((line) => {
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(line)]);
			return p;
		});
	fragment.insert(0, paragraphs);
}

/**
 * Seeds a description document from the text of the propose form. Idempotent: a document that
 * already has a log (seeded, or edited by someone) is left alone. Returns whether it wrote.
 */
export function seedDocument(db: Db, docName: string, text: string, now: Date = new Date()): boolean {
	if (text.trim() === '') return false;
	return transaction(db, (tx) => {
		const existing = tx.select({ seq: collabUpdates.seq }).from(collabUpdates).where(eq(collabUpdates.doc, docName)).limit(1).get();
		if (existing) return false;
		const doc = new Y.Doc();
		writeParagraphs(doc.getXmlFragment(DESCRIPTION_FIELD), text);
		insertUpdate(tx, docName, Y.encodeStateAsUpdate(doc), now);
		doc.destroy();
		return true;
	});
}
