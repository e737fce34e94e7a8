/** What pages read: a body's meetings, one meeting's agenda (with proposed items), the room's state. */
import { and, asc, desc, eq, gte, lt, or, inArray } from 'drizzle-orm';
import { allowedActions } from '$lib/domain/meetings';
import { authorize, can, meetingResource, type Actor } from '$lib/domain/policy';
import { first } from '../../db/data';
import type { meetings as meetingsTable } from '../../db/schema';
import { bodySpace, type MeetingContext } from './context';
import { dateToParis } from './paris';
import type { createRoomState } from './room-state';

export function createReads(ctx: MeetingContext, room: ReturnType<typeof createRoomState>) {
	const { data: store, deps } = ctx;
	const { agendaItems, meetingAttendance, meetings } = ctx.t;

	function rights(actor: Actor | null, bodyId: string) {
		const space = bodySpace(bodyId);
		return {
			schedule: can(actor, 'meeting.schedule', space),
			chair: can(actor, 'meeting.chair', space),
			checkIn: can(actor, 'meeting.checkIn', space),
			speakers: can(actor, 'meeting.speakers', space),
			proposeItem: can(actor, 'meeting.proposeItem', space)
		};
	}

	return {
		rights,

		/** Upcoming (and running) first by date; past and cancelled after, most recent first. */
		async list(actor: Actor | null, bodyId: string) {
			authorize(actor, 'space.view', bodySpace(bodyId));
			// A meeting still counts as upcoming for a day after its start unless it was closed.
			const cutoff = new Date(deps.clock.now().getTime() - 24 * 3600_000);
			const upcomingWhere = and(eq(meetings.bodyId, bodyId), or(eq(meetings.status, 'open'), and(inArray(meetings.status, ['scheduled', 'postponed']), gte(meetings.startsAt, cutoff))));
			const upcoming = await store.db.select().from(meetings).where(upcomingWhere).orderBy(asc(meetings.startsAt), asc(meetings.id));
			const seen = new Set(upcoming.map((m) => m.id));
			const past = (
				await store.db
					.select()
					.from(meetings)
					.where(and(eq(meetings.bodyId, bodyId), or(inArray(meetings.status, ['closed', 'cancelled']), lt(meetings.startsAt, cutoff))))
					.orderBy(desc(meetings.startsAt), desc(meetings.id))
			).filter((m) => !seen.has(m.id));
			const view = (m: typeof meetingsTable.$inferSelect) => ({ id: m.id, title: m.title, status: m.status, startsAt: m.startsAt.getTime(), place: m.place, statusReason: m.statusReason });
			return { upcoming: upcoming.map(view), past: past.map(view), can: rights(actor, bodyId) };
		},

		/** One meeting with its whole agenda; proposed and declined items too (with the reason). */
		async detail(actor: Actor | null, meetingId: string) {
			const { meeting } = await ctx.guard(actor, 'meeting.view', meetingId);
			const items = await store.db.select().from(agendaItems).where(eq(agendaItems.meetingId, meetingId)).orderBy(asc(agendaItems.position), asc(agendaItems.id));
			const names = await ctx.names(store.db, [...new Set(items.map((i) => i.proposedBy))]);
			const mine = actor
				? await first(store.db.select().from(meetingAttendance).where(and(eq(meetingAttendance.meetingId, meetingId), eq(meetingAttendance.userId, actor.id))))
				: undefined;
			return {
				meeting: {
					...meeting,
					startsAt: meeting.startsAt.getTime(),
					startsAtLocal: dateToParis(meeting.startsAt),
					openedAt: meeting.openedAt?.getTime() ?? null,
					closedAt: meeting.closedAt?.getTime() ?? null,
					createdAt: meeting.createdAt.getTime()
				},
				items: items.map((i) => ({ ...i, proposedByName: names.get(i.proposedBy) ?? '', startedAt: i.startedAt?.getTime() ?? null, endedAt: i.endedAt?.getTime() ?? null, createdAt: i.createdAt.getTime() })),
				myAttendance: mine ? { status: mine.status, proxyHolderId: mine.proxyHolderId, arrivedAt: mine.arrivedAt?.getTime() ?? null } : null,
				actions: allowedActions(meeting.status),
				can: rights(actor, meeting.bodyId)
			};
		},

		/** The whole room in one object: for the page's first render and for a socket joining late. */
		async roomState(actor: Actor | null, meetingId: string) {
			await ctx.guard(actor, 'meeting.view', meetingId);
			return room.build(store.db, meetingId);
		},

		/** Whether a live socket may be in this meeting's room, asked again on each join. */
		async mayWatch(actor: Actor | null, meetingId: string) {
			const meeting = await first(store.db.select({ bodyId: meetings.bodyId }).from(meetings).where(eq(meetings.id, meetingId)));
			return !!meeting && can(actor, 'meeting.view', meetingResource(meeting));
		}
	};
}
