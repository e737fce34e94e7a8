import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Bytes } from '$lib/realtime/collab-events';
import { acquireSocket, releaseSocket, type ClientSocket } from '../socket';
import { OFFLINE_PREFIX } from './offline-copies';

export type CollabStatus = 'connecting' | 'live' | 'offline';

export interface CollabPeer {
	clientId: number;
	/** null when the person chose discretion: shown as "a neighbour". */
	name: string | null;
	color: string;
}

const bytes = (b: Bytes) => (b instanceof Uint8Array ? b : new Uint8Array(b));

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

function syncPayload(message: Bytes): Uint8Array {
	const decoder = decoding.createDecoder(bytes(message));
	decoding.readVarUint(decoder);
	return decoding.readVarUint8Array(decoder);
}

/**
 * One collaborative document in the browser: a Y.Doc kept in IndexedDB (so edits made offline
 * survive a closed tab) and synced with the server hub over the shared socket. After every
 * (re)connection it sends its state vector and receives only what it misses; the server's state
 * vector tells it what to upload. Create it in a component and `destroy()` it in the `$effect`
 * cleanup.
 */
export class CollabProvider {
	status = $state<CollabStatus>('connecting');
	/** Until the server says otherwise, the page's guess (it knows the reader's rights). */
	readOnly = $state(true);
	/** True once content from this device or the server is in the document. */
	synced = $state(false);
	peers = $state<CollabPeer[]>([]);
	/** The last refusal, already in the reader's language. */
	error = $state<string | null>(null);
	readonly doc = new Y.Doc();
	readonly awareness: Awareness;
	#socket: ClientSocket;
	#persistence: IndexeddbPersistence | null = null;
	#joined = false;
	#attempt = 0;
	#destroyed = false;

	constructor(
		readonly docName: string,
		options: { editable?: boolean; offline?: boolean } = {}
	) {
		this.readOnly = !options.editable;
		this.awareness = new Awareness(this.doc);
		if (options.offline !== false && typeof indexedDB !== 'undefined') {
			this.#persistence = new IndexeddbPersistence(`${OFFLINE_PREFIX}${docName}`, this.doc);
			void this.#persistence.whenSynced.then(() => {
				if (!this.#destroyed) this.synced = true;
			});
		}
		this.doc.on('update', this.#onDocUpdate);
		this.awareness.on('update', this.#onAwarenessUpdate);
		this.awareness.on('change', this.#onAwarenessChange);
		this.#socket = acquireSocket();
		this.#socket.on('connect', this.#join);
		this.#socket.on('disconnect', this.#onDisconnect);
		this.#socket.on('collab.update', this.#onRemoteUpdate);
		this.#socket.on('collab.awareness', this.#onRemoteAwareness);
		this.#socket.on('collab.error', this.#onError);
		if (this.#socket.connected) this.#join();
	}

	#join = () => {
		const attempt = ++this.#attempt;
		this.status = 'connecting';
		this.#socket.emit('collab.join', { doc: this.docName }, (res) => {
			if (this.#destroyed || attempt !== this.#attempt) return;
			if (!res.ok) {
				this.error = res.error;
				this.status = 'offline';
				return;
			}
			this.readOnly = res.data.readOnly;
			// From here on, local edits go out live; everything before is in the step 2 below.
			this.#joined = true;
			if (res.data.awareness) applyAwarenessUpdate(this.awareness, bytes(res.data.awareness), this);
			if (!this.readOnly) this.#send(syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(this.doc, syncPayload(res.data.sync))));
			this.#socket.emit('collab.sync', { doc: this.docName, message: syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(this.doc)) }, (sync) => {
				if (this.#destroyed || attempt !== this.#attempt) return;
				if (!sync.ok || !sync.data.reply) {
					if (!sync.ok) this.error = sync.error;
					return;
				}
				Y.applyUpdate(this.doc, syncPayload(sync.data.reply), this);
				this.synced = true;
				this.status = 'live';
				this.error = null;
				if (this.awareness.getLocalState()) this.#sendAwareness([this.doc.clientID]);
			});
		});
	};

	#send(message: Uint8Array) {
		this.#socket.emit('collab.sync', { doc: this.docName, message }, (res) => {
			if (this.#destroyed || res.ok) return;
			this.error = res.error;
			if (res.code === 'collab.error.readOnly') this.readOnly = true;
		});
	}

	#sendAwareness(clients: number[]) {
		this.#socket.emit('collab.awareness', { doc: this.docName, update: encodeAwarenessUpdate(this.awareness, clients) });
	}

	#onDocUpdate = (update: Uint8Array, origin: unknown) => {
		// Offline or not yet joined: the update waits in the document (and IndexedDB) for the next sync.
		if (origin === this || !this.#joined || this.readOnly || !this.#socket.connected) return;
		this.#send(syncMessage(syncProtocol.messageYjsUpdate, update));
	};

	#onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
		if (origin !== 'local' || !this.#joined || !this.#socket.connected) return;
		this.#sendAwareness([...added, ...updated, ...removed]);
	};

	#onAwarenessChange = () => {
		const peers: CollabPeer[] = [];
		for (const [clientId, state] of this.awareness.getStates()) {
			if (clientId === this.doc.clientID) continue;
			const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
			if (!user) continue;
			peers.push({
				clientId,
				name: typeof user.name === 'string' ? user.name : null,
				color: typeof user.color === 'string' ? user.color : '#4d4a44'
			});
		}
		this.peers = peers;
	};

	#onRemoteUpdate = (payload: { doc: string; message: Bytes }) => {
		if (payload.doc !== this.docName) return;
		Y.applyUpdate(this.doc, syncPayload(payload.message), this);
	};

	#onRemoteAwareness = (payload: { doc: string; update: Bytes }) => {
		if (payload.doc === this.docName) applyAwarenessUpdate(this.awareness, bytes(payload.update), this);
	};

	#onError = (payload: { doc: string; code: string; error: string }) => {
		if (payload.doc !== this.docName) return;
		this.error = payload.error;
		// The server dropped its copy after a failed write: join again to resync from its log.
		if (payload.code === 'collab.error.reload' && this.#socket.connected) this.#join();
	};

	#onDisconnect = () => {
		this.#joined = false;
		this.#attempt += 1;
		this.status = 'offline';
		const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
		if (others.length > 0) removeAwarenessStates(this.awareness, others, this);
	};

	destroy() {
		if (this.#destroyed) return;
		removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
		this.#destroyed = true;
		if (this.#socket.connected) this.#socket.emit('collab.leave', { doc: this.docName });
		this.#socket.off('connect', this.#join);
		this.#socket.off('disconnect', this.#onDisconnect);
		this.#socket.off('collab.update', this.#onRemoteUpdate);
		this.#socket.off('collab.awareness', this.#onRemoteAwareness);
		this.#socket.off('collab.error', this.#onError);
		this.awareness.destroy();
		void this.#persistence?.destroy();
		this.doc.destroy();
		releaseSocket();
	}
}
