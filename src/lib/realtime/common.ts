/**
 * Shapes every capability's socket events share. Kept apart from events.ts, which assembles the
 * capabilities' event maps, so that those files need not import the assembly (no import cycle).
 */
export interface OnlineMember {
	/** null when the member chose discretion: no id, which the member list would turn back into a name. */
	userId: string | null;
	/** null when the member chose discretion: shown as "a neighbour". */
	displayName: string | null;
}

/**
 * Who is in a room: everyone counted, the first PRESENCE_LISTED of them listed (in the order they
 * came). A room of a thousand phones does not send a thousand names to each of them at every
 * arrival, nor read them all out in one sentence. Whoever reads it is counted in it.
 */
export interface OnlineList {
	online: OnlineMember[];
	count: number;
}

/** At most this many members are listed in a presence list; the others are counted. */
export const PRESENCE_LISTED = 8;

export interface PresenceSnapshot {
	spaces: ({ key: string } & OnlineList)[];
}

/** The one error shape of every acknowledgement: a message key and its text in the user's language. */
export interface AckError {
	ok: false;
	code: string;
	error: string;
}
export type AckResponse<T> = { ok: true; data: T } | AckError;
export type Ack<T> = (response: AckResponse<T>) => void;
