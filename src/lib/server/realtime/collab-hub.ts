/**
 * The Yjs document hub of the realtime layer: keeps each collaborative document in memory while
 * someone has it open, syncs it with y-protocols messages over socket.io and relays awareness
 * (cursors, names). What is stored and who may do what is the collab service's (collab/service.ts):
 * the hub loads documents through it, has every accepted update written by it before anyone is
 * told about it, and applies the changes the service made itself (`collab.changed` on the bus).
 *
 * Storage is asynchronous (the data handle, issue 12), so each live document keeps a chain of
 * "store, then tell": an accepted update is applied to the in-memory document at once (the next
 * update's guard must see it), then written, awaited, and only then acknowledged, relayed to other
 * nodes and broadcast, in the order the updates were applied. A document is loaded once however
 * many clients open it at the same moment: they all wait on the same load.
 *
 * Authorisation happens at join and again on every update, with the user as they are now: an update
 * the service's guard refuses is never applied, never persisted. Names shown beside cursors come
 * from the session, not from the client.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { collabRoom, type Bytes, type CollabJoined } from '$lib/realtime/collab-events';
import type { Ack } from '$lib/realtime/events';
import { translator, type MessageKey } from '$lib/i18n';
import type { SessionUser } from '../auth/session';
import type { CollabService } from '../collab/service';
import { documentFromUpdates } from '../collab/store';
import { log } from '../log';
import { replyTo } from './ack';
import type { EventBus } from './bus';
import type { IoServer, IoSocket } from './io';
import type { RoomGuards } from './rooms';
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
	parsePayload,
	syncPayload
} from './collab-codec';

export interface CollabLimits {
	/** Awareness client ids one socket may speak for (one per open tab's editor, with slack). */
	awarenessClientsPerSocket: number;
}

export const defaultLimits: CollabLimits = { awarenessClientsPerSocket: 8 };

/** What the hub needs of the collab service: access, the update guard and the log. */
export type CollabStore = Pick<CollabService, 'access' | 'checkUpdate' | 'open' | 'persist' | 'closed'>;

/** Origin of updates the service already stored: applied and broadcast, not written again. */
const STORED = Symbol('stored');
/** Origin of cursors relayed from another node: shown to this node's sockets, not relayed back. */
const RELAYED = Symbol('relayed');

/** Caret colours, all dark enough for white name labels (≥ 4.5:1). Names are always shown too. */
const caretColours = ['#1d4e89', '#8a3b12', '#1e6b34', '#6b2d8a', '#a4161a', '#005f73', '#6b4a00', '#3d3d9e'];
export function colourFor(userId: string): string {
	let h = 0;
	for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
	return caretColours[h % caretColours.length]!;
}

interface LoadedDoc {
	name: string;
	doc: Y.Doc;
	awareness: awarenessProtocol.Awareness;
	/** Socket id → awareness client ids that socket speaks for. */
	sockets: Map<string, Set<number>>;
	/** Awareness client ids spoken for by sockets of other nodes (relayed): no socket here may claim them. */
	remote: Set<number>;
	/** The last link of the "store, then tell" chain: the next update's turn comes after it. */
	tail: Promise<void>;
	/** The link made by the update being applied right now (set by the document's update listener). */
	applied: Promise<void> | null;
	/** Unloaded (its last client left, or evicted): links still store what was accepted, but tell this copy's room nothing. */
	gone: boolean;
	/** An update could not be written: the links after it (built on it) are not stored either; their senders rejoin. */
	failed: boolean;
}

export interface CollabHub {
	/** Serves documents on a socket.io server; `guards` learns who may stay in a document's room. */
	attach(io: IoServer, guards?: RoomGuards): void;
	configure(options: { limits?: Partial<CollabLimits> }): void;
	/** How many documents are in memory (they leave when their last client does). */
	loadedDocuments(): number;
	/** The in-memory state of a loaded document, or null: for tests and diagnostics. */
	documentState(name: string): Uint8Array | null;
	/** Stops listening to the bus. */
	close(): void;
}

const COLLAB_PREFIX = collabRoom('');

class NotJoined extends Error {}
class ReadOnly extends Error {}
/** The update could not be written: the document was dropped and clients must rejoin. */
class Unstored extends Error {}

export interface CollabHubDeps {
	collab: CollabStore;
	bus: EventBus;
	limits?: Partial<CollabLimits>;
}

