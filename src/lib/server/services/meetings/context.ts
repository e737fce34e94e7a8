/** What every meeting module shares: loading rows, the body's rules and seats, errors, publishing. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { authorize, meetingResource, type Actor, type MeetingAction, type SpaceRef } from '$lib/domain/policy';
import { defaultRules, type AttendanceRecord, type BodyRules, type MeetingErrorCode, type Seat, type Speech } from '$lib/domain/meetings';
import type { MessageKey } from '$lib/i18n';
import { first, type AsyncDb } from '../../db/data';
import type { meetings, meetingSpeeches } from '../../db/schema';
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

/**
 * The helpers read through `data.db` by default: inside a unit of work (`data.write`) that is the
 * unit's transaction, so they see its own writes; outside, the committed state.
 */
export function createContext(deps: ServiceDeps) {
	const { data } = deps;
	const t = data.t;
	const { bodies, bodyRules, bodySeats, colleges, meetingAttendance, meetings, memberships, users } = t;

	async function loadMeeting(tx: AsyncDb, meetingId: string): Promise<MeetingRow> {
		const row = await first(tx.select().from(meetings).where(eq(meetings.id, meetingId)));
		if (!row) throw meetingError('notFound');
		return row;
	}

	/** Loads a meeting and checks the actor may do `action` on it (the policy's meeting rules), as they are now. */
	async function guard(actor: Actor | null, action: MeetingAction, meetingId: string, tx: AsyncDb = data.db): Promise<{ actor: Actor; meeting: MeetingRow }> {
		const meeting = await loadMeeting(tx, meetingId);
		authorize(actor, action, meetingResource(meeting));
		return { actor, meeting };
	}

	async function rulesOf(tx: AsyncDb, bodyId: string): Promise<BodyRules> {
		const body = await first(tx.select({ proxyLimit: bodies.proxyLimit, proxiesAcrossColleges: bodies.proxiesAcrossColleges }).from(bodies).where(eq(bodies.id, bodyId)));
		const row = await first(tx.select().from(bodyRules).where(eq(bodyRules.bodyId, bodyId)));
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
	async function seatsOf(tx: AsyncDb, bodyId: string): Promise<Seat[]> {
		const members = await tx
			.select({ userId: memberships.userId, collegeId: memberships.collegeId })
			.from(memberships)
			.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, bodyId)));
		const recorded = new Map((await tx.select().from(bodySeats).where(eq(bodySeats.bodyId, bodyId))).map((s) => [s.userId, s]));
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
		return Array.from(seats, ([, seat]) => seat);
	}

	/** Everyone who may take part: body members (any role but observer) and substitutes. */
	async function participantIds(tx: AsyncDb, bodyId: string, seats: Seat[]): Promise<Set<string>> {
		const ids = (
			await tx
				.select({ userId: memberships.userId, role: memberships.role })
				.from(memberships)
				.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, bodyId)))
		)
			.filter((m) => m.role !== 'observer')
			.map((m) => m.userId);
		return new Set([...ids, ...seats.flatMap((s) => (s.substituteId ? [s.substituteId] : []))]);
	}

	async function attendanceOf(tx: AsyncDb, meetingId: string): Promise<AttendanceRecord[]> {
		return (await tx.select().from(meetingAttendance).where(eq(meetingAttendance.meetingId, meetingId))).map((a) => ({
			userId: a.userId,
			status: a.status,
			proxyHolderId: a.proxyHolderId,
			arrivedAt: a.arrivedAt?.getTime() ?? null,
			leftAt: a.leftAt?.getTime() ?? null
		}));
	}

	async function collegesOf(tx: AsyncDb, bodyId: string) {
		return tx.select().from(colleges).where(eq(colleges.bodyId, bodyId)).orderBy(asc(colleges.position), asc(colleges.id));
	}

	async function names(tx: AsyncDb, ids: string[]): Promise<Map<string, string>> {
		if (!ids.length) return new Map();
		return new Map((await tx.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u.name]));
	}

	/** Every change to a meeting bumps its version inside the same unit of work. */
	async function bump(tx: AsyncDb, meeting: MeetingRow) {
		await tx.update(meetings).set({ version: meeting.version + 1 }).where(eq(meetings.id, meeting.id));
	}

	return { data, t, deps, loadMeeting, guard, rulesOf, seatsOf, participantIds, attendanceOf, collegesOf, names, bump };
}

export type MeetingContext = ReturnType<typeof createContext>;
