/**
 * Socket events of the minutes cycle and the decision register, merged into events.ts. Sent to the
 * body's (or residence's) room after a change has committed; screens reload their data on it.
 */
export interface MinutesChanged {
	meetingId: string;
	bodyId: string;
}

export interface DecisionChanged {
	decisionId: string;
	spaceKey: string;
}

export interface MinutesServerToClientEvents {
	'minutes.changed': (payload: MinutesChanged) => void;
	'decision.changed': (payload: DecisionChanged) => void;
}
