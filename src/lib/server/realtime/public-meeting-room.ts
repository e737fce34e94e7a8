import { meetingJoinSchema, roomForPublicMeeting } from '$lib/realtime/meeting-events';
import { log } from '../log';
import type { Services } from '../services';
import { ackError, replyTo } from './ack';
import type { IoServer, IoSocket } from './io';
import type { RoomGuards } from './rooms';

const PREFIX = roomForPublicMeeting('');

/**
 * The read-only public room of a public body's meeting (the portal's live view): anyone may join,
 * with or without an account, while the body's rules make its meetings public; the room only ever
 * receives the public projection (`portal.live`), and nothing sent by its sockets is listened to.
 */
export function attachPublicMeetingRoom(io: IoServer, services: Services, guards: RoomGuards) {
	guards.register({
		owns: (room) => room.startsWith(PREFIX),
		allows: (_user, room) => services.meetings.mayWatchPublic(room.slice(PREFIX.length))
	});

	io.on('connection', (socket: IoSocket) => {
		socket.on('portal.live.join', (payload, ack) => {
			const reply = replyTo<Parameters<typeof ack>[0]>(ack);
			const locale = socket.data.user?.locale;
			const parsed = meetingJoinSchema.safeParse(payload);
			if (!parsed.success) return reply(ackError(locale, 'error.invalidInput'));
			const { meetingId } = parsed.data;
			services.meetings
				.mayWatchPublic(meetingId)
				.then(async (allowed) => {
					if (!allowed) return reply(ackError(locale, 'minutes.error.notPublic'));
					await socket.join(roomForPublicMeeting(meetingId));
					reply({ ok: true, data: await services.meetings.publicState(meetingId) });
				})
				.catch((err: unknown) => {
					log.error('public meeting join failed', { err: String(err) });
					reply(ackError(locale, 'error.unexpected'));
				});
		});
	});
}
