import { meetingJoinSchema, roomForMeeting } from '$lib/realtime/meeting-events';
import { log } from '../log';
import type { Services } from '../services';
import type { IoSocket } from './hub';

/**
 * The meeting room: a member joins and gets the whole current state in the reply (late joiners and
 * reconnecting phones alike); from then on every change arrives as `meeting.state`. Joining asks the
 * policy with the member as they are now.
 */
export function attachMeetingRoom(socket: IoSocket, services: Services) {
	const user = socket.data.user;
	if (!user) return;

	socket.on('meeting.join', (payload, ack) => {
		const reply = typeof ack === 'function' ? ack : () => undefined;
		const parsed = meetingJoinSchema.safeParse(payload);
		if (!parsed.success) return reply({ ok: false, code: 'error.invalidInput', error: 'error.invalidInput' });
		const { meetingId } = parsed.data;
		services.meetings
			.mayWatch(user, meetingId)
			.then(async (allowed) => {
				if (!allowed) return reply({ ok: false, code: 'forbidden', error: 'error.forbidden' });
				await socket.join(roomForMeeting(meetingId));
				// Read after joining, so no change can fall between the snapshot and the first event.
				reply({ ok: true, data: await services.meetings.roomState(user, meetingId) });
			})
			.catch((err: unknown) => {
				log.error('meeting join failed', { err: String(err) });
				reply({ ok: false, code: 'error.unexpected', error: 'error.unexpected' });
			});
	});

	socket.on('meeting.leave', (payload) => {
		const parsed = meetingJoinSchema.safeParse(payload);
		if (parsed.success) void socket.leave(roomForMeeting(parsed.data.meetingId));
	});
}
