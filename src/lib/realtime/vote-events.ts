/**
 * Socket events of consultations, merged into `ServerToClientEvents` in events.ts. Sent to the
 * space's room after every accepted vote, batch, opening and closing. The result is only included
 * when the consultation shows results live (or once it is closed); turnout always is.
 * There is no client→server event: voting goes through form actions.
 */
import type { CountResult } from '$lib/domain/voting/types';

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
