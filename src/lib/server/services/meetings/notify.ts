/**
 * Meeting notifications (issues 8 and 10): members of the body hear that they are invited (the page
 * carries the agenda and the .ics), that the meeting changed (agenda, date, postponed, cancelled),
 * that it is starting, and each motion's result. Recorded after the change committed, published to
 * the bell at once, mailed by the notifications' own mail pass. Practice bodies notify no one.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { first } from '../../db/data';
import { log } from '../../log';
import type { NotificationKind, NotificationsService } from '../notifications';
import type { MeetingContext, MeetingRow } from './context';

type MeetingKind = Extract<NotificationKind, 'meetingInvited' | 'meetingChanged' | 'meetingStarting' | 'meetingResults'>;

export function createMeetingNotices(ctx: MeetingContext, notifications: NotificationsService | undefined) {
	const { data: store } = ctx;
	const { bodies, notifications: notificationRows } = ctx.t;

	async function notify(meeting: Pick<MeetingRow, 'id' | 'bodyId' | 'title' | 'startsAt'>, kind: MeetingKind, actorId: string | null, data: Record<string, unknown> = {}) {
		if (!notifications) return;
		try {
			const href = `/b/${meeting.bodyId}/meetings/${meeting.id}`;
			const pending = await store.write(async (tx) => {
				const body = await first(tx.select({ practice: bodies.practice }).from(bodies).where(eq(bodies.id, meeting.bodyId)));
				if (!body || body.practice) return [];
				let people = [...(await ctx.participantIds(tx, meeting.bodyId, await ctx.seatsOf(tx, meeting.bodyId)))].filter((id) => id !== actorId);
				// Agenda changes come in bursts while it is drawn up: one unread notice per person is enough.
				if (kind === 'meetingChanged' && data.change === 'agenda' && people.length) {
					const unread = await tx
						.select({ userId: notificationRows.userId, data: notificationRows.data })
						.from(notificationRows)
						.where(and(eq(notificationRows.kind, 'meetingChanged'), isNull(notificationRows.readAt), inArray(notificationRows.userId, people)));
					const waiting = new Set(unread.filter((r) => r.data.href === href && r.data.change === 'agenda').map((r) => r.userId));
					people = people.filter((id) => !waiting.has(id));
				}
				return notifications.record(people, kind, null, actorId, {
					href: kind === 'meetingStarting' ? `${href}/room` : href,
					change: data.change,
					title: meeting.title,
					startsAt: meeting.startsAt.toISOString(),
					ics: `${href}/meeting.ics`,
					...data
				});
			});
			await notifications.publish(pending);
		} catch (err) {
			// A notice that failed must not undo or fail the meeting change that was just committed.
			log.error('meeting notification failed', { kind, err: String(err) });
		}
	}

	return { notify };
}

export type MeetingNotices = ReturnType<typeof createMeetingNotices>;
