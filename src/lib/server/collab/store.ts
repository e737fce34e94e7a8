/**
 * Persistence of collaborative documents: an append-only log of Yjs updates per document,
 * compacted into one update that holds the merged state. On the async data handle (issue 12): every
 * write is one unit of `data.write`, so an update is committed before `appendUpdate` resolves and the
 * hub awaits it before acknowledging or broadcasting anything.
 *
 * Sequence numbers are taken inside the unit (`max(seq) + 1`). Two writers appending to the same
 * document at once (two nodes on PostgreSQL) take the same number: the (doc, seq) primary key (on
 * both schemas) refuses the second, and PostgreSQL's SERIALIZABLE reports the conflict as a
 * serialization failure, which `data.write` retries; a plain unique violation is retried here too
 * (see `appendUpdate`), so no update is ever lost or stored twice under one number.
 */
import { and, asc, eq, lte, max } from 'drizzle-orm';
import * as Y from 'yjs';
import { DESCRIPTION_FIELD } from '$lib/realtime/collab-events';
import { first, type AsyncDb, type Data } from '../db/data';

export interface StoredLog {
	updates: Uint8Array[];
	bytes: number;
	maxSeq: number;
}

export async function loadUpdates(data: Data, doc: string): Promise<StoredLog> {
	const { collabUpdates } = data.t;
	const rows = await data.db
		.select({ seq: collabUpdates.seq, update: collabUpdates.update })
		.from(collabUpdates)
		.where(eq(collabUpdates.doc, doc))
		.orderBy(asc(collabUpdates.seq));
	let bytes = 0;
	for (const r of rows) bytes += r.update.byteLength;
	return { updates: rows.map((r) => new Uint8Array(r.update)), bytes, maxSeq: rows.at(-1)?.seq ?? 0 };
}

async function insertUpdate(data: Data, tx: AsyncDb, doc: string, update: Uint8Array, now: Date): Promise<number> {
	const { collabUpdates } = data.t;
	const last = await first(tx.select({ seq: max(collabUpdates.seq) }).from(collabUpdates).where(eq(collabUpdates.doc, doc)));
	const seq = Number(last?.seq ?? 0) + 1;
	await tx.insert(collabUpdates).values({ doc, seq, update: Buffer.from(update), createdAt: now });
	return seq;
}

/** A unique violation (SQLite or PostgreSQL), through drizzle's wrapping. */
function uniqueViolation(err: unknown): boolean {
	for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		const code = (e as { code?: unknown }).code;
		if (code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
	}
	return false;
}

/**
 * Appends one update; the sequence is taken inside the unit. Should another writer have taken the
 * same number meanwhile (PostgreSQL, another node; normally reported as a serialization failure and
 * retried by `data.write`), the unit is run again with the next number: the key never lets both in.
 */
export async function appendUpdate(data: Data, doc: string, update: Uint8Array, now: Date): Promise<number> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await data.write((tx) => insertUpdate(data, tx, doc, update, now));
		} catch (err) {
			if (data.inUnit || attempt >= 5 || !uniqueViolation(err)) throw err;
		}
	}
}

export interface Compaction {
	rowsBefore: number;
	bytesBefore: number;
	bytesAfter: number;
}

/**
 * Replaces a document's log by one merged update in a single unit. The merged row keeps the
 * highest seq, so a writer appending meanwhile (another process) lands after it, never inside; on
 * PostgreSQL a concurrent append makes one of the two units retry (SERIALIZABLE).
 */
export async function compactDocument(data: Data, doc: string, now: Date): Promise<Compaction> {
	const { collabUpdates } = data.t;
	return data.write(async (tx) => {
		const rows = await tx
			.select({ seq: collabUpdates.seq, update: collabUpdates.update })
			.from(collabUpdates)
			.where(eq(collabUpdates.doc, doc))
			.orderBy(asc(collabUpdates.seq));
		const bytesBefore = rows.reduce((n, r) => n + r.update.byteLength, 0);
		const last = rows.at(-1);
		if (!last || rows.length < 2) return { rowsBefore: rows.length, bytesBefore, bytesAfter: bytesBefore };
		// A document rebuilt from the log re-encodes to the same state as Y.mergeUpdates would give,
		// but ~20x faster and ~3x smaller on typing logs (deleted text is garbage-collected).
		const rebuilt = documentFromUpdates(rows.map((r) => new Uint8Array(r.update)));
		const merged = Y.encodeStateAsUpdate(rebuilt);
		rebuilt.destroy();
		await tx.delete(collabUpdates).where(and(eq(collabUpdates.doc, doc), lte(collabUpdates.seq, last.seq)));
		await tx.insert(collabUpdates).values({ doc, seq: last.seq, update: Buffer.from(merged), createdAt: now });
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
export async function buildDocument(data: Data, docName: string): Promise<Y.Doc> {
	return documentFromUpdates((await loadUpdates(data, docName)).updates);
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
export async function readDocumentText(data: Data, docName: string): Promise<string> {
	const doc = await buildDocument(data, docName);
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
export async function seedDocument(data: Data, docName: string, text: string, now: Date = new Date()): Promise<boolean> {
	if (text.trim() === '') return false;
	const { collabUpdates } = data.t;
	const doc = new Y.Doc();
	writeParagraphs(doc.getXmlFragment(DESCRIPTION_FIELD), text);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	// Two seeders at once (two nodes opening a fresh document): one writes seq 1, the other's unit
	// collides on the key, is run again (PostgreSQL retries it) and then finds the log written.
	for (let attempt = 1; ; attempt++) {
		try {
			return await data.write(async (tx) => {
				const existing = await first(tx.select({ seq: collabUpdates.seq }).from(collabUpdates).where(eq(collabUpdates.doc, docName)).limit(1));
				if (existing) return false;
				await insertUpdate(data, tx, docName, update, now);
				return true;
			});
		} catch (err) {
			if (data.inUnit || attempt >= 5 || !uniqueViolation(err)) throw err;
		}
	}
}
