import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
	awarenessPayload,
	CollabMessageError,
	decodeAwarenessUpdate,
	decodeSyncMessage,
	encodeAwarenessUpdate,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeUpdateMessage,
	joinPayload,
	MAX_UPDATE_BYTES,
	parsePayload,
	syncPayload
} from './collab-codec';

const codeOf = (fn: () => unknown) => {
	try {
		fn();
	} catch (err) {
		if (err instanceof CollabMessageError) return err.code;
		throw err;
	}
	return null;
};

function docWith(text: string) {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, text);
	return doc;
}

describe('collab message codec', () => {
	it('round-trips sync step 1, step 2 and updates', () => {
		const doc = docWith('bonjour');
		const step1 = decodeSyncMessage(encodeSyncStep1(doc));
		expect(step1.type).toBe('step1');
		if (step1.type === 'step1') expect(step1.stateVector).toEqual(Y.encodeStateVector(doc));

		const step2 = decodeSyncMessage(encodeSyncStep2(doc));
		expect(step2.type).toBe('step2');
		const copy = new Y.Doc();
		if (step2.type === 'step2') Y.applyUpdate(copy, step2.update);
		expect(copy.getText('t').toString()).toBe('bonjour');

		const update = decodeSyncMessage(encodeUpdateMessage(Y.encodeStateAsUpdate(doc)));
		expect(update.type).toBe('update');
	});

	it('sends only the missing part in answer to a state vector', () => {
		const doc = docWith('x'.repeat(5000));
		const peer = new Y.Doc();
		Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
		doc.getText('t').insert(0, 'neuf');
		const diff = encodeSyncStep2(doc, Y.encodeStateVector(peer));
		expect(diff.byteLength).toBeLessThan(100);
		expect(encodeSyncStep2(doc).byteLength).toBeGreaterThan(5000);
	});

	it('refuses unknown types, truncated and trailing bytes', () => {
		expect(codeOf(() => decodeSyncMessage(new Uint8Array([7, 1, 0])))).toBe('collab.error.invalid');
		expect(codeOf(() => decodeSyncMessage(new Uint8Array([2, 9, 1])))).toBe('collab.error.invalid');
		const ok = encodeUpdateMessage(Y.encodeStateAsUpdate(docWith('a')));
		expect(codeOf(() => decodeSyncMessage(new Uint8Array([...ok, 0])))).toBe('collab.error.invalid');
		expect(codeOf(() => decodeSyncMessage(new Uint8Array([2, 3, 255, 255, 255])))).toBe('collab.error.invalid');
	});

	it('validates payloads: document names, byte types and sizes', () => {
		const message = encodeSyncStep1(new Y.Doc());
		expect(parsePayload(syncPayload, { doc: 'proposal:abc123:description', message }).message).toEqual(message);
		expect(parsePayload(syncPayload, { doc: 'residence:r-1:pins', message: message.buffer.slice(0) }).message).toEqual(message);
		expect(parsePayload(syncPayload, { doc: 'proposal:abc:description', message: Buffer.from(message) }).message).toEqual(message);
		expect(codeOf(() => parsePayload(joinPayload, { doc: 'proposal:../x:description' }))).toBe('collab.error.invalid');
		expect(codeOf(() => parsePayload(joinPayload, { doc: 'meeting:1:minutes' }))).toBe('collab.error.invalid');
		expect(codeOf(() => parsePayload(joinPayload, {}))).toBe('collab.error.invalid');
		expect(codeOf(() => parsePayload(syncPayload, { doc: 'proposal:a:description', message: 'texte' }))).toBe('collab.error.invalid');
		expect(codeOf(() => parsePayload(syncPayload, { doc: 'proposal:a:description', message: new Uint8Array(0) }))).toBe('collab.error.invalid');
		expect(codeOf(() => parsePayload(syncPayload, { doc: 'proposal:a:description', message: new Uint8Array(MAX_UPDATE_BYTES + 1) }))).toBe(
			'collab.error.tooLarge'
		);
		expect(codeOf(() => parsePayload(awarenessPayload, { doc: 'proposal:a:description', update: new Uint8Array(64 * 1024) }))).toBe(
			'collab.error.tooLarge'
		);
	});

	it('reads and writes the y-protocols awareness format', () => {
		const doc = new Y.Doc();
		const awareness = new awarenessProtocol.Awareness(doc);
		awareness.setLocalState({ user: { name: 'Amina' }, cursor: null });
		const entries = decodeAwarenessUpdate(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
		expect(entries).toEqual([{ clientId: doc.clientID, clock: 1, state: { user: { name: 'Amina' }, cursor: null } }]);

		const other = new awarenessProtocol.Awareness(new Y.Doc());
		awarenessProtocol.applyAwarenessUpdate(other, encodeAwarenessUpdate(entries), 'test');
		expect(other.getStates().get(doc.clientID)).toEqual({ user: { name: 'Amina' }, cursor: null });
		expect(codeOf(() => decodeAwarenessUpdate(new Uint8Array([1, 5, 1, 3, 0x5b, 0x31, 0x5d])))).toBe('collab.error.invalid');
		awareness.destroy();
		other.destroy();
	});
});
