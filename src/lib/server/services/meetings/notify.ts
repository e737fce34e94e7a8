/**
 * Meeting notifications (issues 8 and 10): members of the body hear that they are invited (the page
 * carries the agenda and the .ics), that the meeting changed (agenda, date, postponed, cancelled),
 * that it is starting, and each motion's result. Recorded after the change committed, published to
 * the bell at once, mailed by the notifications' own mail pass. Practice bodies notify no one.
 */
import { and, eq, isNull, like } from 'drizzle-orm';
import { transaction } from '../../db';
import { bodies, notifications as notificationRows } from '../../db/schema';
import { log } from '../../log';
import type { NotificationKind, NotificationsService } from '../notifications';
import type { MeetingContext, MeetingRow } from './context';

type MeetingKind = Extract<NotificationKind, 'meetingInvited' | 'meetingChanged' | 'meetingStarting' | 'meetingResults'>;

export function createMeetingNotices(ctx: MeetingContext, notifications: NotificationsService | undefined) {
	const { db } = ctx;

	function notify(meeting: Pick<MeetingRow, 'id' | 'bodyId' | 'title' | 'startsAt'>, kind: MeetingKind, actorId: string | null, data: Record<string, unknown> = {}) {
		if (!notifications) return;
		try {
			const href = `/b/${meeting.bodyId}/meetings/${meeting.id}`;
			const pending = transaction(db, (tx) => {
				const body = tx.select({ practice: bodies.practice }).from(bodies).where(eq(bodies.id, meeting.bodyId)).get();
				if (!body || body.practice) return [];
				let people = [...ctx.participantIds(tx, meeting.bodyId, ctx.seatsOf(tx, meeting.bodyId))].filter((id) => id !== actorId);
				// Agenda changes come in bursts while it is drawn up: one unread notice per person is enough.
				if (kind === 'meetingChanged' && data.change === 'agenda') {
					const waiting = new Set(
						tx
							.select({ userId: notificationRows.userId })
							.from(notificationRows)
							.where(and(eq(notificationRows.kind, 'meetingChanged'), isNull(notificationRows.readAt), like(notificationRows.data, `%"href":"${href}"%"change":"agenda"%`)))
							.all()
							.map((r) => r.userId)
					);
					people = people.filter((id) => !waiting.has(id));
				}
				return notifications.record(tx, people, kind, null, actorId, { href: kind === 'meetingStarting' ? `${href}/room` : href, change: data.change, title: meeting.title, startsAt: meeting.startsAt.toISOString(), ics: `${href}/meeting.ics`, ...data });
			});
			notifications.publish(pending);
		} catch (err) {
			// A notice that failed must not undo or fail the meeting change that was just committed.
			log.error('meeting notification failed', { kind, err: String(err) });
		}
	}

	return { notify };
}

export type MeetingNotices = ReturnType<typeof createMeetingNotices>;
