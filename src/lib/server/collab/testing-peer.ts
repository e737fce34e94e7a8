/**
 * A minimal Yjs peer speaking the hub's protocol over a real socket.io-client connection, as the
 * browser provider does (without IndexedDB and runes), so integration tests drive the real server.
 */
import { io, type Socket } from 'socket.io-client';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Bytes, CollabJoined } from '$lib/realtime/collab-events';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';

export type PeerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckResult<T> = { ok: true; data: T } | { ok: false; code: string; error: string };

const bytes = (b: Bytes) => (b instanceof Uint8Array ? b : new Uint8Array(b));
const REMOTE = Symbol('remote');

export function syncMessage(type: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

function readSync(message: Uint8Array): { type: number; payload: Uint8Array } {
	const decoder = decoding.createDecoder(message);
	return { type: decoding.readVarUint(decoder), payload: decoding.readVarUint8Array(decoder) };
}

export class Peer {
	readonly doc = new Y.Doc();
	readonly socket: PeerSocket;
	readOnly = true;
	/** Byte size of the last sync step 2 the server sent in answer to our sync step 1. */
	lastStep2Bytes = 0;
	/** Acks of the updates we sent, in order. */
	readonly results: AckResult<unknown>[] = [];
	readonly errors: { doc: string; code: string; error: string }[] = [];
	#pending: Promise<unknown>[] = [];
	#live = false;

	constructor(
		url: string,
		cookie: string,
		readonly docName: string
	) {
		this.socket = io(url, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false });
		this.socket.on('collab.update', ({ doc, message }) => {
			if (doc !== this.docName) return;
			const { payload } = readSync(bytes(message));
			Y.applyUpdate(this.doc, payload, REMOTE);
		});
		this.socket.on('collab.error', (e) => this.errors.push(e));
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === REMOTE || !this.#live) return;
			this.#pending.push(this.send(syncMessage(syncProtocol.messageYjsUpdate, update)));
		});
	}

	async connected(): Promise<void> {
		if (this.socket.connected) return;
		await new Promise<void>((resolve, reject) => {
			this.socket.once('connect', () => resolve());
			this.socket.once('connect_error', reject);
		});
	}

	/** Join, answer the server's step 1 (upload what it misses), then ask for what we miss. */
	async join(): Promise<AckResult<CollabJoined>> {
		await this.connected();
		const res = (await this.socket.emitWithAck('collab.join', { doc: this.docName })) as AckResult<CollabJoined>;
		if (!res.ok) return res;
		this.readOnly = res.data.readOnly;
		if (!this.readOnly) {
			const serverVector = readSync(bytes(res.data.sync)).payload;
			await this.send(syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(this.doc, serverVector)));
		}
		await this.pull();
		this.#live = true;
		return res;
	}

	/** Sync step 1 with our state vector; applies the step 2 the server answers. */
	async pull(): Promise<void> {
		const res = (await this.socket.emitWithAck('collab.sync', {
			doc: this.docName,
			message: syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(this.doc))
		})) as AckResult<{ reply: Bytes | null }>;
		if (!res.ok || !res.data.reply) throw new Error(`pull failed: ${JSON.stringify(res)}`);
		const { payload } = readSync(bytes(res.data.reply));
		this.lastStep2Bytes = payload.byteLength;
		Y.applyUpdate(this.doc, payload, REMOTE);
	}

	async send(message: Uint8Array): Promise<AckResult<unknown>> {
		const res = (await this.socket.emitWithAck('collab.sync', { doc: this.docName, message })) as AckResult<unknown>;
		this.results.push(res);
		return res;
	}

	/** Waits for the acks of everything typed so far. */
	async flush(): Promise<void> {
		while (this.#pending.length > 0) {
			const batch = this.#pending;
			this.#pending = [];
			await Promise.all(batch);
		}
	}

	pause() {
		this.#live = false;
		this.socket.disconnect();
	}

	async resume(): Promise<void> {
		this.socket.connect();
		await this.join();
	}

	close() {
		// Updates still waiting for their ack are abandoned with the tab: their acks never come.
		for (const p of this.#pending) p.catch(() => undefined);
		this.socket.disconnect();
		this.doc.destroy();
	}

	/** The paragraph text the Tiptap editor would show, one line per paragraph. */
	text(field = 'description'): string {
		return this.doc
			.getXmlFragment(field)
			.toArray()
			.map((p) => (p instanceof Y.XmlElement ? p.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : ''))
			.join('\n');
	}

	/** The XmlText of the first paragraph, creating the paragraph if needed (as typing would). */
	firstLine(field = 'description'): Y.XmlText {
		const fragment = this.doc.getXmlFragment(field);
		let p = fragment.get(0);
		if (!(p instanceof Y.XmlElement)) {
			p = new Y.XmlElement('paragraph');
			fragment.insert(0, [p]);
			(p as Y.XmlElement).insert(0, [new Y.XmlText('')]);
		}
		return (p as Y.XmlElement).get(0) as Y.XmlText;
	}
}

/** Polls until `check` holds (events travel on other connections); fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > ms) throw new Error('condition not reached');
		await new Promise((r) => setTimeout(r, 10));
	}
}
