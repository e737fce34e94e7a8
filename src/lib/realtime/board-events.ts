/**
 * Socket events of residence boards, merged into `ServerToClientEvents`/`ClientToServerEvents` in
 * events.ts. Payloads carry what every member of the room may see: nothing personal such as
 * "did I support this", which each client keeps for itself.
 */
import { z } from 'zod';
import type { Carrier, ProposalCategory, ProposalStatus } from '$lib/domain/lifecycle';
import type { Ack, OnlineList } from './common';

export interface BoardCard {
	id: string;
	spaceKey: string;
	/** Empty when hidden by moderation: the room must not receive hidden text. */
	title: string;
	category: ProposalCategory;
	status: ProposalStatus;
	position: number;
	costEuros: number | null;
	carriedBy: Carrier | null;
	declineReason: string | null;
	hasPhoto: boolean;
	authorId: string;
	authorName: string;
	supports: number;
	volunteers: number;
	comments: number;
	/** The author is staff (agency team, trainer, administrator): shown with the staff badge. */
	authorStaff: boolean;
	/** Taken off the board by its author: boards drop the card. */
	withdrawn: boolean;
	hidden: { reason: string } | null;
	createdAt: string;
	updatedAt: string;
}

/**
 * What a board page shows of a card, and merges the room's updates into: the page's load sends only
 * this (src/routes/r/[id]/board/+page.server.ts), since every field goes into the page's HTML once
 * more as its inline data (120 cards: about half of that data was fields the page never reads).
 */
export type ShownCard = Pick<BoardCard, 'id' | 'title' | 'category' | 'status' | 'position' | 'costEuros' | 'carriedBy' | 'declineReason' | 'authorName' | 'authorStaff' | 'supports' | 'volunteers' | 'comments' | 'hidden'> & {
	supportedByMe: boolean;
	/** The columns this reader may move the card to (the policy's answer, at load). */
	targets: ProposalStatus[];
};

export type BoardChange = 'created' | 'moved' | 'edited' | 'support' | 'volunteer' | 'comment' | 'hidden' | 'undone' | 'withdrawn';

export interface ProposalUpdate {
	card: BoardCard;
	change: BoardChange;
	actorId: string;
	/** History entry that can be undone right after a move or edit. */
	eventId?: number;
}

export interface NotificationPayload {
	id: string;
	kind: 'comment' | 'status' | 'hidden' | 'voteOpened' | 'voteClosing' | 'voteResults' | 'minutesSubmitted' | 'decisionReview' | 'assistedVote' | 'assistedAlert' | 'voteChanged' | 'accessReset' | 'meetingInvited' | 'meetingChanged' | 'meetingStarting' | 'meetingResults' | 'surveyInvited';
	proposalId: string | null;
	consultationId: string | null;
	/** The idea's title, or the vote's question (the name stays for the bell and older clients); empty for an idea hidden from this reader. */
	proposalTitle: string;
	href: string;
	actorName: string | null;
	data: Record<string, unknown>;
	createdAt: string;
	unread: number;
}

export interface BoardPresence extends OnlineList {
	residenceId: string;
}

export interface BoardServerToClientEvents {
	'proposal.updated': (payload: ProposalUpdate) => void;
	'board.presence': (payload: BoardPresence) => void;
	'notification.new': (payload: NotificationPayload) => void;
}

export const boardJoinSchema = z.object({ residenceId: z.string().min(1).max(40) });

export interface BoardClientToServerEvents {
	'board.join': (payload: unknown, ack: Ack<BoardPresence>) => void;
	'board.leave': (payload: unknown, ack?: Ack<null>) => void;
}

export const roomForBoard = (residenceId: string) => `board:residence:${residenceId}`;
