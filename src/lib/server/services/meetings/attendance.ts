/** Attendance: members answer ahead (present, excused, absent, proxy); the secretary checks people in and out. */
import { and, eq } from 'drizzle-orm';
import { acceptsAttendance, checkProxy, seatActive, type AttendanceStatus } from '$lib/domain/meetings';
import { authorize, meetingResource, type Actor } from '$lib/domain/policy';
import { first, type AsyncDb } from '../../db/data';
import { logAudit } from '../audit';
import { parse } from '../validate';
import { meetingError, type MeetingContext, type MeetingRow } from './context';
import type { createRoomState } from './room-state';
import { attendanceSchema, checkInSchema } from './schemas';

interface Change {
	status: AttendanceStatus;
	proxyHolderId: string | null;
	arrivedAt?: Date | null;
	leftAt?: Date | null;
}

export function createAttendance(ctx: MeetingContext, room: ReturnType<typeof createRoomState>) {
	const { data: store, deps } = ctx;
	const { meetingAttendance } = ctx.t;

	async function write(tx: AsyncDb, meeting: MeetingRow, actor: Actor, userId: string, change: Change) {
		const open = acceptsAttendance(meeting.status);
		if (!open.ok) throw meetingError(open.code);
		const seats = await ctx.seatsOf(tx, meeting.bodyId);
		const members = await ctx.participantIds(tx, meeting.bodyId, seats);
		if (!members.has(userId)) throw meetingError('notMember');
		if (change.status === 'proxy') {
			const links = (await ctx.attendanceOf(tx, meeting.id))
				.filter((a) => a.status === 'proxy' && a.proxyHolderId)
				.map((a) => ({ giverId: a.userId, holderId: a.proxyHolderId! }));
			const rules = await ctx.rulesOf(tx, meeting.bodyId);
			const now = deps.clock.now().getTime();
			const collegeOf = new Map(seats.filter((s) => seatActive(s, now)).map((s) => [s.userId, s.collegeId]));
			const check = checkProxy(userId, change.proxyHolderId ?? '', links, members, rules.proxyLimit, { across: rules.proxiesAcrossColleges, collegeOf });
			if (!check.ok) throw meetingError(check.code);
		}
		const at = deps.clock.now();
		const existing = await first(tx.select().from(meetingAttendance).where(and(eq(meetingAttendance.meetingId, meeting.id), eq(meetingAttendance.userId, userId))));
		const values = {
			status: change.status,
			proxyHolderId: change.status === 'proxy' ? change.proxyHolderId : null,
			arrivedAt: change.arrivedAt === undefined ? (existing?.arrivedAt ?? null) : change.arrivedAt,
			leftAt: change.leftAt === undefined ? (existing?.leftAt ?? null) : change.leftAt,
			recordedBy: actor.id,
			updatedAt: at
		};
		if (change.status !== 'present') Object.assign(values, { arrivedAt: null, leftAt: null });
		if (existing) await tx.update(meetingAttendance).set(values).where(eq(meetingAttendance.id, existing.id));
		else await tx.insert(meetingAttendance).values({ id: deps.ids.id(), meetingId: meeting.id, userId, ...values });
		await ctx.bump(tx, meeting);
		await logAudit(store, at, actor.id, 'meeting.attendance', { type: 'meeting', id: meeting.id }, { userId, status: change.status, proxyHolderId: values.proxyHolderId });
	}

	return {
		/**
		 * A member's own answer, or the secretary's record for someone else. "Present" during an open
		 * meeting checks the member in (a phone at the door, or no phone and the secretary).
		 */
		async respond(actor: Actor | null, input: unknown) {
			const data = parse(attendanceSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.view', data.meetingId);
			const userId = data.userId ?? actor!.id;
			authorize(actor, userId === actor!.id ? 'meeting.proposeItem' : 'meeting.checkIn', meetingResource(meeting));
			const now = deps.clock.now();
			await store.write((tx) =>
				write(tx, meeting, actor!, userId, {
					status: data.status,
					proxyHolderId: data.proxyHolderId ?? null,
					...(data.status === 'present' && meeting.status === 'open' ? { arrivedAt: now, leftAt: null } : {})
				})
			);
			await room.publish(meeting.id);
		},

		/** At the door: present from now (a latecomer's time is simply when they arrived). */
		async checkIn(actor: Actor | null, input: unknown) {
			const data = parse(checkInSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.checkIn', data.meetingId);
			await store.write((tx) => write(tx, meeting, actor!, data.userId, { status: 'present', proxyHolderId: null, arrivedAt: deps.clock.now(), leftAt: null }));
			await room.publish(meeting.id);
		},

		/** An early leaver: still "present" for the record, out of the room (and the quorum) from now. */
		async checkOut(actor: Actor | null, input: unknown) {
			const data = parse(checkInSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.checkIn', data.meetingId);
			await store.write(async (tx) => {
				const row = await first(tx.select().from(meetingAttendance).where(and(eq(meetingAttendance.meetingId, meeting.id), eq(meetingAttendance.userId, data.userId))));
				if (!row?.arrivedAt || row.leftAt) throw meetingError('notCheckedIn');
				await write(tx, meeting, actor!, data.userId, { status: 'present', proxyHolderId: null, leftAt: deps.clock.now() });
			});
			await room.publish(meeting.id);
		}
	};
}
