import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTestApp, type TestApp } from '$lib/server/testing';
import { appendUpdate, buildDocument, compactDocument, fragmentText, loadUpdates, readDocumentText, seedDocument } from './store';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
});
afterEach(() => app.close());

const name = 'proposal:p1:description';

describe('collab update log', () => {
	it('seeds a description once, one paragraph per line', () => {
		const db = app.services.deps.db;
		expect(seedDocument(db, name, 'Un potager\n\nsur le toit  \n', app.clock.now())).toBe(true);
		expect(seedDocument(db, name, 'Autre chose', app.clock.now())).toBe(false);
		expect(seedDocument(db, 'proposal:p2:description', '   ', app.clock.now())).toBe(false);
		expect(readDocumentText(db, name)).toBe('Un potager\nsur le toit');
		expect(loadUpdates(db, name).updates).toHaveLength(1);
		expect(readDocumentText(db, 'proposal:none:description')).toBe('');
	});

	it('compacts many rows into one without changing the document', () => {
		const db = app.services.deps.db;
		const doc = new Y.Doc();
		doc.on('update', (u: Uint8Array) => appendUpdate(db, name, u, app.clock.now()));
		const fragment = doc.getXmlFragment('description');
		const p = new Y.XmlElement('paragraph');
		fragment.insert(0, [p]);
		const text = new Y.XmlText('');
		p.insert(0, [text]);
		for (let i = 0; i < 100; i++) text.insert(i, String(i % 10));
		text.delete(0, 10);
		const before = loadUpdates(db, name);
		expect(before.updates.length).toBe(103);
		const rebuiltBefore = Y.encodeStateAsUpdate(buildDocument(db, name));

		const result = compactDocument(db, name, app.clock.now());
		expect(result.rowsBefore).toBe(103);
		const after = loadUpdates(db, name);
		expect(after.updates).toHaveLength(1);
		expect(after.maxSeq).toBe(before.maxSeq);
		expect(Y.encodeStateAsUpdate(buildDocument(db, name))).toEqual(rebuiltBefore);
		expect(readDocumentText(db, name)).toBe(fragmentText(fragment));
		// Appends after compaction follow the merged row.
		appendUpdate(db, name, Y.encodeStateAsUpdate(new Y.Doc()), app.clock.now());
		expect(loadUpdates(db, name).maxSeq).toBe(before.maxSeq + 1);
	});

	it('renders headings, lists and formatting as plain text', () => {
		const doc = new Y.Doc();
		const f = doc.getXmlFragment('description');
		const h = new Y.XmlElement('heading');
		h.insert(0, [new Y.XmlText('Titre')]);
		const bold = new Y.XmlText('');
		bold.insert(0, 'très ', { bold: true });
		bold.insert(5, 'bien');
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [bold]);
		const list = new Y.XmlElement('bulletList');
		const items = ['un', 'deux'].map((s) => {
			const li = new Y.XmlElement('listItem');
			const para = new Y.XmlElement('paragraph');
			para.insert(0, [new Y.XmlText(s)]);
			li.insert(0, [para]);
			return li;
		});
		list.insert(0, items);
		f.insert(0, [h, p, list]);
		expect(fragmentText(f)).toBe('Titre\ntrès bien\n– un\n– deux');
	});
});
