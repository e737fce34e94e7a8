/**
 * How long a new client waits to open a proposal description with 10,000 edits, and how many bytes
 * travel, before and after the update log is compacted. Goes through the real hub on a loopback
 * socket.io server, so it measures the same path as a browser opening the editor.
 */
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { descriptionDocName } from '../lib/realtime/collab-events';
import { appendUpdate, compactDocument, loadUpdates } from '../lib/server/collab/store';
import { Peer, until } from '../lib/server/collab/testing-peer';
import { sessionCookie, createTestApp, createUser, startRealtimeServer } from '../lib/server/testing';
import type { BenchRow } from './row';

const EDITS = 10_000;

export async function benchCollab(): Promise<BenchRow[]> {
	const app = createTestApp();
	// The bench is about loading, not rights, and the log must stay uncompacted until we say so.
	app.services.collab.configure({ access: () => Promise.resolve('write'), limits: { compactAfterUpdates: Number.POSITIVE_INFINITY, compactAfterBytes: Number.POSITIVE_INFINITY } });
	const server = await startRealtimeServer(app);
	const hub = server.collab;
	try {
		const data = app.services.deps.data;
		const user = await createUser(app, { displayName: 'Bench' });
		const cookie = await sessionCookie(app, user.id);
		const name = descriptionDocName('bench');

		// 10,000 keystrokes, one update each, as typing produces them (with a backspace now and then).
		const writer = new Y.Doc();
		const typed: Uint8Array[] = [];
		writer.on('update', (u: Uint8Array) => void typed.push(u));
		const paragraph = new Y.XmlElement('paragraph');
		writer.getXmlFragment('description').insert(0, [paragraph]);
		const text = new Y.XmlText('');
		paragraph.insert(0, [text]);
		for (let i = 1; text.length + 1 < EDITS && i < EDITS; i++) {
			if (i % 10 === 0) text.delete(text.length - 1, 1);
			else text.insert(text.length, 'abcdefghij'[i % 10]!);
		}
		writer.destroy();
		for (const u of typed) await appendUpdate(data, name, u, app.clock.now());

		const open = async () => {
			const started = performance.now();
			const peer = new Peer(server.url, cookie, name);
			await peer.join();
			const ms = performance.now() - started;
			const bytes = peer.lastStep2Bytes;
			peer.close();
			await until(() => hub.loadedDocuments() === 0, 10_000);
			return { ms, bytes };
		};

		const before = await loadUpdates(data, name);
		const cold = await open();
		const compactStart = performance.now();
		await compactDocument(data, name, app.clock.now());
		const compactMs = performance.now() - compactStart;
		const after = await loadUpdates(data, name);
		const warm = await open();

		return [
			{ name: 'collab.log.rowsBeforeCompaction', value: before.updates.length, unit: 'rows' },
			{ name: 'collab.log.bytesBeforeCompaction', value: before.bytes, unit: 'bytes' },
			{ name: 'collab.log.bytesAfterCompaction', value: after.bytes, unit: 'bytes' },
			{ name: 'collab.compaction.time', value: compactMs, unit: 'ms' },
			{ name: 'collab.load10kEdits.uncompacted.time', value: cold.ms, unit: 'ms' },
			{ name: 'collab.load10kEdits.uncompacted.syncBytes', value: cold.bytes, unit: 'bytes' },
			{ name: 'collab.load10kEdits.compacted.time', value: warm.ms, unit: 'ms' },
			{ name: 'collab.load10kEdits.compacted.syncBytes', value: warm.bytes, unit: 'bytes' }
		];
	} finally {
		await server.close();
		await app.close();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const results = await benchCollab();
	for (const r of results) console.log(`${r.name}\t${Math.round(r.value * 100) / 100}\t${r.unit}`);
	process.exit(0);
}
