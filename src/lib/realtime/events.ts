/**
 * Typed socket.io events shared by the server and the browser. Names are namespaced by capability.
 * Every client→server payload is parsed with a zod schema on the server before use.
 */
import type { BoardClientToServerEvents, BoardServerToClientEvents } from './board-events';
import type { CollabClientToServerEvents, CollabServerToClientEvents } from './collab-events';
import type { MeetingClientToServerEvents, MeetingServerToClientEvents } from './meeting-events';
import type { VoteServerToClientEvents } from './vote-events';

export interface OnlineMember {
	/** null when the member chose discretion: no id, which the member list would turn back into a name. */
	userId: string | null;
	/** null when the member chose discretion: shown as "a neighbour". */
	displayName: string | null;
}

export interface PresenceSnapshot {
	spaces: { key: string; online: OnlineMember[] }[];
}

/** The one error shape of every acknowledgement: a message key and its text in the user's language. */
export interface AckError {
	ok: false;
	code: string;
	error: string;
}
export type AckResponse<T> = { ok: true; data: T } | AckError;
export type Ack<T> = (response: AckResponse<T>) => void;

export interface ServerToClientEvents
	extends BoardServerToClientEvents,
		CollabServerToClientEvents,
		VoteServerToClientEvents,
		MeetingServerToClientEvents {
	'presence.changed': (payload: { key: string; online: OnlineMember[] }) => void;
}

export interface ClientToServerEvents extends BoardClientToServerEvents, CollabClientToServerEvents, MeetingClientToServerEvents {
	'presence.snapshot': (payload: unknown, ack: Ack<PresenceSnapshot>) => void;
}

export const roomForSpace = (type: string, id: string) => `space:${type}:${id}`;
export const roomForUser = (id: string) => `user:${id}`;
