/**
 * Typed socket.io events shared by the server and the browser. Names are namespaced by capability.
 * Every client→server payload is parsed with a zod schema on the server before use.
 */
import type { BoardClientToServerEvents, BoardServerToClientEvents } from './board-events';
import type { CollabClientToServerEvents, CollabServerToClientEvents } from './collab-events';
import type { MeetingClientToServerEvents, MeetingServerToClientEvents } from './meeting-events';
import type { VoteClientToServerEvents, VoteServerToClientEvents } from './vote-events';
import type { MinutesServerToClientEvents } from './minutes-events';

import type { Ack, OnlineList, PresenceSnapshot } from './common';
export type { Ack, AckError, AckResponse, OnlineList, OnlineMember, PresenceSnapshot } from './common';

export interface ServerToClientEvents
	extends BoardServerToClientEvents,
		CollabServerToClientEvents,
		VoteServerToClientEvents,
		MeetingServerToClientEvents,
		MinutesServerToClientEvents {
	'presence.changed': (payload: { key: string } & OnlineList) => void;
}

export interface ClientToServerEvents extends BoardClientToServerEvents, CollabClientToServerEvents, MeetingClientToServerEvents, VoteClientToServerEvents {
	'presence.snapshot': (payload: unknown, ack: Ack<PresenceSnapshot>) => void;
}

export const roomForSpace = (type: string, id: string) => `space:${type}:${id}`;
export const roomForUser = (id: string) => `user:${id}`;
