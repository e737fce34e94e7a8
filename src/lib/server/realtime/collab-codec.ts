/**
 * Wire format of collaborative documents: zod schemas for socket payloads and the y-protocols
 * sync/awareness messages they carry. Decoding never trusts the client: malformed bytes become a
 * `CollabMessageError`, never an exception deep inside Yjs.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { z } from 'zod';
import { collabDocPattern } from '$lib/realtime/collab-events';
import { parse, ValidationError } from '../services/validate';

/** Above this a single Yjs message is refused: a description is text, not a file store. */
export const MAX_UPDATE_BYTES = 256 * 1024;
/** Awareness carries a cursor and a name: a few hundred bytes per person. */
export const MAX_AWARENESS_BYTES = 16 * 1024;

export class CollabMessageError extends Error {
	constructor(readonly code: 'collab.error.invalid' | 'collab.error.tooLarge') {
		super(code);
	}
}

/** Buffer (Node), Uint8Array or ArrayBuffer (browsers) → a plain Uint8Array view. */
export function toBytes(value: Uint8Array | ArrayBuffer): Uint8Array {
	return value instanceof Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
}

const bytes = (max: number) =>
	z
		.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)], { message: 'collab.error.invalid' })
		.transform(toBytes)
		.refine((b) => b.byteLength > 0, { message: 'collab.error.invalid' })
		.refine((b) => b.byteLength <= max, { message: 'collab.error.tooLarge' });

export const docNameSchema = z.string({ message: 'collab.error.invalid' }).regex(collabDocPattern, { message: 'collab.error.invalid' });
export const joinPayload = z.object({ doc: docNameSchema });
export const syncPayload = z.object({ doc: docNameSchema, message: bytes(MAX_UPDATE_BYTES) });
export const awarenessPayload = z.object({ doc: docNameSchema, update: bytes(MAX_AWARENESS_BYTES) });

/** Parses a payload; the first issue's message is the error code (size beats shape). */
export function parsePayload<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
	try {
		return parse(schema, input);
	} catch (err) {
		const tooLarge = err instanceof ValidationError && Object.values(err.fields).includes('collab.error.tooLarge');
		throw new CollabMessageError(tooLarge ? 'collab.error.tooLarge' : 'collab.error.invalid');
	}
}

export type SyncMessage = { type: 'step1'; stateVector: Uint8Array } | { type: 'step2' | 'update'; update: Uint8Array };

/** Reads one y-protocols sync message and checks that what it carries decodes. */
export function decodeSyncMessage(message: Uint8Array): SyncMessage {
	try {
		const decoder = decoding.createDecoder(message);
		const type = decoding.readVarUint(decoder);
		const payload = decoding.readVarUint8Array(decoder);
		if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
		if (type === syncProtocol.messageYjsSyncStep1) {
			Y.decodeStateVector(payload);
			return { type: 'step1', stateVector: payload };
		}
		if (type === syncProtocol.messageYjsSyncStep2 || type === syncProtocol.messageYjsUpdate) {
			Y.decodeUpdate(payload);
			return { type: type === syncProtocol.messageYjsSyncStep2 ? 'step2' : 'update', update: payload };
		}
	} catch {
		// fall through: any decoding failure is the client's mistake
	}
	throw new CollabMessageError('collab.error.invalid');
}

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (doc: Y.Doc) => syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(doc));
/** Only what a peer with `stateVector` misses: the point of resyncing after a reconnect. */
export const encodeSyncStep2 = (doc: Y.Doc, stateVector?: Uint8Array) =>
	syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(doc, stateVector));
export const encodeUpdateMessage = (update: Uint8Array) => syncMessage(syncProtocol.messageYjsUpdate, update);

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** null removes the client's state (it left). */
	state: Record<string, unknown> | null;
}

/** The awareness update format of y-protocols: count, then (clientID, clock, JSON state) each. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
	try {
		const decoder = decoding.createDecoder(update);
		const count = decoding.readVarUint(decoder);
		if (count > 64) throw new Error('too many states');
		const entries: AwarenessEntry[] = [];
		for (let i = 0; i < count; i++) {
			const clientId = decoding.readVarUint(decoder);
			const clock = decoding.readVarUint(decoder);
			const state: unknown = JSON.parse(decoding.readVarString(decoder));
			if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('bad state');
			entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
		}
		if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
		return entries;
	} catch {
		throw new CollabMessageError('collab.error.invalid');
	}
}

export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const e of entries) {
		encoding.writeVarUint(encoder, e.clientId);
		encoding.writeVarUint(encoder, e.clock);
		encoding.writeVarString(encoder, JSON.stringify(e.state));
	}
	return encoding.toUint8Array(encoder);
}
