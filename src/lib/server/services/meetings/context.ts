/** What every meeting module shares: loading rows, the body's rules and seats, errors, publishing. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { authorize, meetingResource, type Actor, type MeetingAction, type SpaceRef } from '$lib/domain/policy';
import { defaultRules, type AttendanceRecord, type BodyRules, type MeetingErrorCode, type Seat, type Speech } from '$lib/domain/meetings';
import type { MessageKey } from '$lib/i18n';
import type { Db } from '../../db';
import { bodies, bodyRules, bodySeats, colleges, meetingAttendance, meetings, meetingSpeeches, memberships, users } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { UserError } from '../errors';

export type MeetingRow = typeof meetings.$inferSelect;

/** A stored speech as the domain and the room see it (times in epoch ms). */
export function speechView(s: typeof meetingSpeeches.$inferSelect): Speech {
	return {
		id: s.id,
		userId: s.userId,
		type: s.type,
		requestedAt: s.requestedAt.getTime(),
		startedAt: s.startedAt?.getTime() ?? null,
		endedAt: s.endedAt?.getTime() ?? null,
		cancelledAt: s.cancelledAt?.getTime() ?? null
	};
}

export const bodySpace = (bodyId: string): SpaceRef => ({ type: 'body', id: bodyId });

export function meetingError(code: MeetingErrorCode | 'notFound' | 'notMember' | 'noCurrentItem' | 'notCheckedIn' | 'documentGone', values: Record<string, string | number> = {}) {
	const status = code === 'notFound' || code === 'documentGone' ? 404 : code === 'agendaMoved' || code === 'handAlreadyRaised' || code === 'speakerGone' || code === 'motionOpen' || code === 'amendmentsFirst' ? 409 : 400;
	return new UserError(`meetings.error.${code}` as MessageKey, values, status);
}

export function createContext(deps: ServiceDeps) {
	const { db } = deps;

	function loadMeeting(tx: Db, meetingId: string): MeetingRow {
		const row = tx.select().from(meetings).where(eq(meetings.id, meetingId)).get();
		if (!row) throw meetingError('notFound');
		return row;
	}

	/** Loads a meeting and checks the actor may do `action` on it (the policy's meeting rules), as they are now. */
	function guard(actor: Actor | null, action: MeetingAction, meetingId: string, tx: Db = db): { actor: Actor; meeting: MeetingRow } {
		const meeting = loadMeeting(tx, meetingId);
		authorize(actor, action, meetingResource(meeting));
		return { actor, meeting };
	}

	function rulesOf(tx: Db, bodyId: string): BodyRules {
		const body = tx.select({ proxyLimit: bodies.proxyLimit, proxiesAcrossColleges: bodies.proxiesAcrossColleges }).from(bodies).where(eq(bodies.id, bodyId)).get();
		const row = tx.select().from(bodyRules).where(eq(bodyRules.bodyId, bodyId)).get();
		const { bodyId: _b, updatedAt: _u, ...stored } = row ?? { bodyId, updatedAt: null };
		return {
			...defaultRules,
			...stored,
			proxyLimit: body?.proxyLimit ?? defaultRules.proxyLimit,
			proxiesAcrossColleges: body?.proxiesAcrossColleges ?? defaultRules.proxiesAcrossColleges
		};
	}

	/**
	 * Seats: every body member with a college, with the term and substitute recorded for them (an
	 * open-ended seat when nothing is recorded).
	 */
	function seatsOf(tx: Db, bodyId: string): Seat[] {
		const members = tx
			.select({ userId: memberships.userId, collegeId: memberships.collegeId })
			.from(memberships)
			.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, bodyId)))
			.all();
		const recorded = new Map(tx.select().from(bodySeats).where(eq(bodySeats.bodyId, bodyId)).all().map((s) => [s.userId, s]));
		const seats = new Map<string, Seat>();
		for (const m of members) {
			const r = recorded.get(m.userId);
			const collegeId = r?.collegeId ?? m.collegeId;
			if (!collegeId || seats.has(m.userId)) continue;
			seats.set(m.userId, {
				userId: m.userId,
				collegeId,
				substituteId: r?.substituteId ?? null,
				termStart: r?.termStart.getTime() ?? 0,
				termEnd: r?.termEnd?.getTime() ?? null
			});
		}
		return [...seats.values()];
	}

	/** Everyone who may take part: body members (any role but observer) and substitutes. */
	function participantIds(tx: Db, bodyId: string, seats: Seat[]): Set<string> {
		const ids = tx
			.select({ userId: memberships.userId, role: memberships.role })
			.from(memberships)
			.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, bodyId)))
			.all()
			.filter((m) => m.role !== 'observer')
			.map((m) => m.userId);
		return new Set([...ids, ...seats.flatMap((s) => (s.substituteId ? [s.substituteId] : []))]);
	}

	function attendanceOf(tx: Db, meetingId: string): AttendanceRecord[] {
		return tx
			.select()
			.from(meetingAttendance)
			.where(eq(meetingAttendance.meetingId, meetingId))
			.all()
			.map((a) => ({ userId: a.userId, status: a.status, proxyHolderId: a.proxyHolderId, arrivedAt: a.arrivedAt?.getTime() ?? null, leftAt: a.leftAt?.getTime() ?? null }));
	}

	function collegesOf(tx: Db, bodyId: string) {
		return tx.select().from(colleges).where(eq(colleges.bodyId, bodyId)).orderBy(asc(colleges.position)).all();
	}

	function names(tx: Db, ids: string[]): Map<string, string> {
		if (!ids.length) return new Map();
		return new Map(tx.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids)).all().map((u) => [u.id, u.name]));
	}

	/** Every change to a meeting bumps its version inside the same transaction. */
	function bump(tx: Db, meeting: MeetingRow) {
		tx.update(meetings).set({ version: meeting.version + 1 }).where(eq(meetings.id, meeting.id)).run();
	}

	return { db, deps, loadMeeting, guard, rulesOf, seatsOf, participantIds, attendanceOf, collegesOf, names, bump };
}

export type MeetingContext = ReturnType<typeof createContext>;
