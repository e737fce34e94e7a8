/**
 * Socket events of collaborative documents (Yjs over socket.io), merged into the event maps of
 * events.ts. Binary fields arrive as Buffer on Node and as ArrayBuffer in browsers, hence `Bytes`.
 *
 * Flow: `collab.join` (authorised; answers read-only or not, the server's sync step 1 and current
 * awareness) → the client sends its sync step 1 through `collab.sync` and gets sync step 2 (only
 * what it misses) as the ack → live `collab.sync` updates both ways and `collab.awareness` relays.
 * `collab.sync` messages are y-protocols sync messages (step 1, step 2 or update).
 */
import type { Ack } from './common';

export type Bytes = Uint8Array | ArrayBuffer;

export interface CollabJoined {
	readOnly: boolean;
	/** y-protocols sync step 1 of the server: the client answers with step 2 if it can write. */
	sync: Bytes;
	/** Awareness states of the others already in the document, or null if none. */
	awareness: Bytes | null;
}

export interface CollabSynced {
	/** The answer to a sync step 1 (a sync step 2), or null for updates. */
	reply: Bytes | null;
}

export interface CollabServerToClientEvents {
	'collab.update': (payload: { doc: string; message: Bytes }) => void;
	'collab.awareness': (payload: { doc: string; update: Bytes }) => void;
	/** Errors without an ack to carry them (e.g. an awareness update refused). */
	'collab.error': (payload: { doc: string; code: string; error: string }) => void;
}

export interface CollabClientToServerEvents {
	'collab.join': (payload: unknown, ack: Ack<CollabJoined>) => void;
	'collab.leave': (payload: unknown, ack?: Ack<null>) => void;
	'collab.sync': (payload: unknown, ack?: Ack<CollabSynced>) => void;
	/** Without an ack, a refusal comes back as `collab.error`. */
	'collab.awareness': (payload: unknown, ack?: Ack<null>) => void;
}

/** Names of collaborative documents. Kept here so pages, the editor and the server agree. */
export const collabDocPattern = /^(proposal:[A-Za-z0-9_-]{1,64}:description|residence:[A-Za-z0-9_-]{1,64}:pins|minutes:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64})$/;
/** One section ("general" or an agenda item's id) of a meeting's live minutes; text in DESCRIPTION_FIELD. */
export const minutesDocName = (meetingId: string, section: string) => `minutes:${meetingId}:${section}`;
export const descriptionDocName = (proposalId: string) => `proposal:${proposalId}:description`;
export const pinsDocName = (residenceId: string) => `residence:${residenceId}:pins`;
/** The Y.XmlFragment that holds a description (the Tiptap collaboration field). */
export const DESCRIPTION_FIELD = 'description';
/** The Y.Map of pins: proposalId → { x, y } in 0..1 of the site plan's width and height. */
export const PINS_FIELD = 'pins';

export const collabRoom = (doc: string) => `collab:${doc}`;
