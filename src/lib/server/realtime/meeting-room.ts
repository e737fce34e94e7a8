import { meetingJoinSchema, roomForMeeting } from '$lib/realtime/meeting-events';
import { log } from '../log';
import type { Services } from '../services';
import { ackError, forbidden, replyTo } from './ack';
import type { IoServer, IoSocket } from './io';
import type { RoomGuards } from './rooms';

const MEETING_PREFIX = roomForMeeting('');

/**
 * The meeting room: a member joins and gets the whole current state in the reply (late joiners and
 * reconnecting phones alike); from then on every change arrives as `meeting.state`. Joining asks the
 * policy with the member as they are now, and a member who loses the right leaves the room.
 */
export function attachMeetingRoom(io: IoServer, services: Services, guards: RoomGuards) {
	guards.register({
		owns: (room) => room.startsWith(MEETING_PREFIX),
		allows: (user, room) => services.meetings.mayWatch(user, room.slice(MEETING_PREFIX.length))
	});

	io.on('connection', (socket: IoSocket) => {
		socket.on('meeting.join', (payload, ack) => {
			const reply = replyTo(ack);
			const user = socket.data.user;
			const parsed = meetingJoinSchema.safeParse(payload);
			if (!parsed.success) return reply(ackError(user?.locale, 'error.invalidInput'));
			if (!user) return reply(forbidden(null));
			const { meetingId } = parsed.data;
			services.meetings
				.mayWatch(user, meetingId)
				.then(async (allowed) => {
					if (!allowed) return reply(forbidden(user.locale));
					await socket.join(roomForMeeting(meetingId));
					// Read after joining, so no change can fall between the snapshot and the first event.
					reply({ ok: true, data: await services.meetings.roomState(user, meetingId) });
				})
				.catch((err: unknown) => {
					log.error('meeting join failed', { err: String(err) });
					reply(ackError(user.locale, 'error.unexpected'));
				});
		});

		socket.on('meeting.leave', (payload, ack) => {
			const reply = replyTo(ack);
			const parsed = meetingJoinSchema.safeParse(payload);
			if (!parsed.success) return reply(ackError(socket.data.user?.locale, 'error.invalidInput'));
			void socket.leave(roomForMeeting(parsed.data.meetingId));
			reply({ ok: true, data: null });
		});
	});
}
