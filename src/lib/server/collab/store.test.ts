import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTestAppOn, testEngines, type TestApp } from '$lib/server/testing';
import { appendUpdate, buildDocument, compactDocument, fragmentText, loadUpdates, readDocumentText, seedDocument } from './store';

const name = 'proposal:p1:description';

describe.each(testEngines)('collab update log (%s)', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	it('seeds a description once, one paragraph per line', async () => {
		const data = app.services.deps.data;
		expect(await seedDocument(data, name, 'Un potager\n\nsur le toit  \n', app.clock.now())).toBe(true);
		expect(await seedDocument(data, name, 'Autre chose', app.clock.now())).toBe(false);
		expect(await seedDocument(data, 'proposal:p2:description', '   ', app.clock.now())).toBe(false);
		expect(await readDocumentText(data, name)).toBe('Un potager\nsur le toit');
		expect((await loadUpdates(data, name)).updates).toHaveLength(1);
		expect(await readDocumentText(data, 'proposal:none:description')).toBe('');
	});

	it('seeds once when several seeders race for a fresh document', async () => {
		const data = app.services.deps.data;
		const wrote = await Promise.all(['Un', 'Deux', 'Trois', 'Quatre'].map((text) => seedDocument(data, name, text, app.clock.now())));
		expect(wrote.filter(Boolean)).toHaveLength(1);
		const log = await loadUpdates(data, name);
		expect(log.updates).toHaveLength(1);
		expect(['Un', 'Deux', 'Trois', 'Quatre']).toContain(await readDocumentText(data, name));
	});

	it('keeps every update when writers append to one document at the same time', async () => {
		const data = app.services.deps.data;
		const writers = Array.from({ length: 6 }, (_, i) => {
			const doc = new Y.Doc();
			doc.getMap('pins').set(`p${i}`, { x: i / 10, y: 0.5 });
			return Y.encodeStateAsUpdate(doc);
		});
		const seqs = await Promise.all(writers.map((u) => appendUpdate(data, name, u, app.clock.now())));
		expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
		const rebuilt = await buildDocument(data, name);
		expect(Object.keys(rebuilt.getMap('pins').toJSON()).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
		rebuilt.destroy();
	});

	it('compacts many rows into one without changing the document', async () => {
		const data = app.services.deps.data;
		const doc = new Y.Doc();
		const typed: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => void typed.push(u));
		const fragment = doc.getXmlFragment('description');
		const p = new Y.XmlElement('paragraph');
		fragment.insert(0, [p]);
		const text = new Y.XmlText('');
		p.insert(0, [text]);
		for (let i = 0; i < 100; i++) text.insert(i, String(i % 10));
		text.delete(0, 10);
		for (const u of typed) await appendUpdate(data, name, u, app.clock.now());
		const before = await loadUpdates(data, name);
		expect(before.updates.length).toBe(103);
		const rebuiltBefore = Y.encodeStateAsUpdate(await buildDocument(data, name));

		const result = await compactDocument(data, name, app.clock.now());
		expect(result.rowsBefore).toBe(103);
		const after = await loadUpdates(data, name);
		expect(after.updates).toHaveLength(1);
		expect(after.maxSeq).toBe(before.maxSeq);
		expect(Y.encodeStateAsUpdate(await buildDocument(data, name))).toEqual(rebuiltBefore);
		expect(await readDocumentText(data, name)).toBe(fragmentText(fragment));
		// Appends after compaction follow the merged row.
		await appendUpdate(data, name, Y.encodeStateAsUpdate(new Y.Doc()), app.clock.now());
		expect((await loadUpdates(data, name)).maxSeq).toBe(before.maxSeq + 1);
	});
});

describe('collab text rendering', () => {
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
