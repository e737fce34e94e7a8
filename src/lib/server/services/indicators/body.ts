/** Governance body figures: meetings held, attendance and speaking time by college. */
import { and, asc, eq, gte, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Period } from '$lib/domain/indicators/period';
import type { Data } from '../../db/data';
import type { IndicatorValue } from '$lib/domain/indicators/types';

/** Meetings of the body that were held (closed) with a start in the period. */
export async function heldMeetings(data: Data, bodyId: string, period: Period) {
	const { meetings } = data.t;
	return data.db
		.select({ id: meetings.id })
		.from(meetings)
		.where(and(eq(meetings.bodyId, bodyId), eq(meetings.status, 'closed'), gte(meetings.startsAt, new Date(period.start)), lt(meetings.startsAt, new Date(period.end))));
}

async function collegeOf(data: Data, bodyId: string) {
	const { db } = data;
	const { colleges, memberships } = data.t;
	const [list, seats] = await Promise.all([
		db.select({ id: colleges.id, name: colleges.name }).from(colleges).where(eq(colleges.bodyId, bodyId)).orderBy(asc(colleges.position), asc(colleges.id)),
		db
			.selectDistinct({ userId: memberships.userId, collegeId: memberships.collegeId })
			.from(memberships)
			.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, bodyId), isNotNull(memberships.collegeId)))
	]);
	const byUser = new Map(seats.map((s) => [s.userId, s.collegeId!]));
	return { list, byUser };
}

const pct = (n: number, total: number) => (total ? Math.round((n / total) * 1000) / 10 : 0);

export async function bodyAttendance(data: Data, bodyId: string, period: Period): Promise<IndicatorValue> {
	const { db } = data;
	const { meetingAttendance } = data.t;
	const held = (await heldMeetings(data, bodyId, period)).map((m) => m.id);
	const { list, byUser } = await collegeOf(data, bodyId);
	const rows = held.length
		? await db
				.select({ userId: meetingAttendance.userId, status: meetingAttendance.status })
				.from(meetingAttendance)
				.where(and(inArray(meetingAttendance.meetingId, held), inArray(meetingAttendance.status, ['present', 'proxy'])))
		: [];
	return {
		kind: 'table',
		columns: ['attended', 'expected', 'percent'],
		rows: list.map((c) => {
			const members = [...byUser].filter(([, id]) => id === c.id).length;
			const attended = rows.filter((r) => byUser.get(r.userId) === c.id).length;
			return { label: c.name, values: [attended, members * held.length, pct(attended, members * held.length)] };
		})
	};
}

export async function bodySpeaking(data: Data, bodyId: string, period: Period): Promise<IndicatorValue> {
	const { db } = data;
	const { meetingSpeeches } = data.t;
	const held = (await heldMeetings(data, bodyId, period)).map((m) => m.id);
	const { list, byUser } = await collegeOf(data, bodyId);
	const rows = held.length
		? await db
				.select({ userId: meetingSpeeches.userId, startedAt: meetingSpeeches.startedAt, endedAt: meetingSpeeches.endedAt })
				.from(meetingSpeeches)
				.where(and(inArray(meetingSpeeches.meetingId, held), isNotNull(meetingSpeeches.startedAt), isNotNull(meetingSpeeches.endedAt)))
		: [];
	const seconds = new Map<string, number>();
	let total = 0;
	for (const r of rows) {
		const c = byUser.get(r.userId);
		const s = Math.max(0, (r.endedAt!.getTime() - r.startedAt!.getTime()) / 1000);
		total += s;
		if (c) seconds.set(c, (seconds.get(c) ?? 0) + s);
	}
	return {
		kind: 'table',
		columns: ['minutes', 'percent'],
		rows: list.map((c) => ({ label: c.name, values: [Math.round((seconds.get(c.id) ?? 0) / 6) / 10, pct(seconds.get(c.id) ?? 0, total)] }))
	};
}
