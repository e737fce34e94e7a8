import { can, type SpaceRef } from '$lib/domain/policy';
import { spaceTypes } from '$lib/domain/policy/grants';
import { z } from 'zod';
import { roomForVote, VOTE_ROOM_PREFIX } from '$lib/realtime/vote-events';
import { ackError, forbidden, replyTo } from './ack';
import type { IoServer, IoSocket } from './io';
import type { RoomGuards } from './rooms';

/** `vote.join` and `vote.leave`: the consultation and its space (see `VoteJoin`). */
export const voteJoinSchema = z.object({ consultationId: z.string().min(1).max(40), spaceType: z.enum(spaceTypes), spaceId: z.string().min(1).max(40) });

/** The space a consultation's room is named after (`vote:<type>:<space id>:<consultation id>`). */
function spaceOf(room: string): SpaceRef | null {
	const [type, id] = room.slice(VOTE_ROOM_PREFIX.length).split(':');
	return id && (spaceTypes as readonly string[]).includes(type ?? '') ? { type: type as SpaceRef['type'], id } : null;
}

/**
 * Who has a consultation open: its page and its results page join its room, and its live tally goes
 * there (tallies.ts), instead of to every socket of everyone in the space. A meeting of 60 members with
 * 500 screens following it heard each vote's tally on every screen, beside the room's own state.
 * Joining asks the policy, as the space's room does (`space.view`); the guard asks again when rights change.
 */
export function attachVoteRoom(io: IoServer, guards: RoomGuards) {
	guards.register({
		owns: (room) => room.startsWith(VOTE_ROOM_PREFIX),
		allows: (user, room) => {
			const space = spaceOf(room);
			return !!space && can(user, 'space.view', space);
		}
	});

	io.on('connection', (socket: IoSocket) => {
		socket.on('vote.join', (payload, ack) => {
			const reply = replyTo(ack);
			const user = socket.data.user;
			const parsed = voteJoinSchema.safeParse(payload);
			if (!parsed.success) return reply(ackError(user?.locale, 'error.invalidInput'));
			const { consultationId, spaceType, spaceId } = parsed.data;
			if (!can(user, 'space.view', { type: spaceType, id: spaceId })) return reply(forbidden(user?.locale));
			Promise.resolve(socket.join(roomForVote(spaceType, spaceId, consultationId)))
				.then(() => reply({ ok: true, data: null }))
				.catch(() => reply(ackError(user?.locale, 'error.unexpected')));
		});

		socket.on('vote.leave', (payload, ack) => {
			const reply = replyTo(ack);
			const parsed = voteJoinSchema.safeParse(payload);
			if (!parsed.success) return reply(ackError(socket.data.user?.locale, 'error.invalidInput'));
			const { consultationId, spaceType, spaceId } = parsed.data;
			Promise.resolve(socket.leave(roomForVote(spaceType, spaceId, consultationId)))
				.then(() => reply({ ok: true, data: null }))
				.catch(() => reply(ackError(socket.data.user?.locale, 'error.unexpected')));
		});
	});
}
