/**
 * Who is present or represented, and whether the quorum is met, overall and per college.
 *
 * A seat (a member whose term covers the moment) counts as:
 * - `present` when its holder is checked in and has not left;
 * - `substitute` when the holder is not, the body lets substitutes vote and the substitute is in;
 * - `proxy` when the holder gave a proxy to someone who is in (counted for the quorum only if the
 *   body says so; it always carries the vote). A proxy counts in the giver's college, whoever holds
 *   it. While the body keeps proxies within colleges, one given across colleges earlier (before
 *   the rule changed) represents no one: the rule is read as it is now, like everything else here;
 * - `absent` otherwise.
 * The required number is the quorum share of seats, rounded up: 50 % of 7 seats is 4.
 */
import { proxyCollegeAllowed } from './proxies';
import type { AttendanceRecord, BodyRules, Seat } from './types';

export type Representation = 'present' | 'substitute' | 'proxy' | 'absent';

export interface SeatStanding {
	userId: string;
	collegeId: string;
	via: Representation;
	/** Who casts this seat's vote: the holder, the substitute or the proxy holder; null when absent. */
	voterId: string | null;
}

export interface QuorumCount {
	seats: number;
	present: number;
	substitutes: number;
	proxies: number;
	/** What counts toward the quorum under the body's rules. */
	counted: number;
	required: number;
	met: boolean;
}

export interface QuorumResult {
	overall: QuorumCount;
	colleges: (QuorumCount & { collegeId: string })[];
	/** Overall and (when the body has one) every college. */
	met: boolean;
	standings: SeatStanding[];
}

export const seatActive = (seat: Seat, at: number) => seat.termStart <= at && (seat.termEnd === null || seat.termEnd > at);

/** In the room at `at`: checked in as present, arrived, not yet left. */
export function isIn(record: AttendanceRecord | undefined, at: number): boolean {
	return (
		!!record &&
		record.status === 'present' &&
		record.arrivedAt !== null &&
		record.arrivedAt <= at &&
		(record.leftAt === null || record.leftAt > at)
	);
}

export function standings(seats: readonly Seat[], attendance: readonly AttendanceRecord[], rules: BodyRules, at: number): SeatStanding[] {
	const byUser = new Map(attendance.map((a) => [a.userId, a]));
	const collegeOf = new Map(seats.filter((s) => seatActive(s, at)).map((s) => [s.userId, s.collegeId]));
	const proxyCounts = (seat: Seat, holderId: string) => proxyCollegeAllowed(rules.proxiesAcrossColleges, seat.collegeId, collegeOf.get(holderId));
	return seats
		.filter((s) => seatActive(s, at))
		.map((seat): SeatStanding => {
			const own = byUser.get(seat.userId);
			if (isIn(own, at)) return { userId: seat.userId, collegeId: seat.collegeId, via: 'present', voterId: seat.userId };
			if (rules.substitutesVote && seat.substituteId && isIn(byUser.get(seat.substituteId), at))
				return { userId: seat.userId, collegeId: seat.collegeId, via: 'substitute', voterId: seat.substituteId };
			if (own?.status === 'proxy' && own.proxyHolderId && isIn(byUser.get(own.proxyHolderId), at) && proxyCounts(seat, own.proxyHolderId))
				return { userId: seat.userId, collegeId: seat.collegeId, via: 'proxy', voterId: own.proxyHolderId };
			return { userId: seat.userId, collegeId: seat.collegeId, via: 'absent', voterId: null };
		});
}

function count(list: readonly SeatStanding[], share: number, rules: BodyRules): QuorumCount {
	const present = list.filter((s) => s.via === 'present').length;
	const substitutes = list.filter((s) => s.via === 'substitute').length;
	const proxies = list.filter((s) => s.via === 'proxy').length;
	const counted = present + substitutes + (rules.proxiesCountForQuorum ? proxies : 0);
	// A tiny epsilon keeps 0.5 × 6 = 3 from becoming 4 through floating-point noise.
	const required = list.length === 0 ? 0 : Math.max(share > 0 ? 1 : 0, Math.ceil(share * list.length - 1e-9));
	return { seats: list.length, present, substitutes, proxies, counted, required, met: counted >= required };
}

export function quorum(seats: readonly Seat[], attendance: readonly AttendanceRecord[], rules: BodyRules, at: number): QuorumResult {
	const list = standings(seats, attendance, rules, at);
	const overall = count(list, rules.quorum, rules);
	const collegeIds = [...new Set(list.map((s) => s.collegeId))];
	const colleges = collegeIds.map((collegeId) => ({
		collegeId,
		...count(
			list.filter((s) => s.collegeId === collegeId),
			rules.collegeQuorum ?? 0,
			rules
		)
	}));
	const met = overall.met && (rules.collegeQuorum === null || colleges.every((c) => c.met));
	return { overall, colleges, met, standings: list };
}

/**
 * The electorate of a motion opened now: one entry per represented seat, with who casts it.
 * Everyone present with a seat votes for it; a substitute votes for an absent member's seat; a
 * proxy holder casts the giver's vote in addition to their own.
 */
export function electorate(list: readonly SeatStanding[]) {
	return list.filter((s) => s.voterId !== null).map((s) => ({ seatUserId: s.userId, voterId: s.voterId!, collegeId: s.collegeId, via: s.via }));
}