export function createCollabHub(deps: CollabHubDeps): CollabHub {
	const { collab } = deps;
	const access = (user: SessionUser, name: string) => collab.access(user, name);
	let limits: CollabLimits = { ...defaultLimits, ...deps.limits };
	let io: IoServer | null = null;
	const docs = new Map<string, LoadedDoc>();
	/** Socket id → names of the documents it joined. */
	const joinedBy = new Map<string, Set<string>>();

	/** Documents being loaded: every join of the moment waits on the one load; stored changes heard meanwhile wait in `early`. */
	const loading = new Map<string, { promise: Promise<LoadedDoc>; early: Uint8Array[] }>();

	/** The live document, loaded once: concurrent callers share the same promise. */
	function load(name: string): Promise<LoadedDoc> {
		const existing = docs.get(name);
		if (existing) return Promise.resolve(existing);
		const pending = loading.get(name);
		if (pending) return pending.promise;
		const early: Uint8Array[] = [];
		const promise = collab
			.open(name)
			.then((updates) => {
				// Changes stored (here or by another node) while the log was being read are applied too:
				// a Yjs update applied twice changes nothing.
				const entry = create(name, [...updates, ...early]);
				docs.set(name, entry);
				return entry;
			})
			.finally(() => {
				if (loading.get(name)?.promise === promise) loading.delete(name);
			});
		loading.set(name, { promise, early });
		return promise;
	}

	function create(name: string, updates: Uint8Array[]): LoadedDoc {
		const doc = documentFromUpdates(updates);
		const awareness = new awarenessProtocol.Awareness(doc);
		awareness.setLocalState(null); // the server has no cursor of its own
		const entry: LoadedDoc = { name, doc, awareness, sockets: new Map(), remote: new Set(), tail: Promise.resolve(), applied: null, gone: false, failed: false };

		// Persist first, then fan out: an update nobody could reload is never shown to anyone. Each node
		// serves its own sockets from its own copy (`io.local`): an update a socket of this node sent is
		// stored here, once, and relayed to the other nodes, which apply it as already stored. Links run
		// one after the other, so the log and every client get the updates in the order applied here.
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			const live = origin !== STORED;
			const from = typeof origin === 'string' && entry.sockets.has(origin) ? origin : null;
			const link = entry.tail.then(async () => {
				if (live) {
					if (entry.failed) throw new Unstored();
					try {
						await collab.persist(name, update);
					} catch (err) {
						// Later links built on this update: the document is dropped and reloaded from the log.
						entry.failed = true;
						log.error('collab update not stored', { doc: name, err: String(err) });
						throw new Unstored();
					}
					deps.bus.relay('collab.changed', { doc: name, update });
					// Accepted just before its last client left (a tab closed while typing): stored all the
					// same, and handed to the copy loaded since, if any, as other nodes get it.
					if (entry.gone) return forward(name, update);
				}
				if (entry.gone || !io) return;
				const room = collabRoom(name);
				const message = encodeUpdateMessage(update);
				(from ? io.local.to(room).except(from) : io.local.to(room)).emit('collab.update', { doc: name, message });
			});
			entry.tail = link.catch(() => undefined);
			if (live) entry.applied = link;
		});
		awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
			const changed = [...added, ...updated, ...removed];
			for (const id of removed) entry.remote.delete(id);
			if (!io || changed.length === 0) return;
			const update = awarenessProtocol.encodeAwarenessUpdate(awareness, changed);
			const room = collabRoom(name);
			const from = typeof origin === 'string' ? origin : null;
			// A socket of this node spoke (or left): the other nodes' copies hear it too.
			if (from) deps.bus.relay('collab.awareness', { doc: name, update });
			(from ? io.local.to(room).except(from) : io.local.to(room)).emit('collab.awareness', { doc: name, update });
		});
		docs.set(name, entry);
		return entry;
	}

	/** A stored update reaches this node's live copy of the document, or the one being loaded. */
	function forward(name: string, update: Uint8Array) {
		const entry = docs.get(name);
		if (!entry) {
			loading.get(name)?.early.push(update);
			return;
		}
		try {
			Y.applyUpdate(entry.doc, update, STORED);
		} catch (err) {
			log.error('collab stored change not applied', { doc: name, err: String(err) });
		}
	}

	// Changes the service stored itself (a pin placed through a form, a seeded text) reach open documents.
	// So do the updates other nodes' sockets sent (stored there) and their editors' cursors.
	const offChanged = deps.bus.onSignal('collab.changed', ({ doc, update }) => forward(doc, update));
	const offAwareness = deps.bus.onSignal('collab.awareness', ({ doc, update }) => {
		const entry = docs.get(doc);
		if (!entry) return;
		try {
			for (const e of decodeAwarenessUpdate(update)) {
				if (e.state) entry.remote.add(e.clientId);
				else entry.remote.delete(e.clientId);
			}
			awarenessProtocol.applyAwarenessUpdate(entry.awareness, update, RELAYED);
		} catch (err) {
			log.error('collab relayed awareness not applied', { doc, err: String(err) });
		}
	});

	function unload(entry: LoadedDoc) {
		entry.gone = true;
		if (docs.get(entry.name) !== entry) return;
		docs.delete(entry.name);
		collab.closed(entry.name);
		entry.awareness.destroy();
		entry.doc.destroy();
	}

	/** A document whose update could not be written is dropped and reloaded from the log. */
	function evict(entry: LoadedDoc, locale: SessionUser['locale']) {
		if (docs.get(entry.name) !== entry) return;
		unload(entry);
		if (!io) return;
		const room = collabRoom(entry.name);
		io.local.to(room).emit('collab.error', { doc: entry.name, code: 'collab.error.reload', error: translator(locale ?? 'fr')('collab.error.reload') });
		io.local.in(room).socketsLeave(room);
	}

	function leave(name: string, socketId: string) {
		joinedBy.get(socketId)?.delete(name);
		const entry = docs.get(name);
		if (!entry) return;
		const clients = entry.sockets.get(socketId);
		if (!clients) return;
		entry.sockets.delete(socketId);
		const gone = [...clients].filter((id) => entry.awareness.getStates().has(id));
		if (gone.length > 0) awarenessProtocol.removeAwarenessStates(entry.awareness, gone, socketId);
		if (entry.sockets.size === 0) unload(entry);
	}

	function joinedEntry(name: string, socketId: string): LoadedDoc {
		const entry = docs.get(name);
		if (!entry || !entry.sockets.has(socketId)) throw new NotJoined();
		return entry;
	}

	function connect(socket: IoSocket) {
		const joined = new Set<string>();
		joinedBy.set(socket.id, joined);
		// The user as of this event: a role removed meanwhile counts at once (see realtime/live-auth.ts).
		const t = (code: MessageKey) => translator(socket.data.user?.locale ?? 'fr')(code);

		const failure = (err: unknown): { code: MessageKey; error: string } => {
			let code: MessageKey = 'error.unexpected';
			if (err instanceof CollabMessageError) code = err.code;
			else if (err instanceof NotJoined) code = 'collab.error.notJoined';
			else log.error('collab handler failed', { err: String(err) });
			return { code, error: t(code) };
		};
		const refuse = (code: MessageKey) => ({ code, error: t(code) });

		socket.on('collab.join', (payload, ack) => {
			if (typeof ack !== 'function') return;
			const run = async (): Promise<Parameters<Ack<CollabJoined>>[0]> => {
				const user = socket.data.user;
				if (!user) return { ok: false, ...refuse('collab.error.forbidden') };
				const { doc: name } = parsePayload(joinPayload, payload);
				const level = await access(user, name);
				if (level === 'none') return { ok: false, ...refuse('collab.error.forbidden') };
				if (!socket.connected) return { ok: false, ...refuse('collab.error.notJoined') };
				let entry = await load(name);
				// Its last client left while this one waited: it was unloaded, load it again.
				while (docs.get(name) !== entry) entry = await load(name);
				if (!socket.connected) {
					if (entry.sockets.size === 0) unload(entry);
					return { ok: false, ...refuse('collab.error.notJoined') };
				}
				if (!entry.sockets.has(socket.id)) entry.sockets.set(socket.id, new Set());
				joined.add(name);
				await socket.join(collabRoom(name));
				const others = [...entry.awareness.getStates().keys()];
				return {
					ok: true,
					data: {
						readOnly: level !== 'write',
						sync: encodeSyncStep1(entry.doc),
						awareness: others.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(entry.awareness, others) : null
					}
				};
			};
			run()
				.then(ack)
				.catch((err: unknown) => ack({ ok: false, ...failure(err) }));
		});

		socket.on('collab.leave', (payload, ack) => {
			const reply = replyTo(ack);
			const parsed = joinPayload.safeParse(payload);
			if (!parsed.success) return reply({ ok: false, ...refuse('collab.error.invalid') });
			leave(parsed.data.doc, socket.id);
			void socket.leave(collabRoom(parsed.data.doc));
			reply({ ok: true, data: null });
		});

		// One socket's updates are checked and applied in the order sent: the next one builds on the
		// previous, and the update guard must see the document the previous one produced.
		let pending: Promise<unknown> = Promise.resolve();
		const inOrder = <T,>(job: () => Promise<T>): Promise<T> => {
			const next = pending.then(job);
			pending = next.catch(() => undefined);
			return next;
		};

		socket.on('collab.sync', (payload, ack) => {
			let docName = '';
			const run = async (): Promise<{ reply: Bytes | null }> => {
				const { doc: name, message } = parsePayload(syncPayload, payload);
				docName = name;
				const msg = decodeSyncMessage(message);
				const entry = joinedEntry(name, socket.id);
				if (msg.type === 'step1') {
					// What is still being written is not sent: wait for the updates applied so far to be stored.
					await entry.tail;
					return { reply: encodeSyncStep2(joinedEntry(name, socket.id).doc, msg.stateVector) };
				}
				// Checked again on every update, with the user as they are now: a role can be withdrawn
				// while the editor is open.
				const user = socket.data.user;
				const level = user ? await access(user, name) : 'none';
				if (!user || level === 'none' || !socket.connected) throw new ReadOnly();
				const verdict = await collab.checkUpdate(user, name, level, joinedEntry(name, socket.id).doc, msg.update);
				if (verdict === 'readOnly') throw new ReadOnly();
				if (verdict === 'invalid') throw new CollabMessageError('collab.error.invalid');
				if (!socket.connected) throw new ReadOnly();
				const current = joinedEntry(name, socket.id);
				current.applied = null;
				try {
					Y.applyUpdate(current.doc, msg.update, socket.id);
				} catch (err) {
					log.error('collab update not applied', { doc: name, err: String(err) });
					evict(current, user?.locale ?? null);
					throw new Unstored();
				}
				const stored = current.applied as Promise<void> | null;
				current.applied = null;
				// Acknowledged once written (an update that changed nothing has nothing to write).
				if (stored) {
					try {
						await stored;
					} catch {
						evict(current, user?.locale ?? null);
						throw new Unstored();
					}
				}
				return { reply: null };
			};
			inOrder(run)
				.then((data) => {
					if (typeof ack === 'function') ack({ ok: true, data });
				})
				.catch((err: unknown) => {
					const res =
						err instanceof ReadOnly
							? refuse('collab.error.readOnly')
							: err instanceof Unstored
								? refuse('collab.error.reload')
								: failure(err);
					if (typeof ack === 'function') ack({ ok: false, ...res });
					else socket.emit('collab.error', { doc: docName, ...res });
				});
		});

		socket.on('collab.awareness', (payload, ack) => {
			const reply = replyTo(ack);
			const user = socket.data.user;
			let docName = '';
			try {
				const { doc: name, update } = parsePayload(awarenessPayload, payload);
				docName = name;
				const entry = joinedEntry(name, socket.id);
				const mine = entry.sockets.get(socket.id)!;
				const entries = decodeAwarenessUpdate(update);
				for (const e of entries) {
					const owner = [...entry.sockets].find(([id, set]) => id !== socket.id && set.has(e.clientId));
					if (owner || entry.remote.has(e.clientId) || e.clientId === entry.doc.clientID) throw new CollabMessageError('collab.error.invalid');
					if (!mine.has(e.clientId) && mine.size >= limits.awarenessClientsPerSocket) throw new CollabMessageError('collab.error.invalid');
					mine.add(e.clientId);
					// Whatever name the client claims, others see the account's; a discreet member shows
					// neither name nor id (an id leads back to the name through the member list).
					if (e.state && user)
						e.state.user = user.discreet
							? { id: null, name: null, color: colourFor(socket.id) }
							: { id: user.id, name: user.displayName, color: colourFor(user.id) };
				}
				awarenessProtocol.applyAwarenessUpdate(entry.awareness, encodeAwarenessUpdate(entries), socket.id);
				reply({ ok: true, data: null });
			} catch (err) {
				const res = failure(err);
				if (typeof ack === 'function') reply({ ok: false, ...res });
				else socket.emit('collab.error', { doc: docName, ...res });
			}
		});

		socket.on('disconnect', () => {
			for (const name of [...joined]) leave(name, socket.id);
			joinedBy.delete(socket.id);
		});
	}

	return {
		attach(server, guards) {
			io = server;
			server.on('connection', connect);
			guards?.register({
				owns: (room) => room.startsWith(COLLAB_PREFIX),
				allows: async (user, room) => !!user && (await access(user, room.slice(COLLAB_PREFIX.length))) !== 'none',
				left: (socket, room) => leave(room.slice(COLLAB_PREFIX.length), socket.id)
			});
		},
		configure(options) {
			if (options.limits) limits = { ...limits, ...options.limits };
		},
		loadedDocuments: () => docs.size,
		documentState(name) {
			const entry = docs.get(name);
			return entry ? Y.encodeStateAsUpdate(entry.doc) : null;
		},
		close() {
			offChanged();
			offAwareness();
		}
	};
}
