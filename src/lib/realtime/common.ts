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
