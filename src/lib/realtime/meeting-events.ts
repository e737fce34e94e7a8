/**
 * Socket events of the meeting room, merged into events.ts. The room's state is authoritative server
 * state (tables). Joining answers with the whole state; each change then sends only the sections
 * that changed (`meeting.patch`, see meeting-patch.ts), with a digest of every section of the new
 * state, so a screen that missed something sees it and joins again for the whole state. A late
 * joiner, a phone coming back from a lift and the projector all show the same thing. Actions go
 * through form actions.
 */
import { z } from 'zod';
import type { AttendanceRecord, BodyRules, ItemKind, LiveTally, MeetingStatus, PublicLiveState, QuorumResult, Speech } from '$lib/domain/meetings';
import type { Ack } from './common';

export interface RoomItem {
	id: string;
	position: number;
	title: string;
	description: string;
	kind: ItemKind;
	timeBoxMin: number | null;
	startedAt: number | null;
	endedAt: number | null;
	proposalId: string | null;
	consultationId: string | null;
}

export interface RoomPerson {
	userId: string;
	displayName: string;
	collegeId: string | null;
	/** Holds a seat (a vote) now; substitutes and officers without a college do not. */
	seated: boolean;
	substituteFor: string | null;
}

export interface RoomMotion {
	id: string;
	itemId: string;
	consultationId: string;
	question: string;
	status: 'draft' | 'open' | 'closed';
	amendsId: string | null;
	electors: number;
	participants: number;
	quorumMet: boolean;
	/** Only when the consultation shows results live or is closed. */
	tally: { for: number; against: number; abstain: number } | null;
	/** The same, weighted by college when the vote is (shares of the weight that voted); null otherwise. */
	weighted: LiveTally['weighted'];
	byCollege: LiveTally['byCollege'];
	/** Adopted only when closed and the quorum was met; null while open. */
	adopted: boolean | null;
}

export interface MeetingRoomState {
	meeting: {
		id: string;
		bodyId: string;
		bodyName: string;
		title: string;
		status: MeetingStatus;
		startsAt: number;
		place: string;
		videoUrl: string;
		currentItemId: string | null;
		version: number;
	};
	rules: BodyRules;
	colleges: { id: string; name: string; weight: number; seats: number }[];
	people: RoomPerson[];
	attendance: AttendanceRecord[];
	quorum: Omit<QuorumResult, 'standings'>;
	items: RoomItem[];
	/** Speeches of the current item, in stored order (the queue order is computed by each screen). */
	speeches: Speech[];
	motions: RoomMotion[];
	/** The server's clock when the state was built: screens correct their own clock with it. */
	now: number;
	/** A digest of each section's content (the same content has the same digest on every node). */
	digests: RoomDigests;
}

/** The parts of the room's state a change may replace, each whole. */
export const ROOM_SECTIONS = ['meeting', 'rules', 'colleges', 'people', 'attendance', 'quorum', 'items', 'speeches', 'motions'] as const;
export type RoomSection = (typeof ROOM_SECTIONS)[number];
export type RoomDigests = Record<RoomSection, string>;

/**
 * One change of the room: the sections that differ from what the server last sent, the digests of
 * every section of the new state, and the server's clock. A screen applies it only when each section
 * it does not carry has, on the screen, the digest the patch names (`applyRoomPatch`); else the
 * screen missed something and joins again for the whole state.
 */
export interface MeetingRoomPatch {
	meetingId: string;
	now: number;
	digests: RoomDigests;
	changed: Partial<Pick<MeetingRoomState, RoomSection>>;
}

/**
 * Sent on the meeting's room once a motion's vote has closed (after commit): what a decision
 * register needs. `invalid` = the quorum was not met when the vote opened.
 */
export interface MeetingDecision {
	meetingId: string;
	motionId: string;
	itemId: string;
	consultationId: string;
	amendsId: string | null;
	question: string;
	quorumMet: boolean;
	outcome: 'adopted' | 'rejected' | 'invalid';
	/** The frozen result's tallies (weighted when the vote was). */
	tallies: Record<string, number>;
	closedAt: number;
}

export const meetingJoinSchema = z.object({ meetingId: z.string().min(1).max(40) });

export interface MeetingServerToClientEvents {
	/** The whole state: the first change a node sends for a meeting (the next ones are patches). */
	'meeting.state': (payload: MeetingRoomState) => void;
	'meeting.patch': (payload: MeetingRoomPatch) => void;
	'meeting.decision': (payload: MeetingDecision) => void;
	/** The public live view of a public body's meeting (read-only room, no account): see `publicLive`. */
	'portal.live': (payload: PublicLiveState) => void;
}

export interface MeetingClientToServerEvents {
	'meeting.join': (payload: unknown, ack: Ack<MeetingRoomState>) => void;
	'meeting.leave': (payload: unknown, ack?: Ack<null>) => void;
	/** Anyone, with or without an account: joins the read-only public room of a public body's meeting. */
	'portal.live.join': (payload: unknown, ack: Ack<PublicLiveState>) => void;
}

export const roomForMeeting = (meetingId: string) => `meeting:${meetingId}`;
/** The read-only public room of a meeting: only the public projection is ever sent there. */
export const roomForPublicMeeting = (meetingId: string) => `public-meeting:${meetingId}`;
