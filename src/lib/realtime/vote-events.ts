/**
 * Socket events of consultations, merged into `ServerToClientEvents` in events.ts. `vote.tally` is
 * sent after every accepted vote, batch, opening and closing to the consultation's own room
 * (`roomForVote`), which the consultation's pages join (`vote.join`): not to everyone of the space,
 * who would each get every tally of every vote whatever page they have open. The result is only
 * included when the consultation shows results live (or once it is closed); turnout always is.
 * Voting itself goes through form actions.
 */
import type { CountResult } from '$lib/domain/voting/types';
import type { Ack } from './common';

export type ConsultationStatus = 'draft' | 'open' | 'closed';

export interface TurnoutGroup {
	id: string;
	name: string;
	/** People, households or members who may vote in this group. */
	electorate: number;
	participants: number;
	share: number;
	/** Per-college quorum only; null when not applicable. */
	quorumMet: boolean | null;
}

export interface BatchSummary {
	id: string;
	kind: 'show-of-hands' | 'paper';
	size: number;
	note: string;
	recordedBy: string;
	at: string;
}

export interface Turnout {
	unit: 'person' | 'household' | 'member';
	electorate: number;
	/** Online, proxy and assisted votes (one per person or household). */
	participants: number;
	share: number;
	byBuilding: TurnoutGroup[];
	byCollege: TurnoutGroup[];
	/** Residence consultations: households that took part, whatever the counting unit. */
	households: { total: number; represented: number; share: number } | null;
	/** The result rests on under 10 % of households. */
	narrow: boolean;
	batches: BatchSummary[];
	/** Ballots from shows of hands and paper counts, beside `participants`. */
	batchBallots: number;
	quorum: { share: number | null; perCollege: boolean; met: boolean | null };
}

export interface ConsultationLive {
	consultationId: string;
	spaceKey: string;
	status: ConsultationStatus;
	turnout: Turnout;
	result: CountResult | null;
	at: string;
}

/** After a consultation's close committed, its decision written: what the decision register follows. */
export interface ConsultationClosed {
	consultationId: string;
	spaceKey: string;
	decisionId: string;
	closedAt: string;
	/** It had been reopened before this close (its decision row was rewritten). */
	reopened: boolean;
}

/** A closed consultation reopened (within a day, with a reason): its decision stands withdrawn until it closes again. */
export interface ConsultationReopened {
	consultationId: string;
	spaceKey: string;
	decisionId: string | null;
	reason: string;
	at: string;
}

export interface VoteServerToClientEvents {
	'vote.tally': (payload: ConsultationLive) => void;
	'consultation.closed': (payload: ConsultationClosed) => void;
	'consultation.reopened': (payload: ConsultationReopened) => void;
}

/**
 * A consultation's page joins its room (`vote.join`; its zod schema is the server's, vote-room.ts). The
 * space is the consultation's own (the page has it): the room is named after it and the server checks
 * that the person may view that space. A room named after a space that is not the consultation's hears
 * nothing, since tallies go to the real one.
 */
export interface VoteJoin {
	consultationId: string;
	spaceType: string;
	spaceId: string;
}

export const VOTE_ROOM_PREFIX = 'vote:';
export const roomForVote = (spaceType: string, spaceId: string, consultationId: string) => `${VOTE_ROOM_PREFIX}${spaceType}:${spaceId}:${consultationId}`;

export interface VoteClientToServerEvents {
	'vote.join': (payload: unknown, ack: Ack<null>) => void;
	'vote.leave': (payload: unknown, ack?: Ack<null>) => void;
}
