/**
 * Governance meetings as pure data: what the server stores and the browser shows, with no I/O.
 * Times are epoch milliseconds so that the same functions run on both sides.
 */

export const MEETING_STATUSES = ['scheduled', 'postponed', 'open', 'closed', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const ITEM_KINDS = ['information', 'discussion', 'decision'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ATTENDANCE = ['present', 'excused', 'absent', 'proxy'] as const;
export type AttendanceStatus = (typeof ATTENDANCE)[number];

export const SPEECH_TYPES = ['contribution', 'for', 'against', 'reply', 'pointOfOrder'] as const;
export type SpeechType = (typeof SPEECH_TYPES)[number];

/** The body's own rules for its meetings (set by the chair or an administrator). */
export interface BodyRules {
	/** Share of seats (0–1) that must be present or represented. */
	quorum: number;
	/** Share of each college's seats (0–1) that must be present or represented; null = no per-college quorum. */
	collegeQuorum: number | null;
	/** A present substitute stands for an absent member (counts for quorum and votes). */
	substitutesVote: boolean;
	/** A proxy held by someone present counts for quorum (it always counts for votes). */
	proxiesCountForQuorum: boolean;
	/** How many proxies one member may hold. */
	proxyLimit: number;
	/** A member may give her proxy to a member of another college (false: within her own college only). */
	proxiesAcrossColleges: boolean;
	/** Default limit of one speech in seconds; null = no limit. */
	speechLimitSec: number | null;
	/** People who have not yet spoken on the item go before those who have. */
	firstTimeFirst: boolean;
	/** Warn the chair when a college's share of speaking time exceeds its share of seats by this factor. */
	balanceWarnRatio: number;
	/** Motions are weighted by college. */
	weightedVotes: boolean;
	/** Meetings are public: while one is open, the portal shows it live (read-only, no account). */
	publicMeetings: boolean;
}

export const defaultRules: BodyRules = {
	quorum: 0.5,
	collegeQuorum: null,
	substitutesVote: true,
	proxiesCountForQuorum: true,
	proxyLimit: 1,
	proxiesAcrossColleges: true,
	speechLimitSec: 180,
	firstTimeFirst: true,
	balanceWarnRatio: 1.5,
	weightedVotes: false,
	publicMeetings: false
};

/** A seat in the body for a term; former members stay listed with their term ended. */
export interface Seat {
	userId: string;
	collegeId: string;
	substituteId: string | null;
	termStart: number;
	termEnd: number | null;
}

export interface AttendanceRecord {
	userId: string;
	status: AttendanceStatus;
	/** For `proxy`: the member who holds it. */
	proxyHolderId: string | null;
	/** Checked in by the secretary (or self) at this time; null = announced only. */
	arrivedAt: number | null;
	/** Left before the end. */
	leftAt: number | null;
}

export interface College {
	id: string;
	name: string;
	weight: number;
}
