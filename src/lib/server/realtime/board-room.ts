import { can, type SpaceRef } from '$lib/domain/policy';
import { boardJoinSchema, roomForBoard } from '$lib/realtime/board-events';
import { roomForSpace } from '$lib/realtime/events';
import { log } from '../log';
import { ackError, forbidden, replyTo } from './ack';
import type { IoServer, IoSocket } from './io';
import type { Presence } from './presence';
import type { RoomGuards } from './rooms';

const BOARD_PREFIX = 'board:residence:';
const residenceOf = (room: string) => room.slice(BOARD_PREFIX.length);

/**
 * Who is looking at a residence board right now. Membership rooms (`space:…`) say who is online in
 * the app; this room says who has the board open, so neighbours see each other at the same table.
 */
export function attachBoardRoom(io: IoServer, presence: Presence, guards: RoomGuards) {
	function broadcast(residenceId: string) {
		const room = roomForBoard(residenceId);
		presence.schedule(room, (list) => io.to(room).emit('board.presence', { residenceId, ...list }));
	}

	guards.register({
		owns: (room) => room.startsWith(BOARD_PREFIX),
		allows: (user, room) => can(user, 'space.view', { type: 'residence', id: residenceOf(room) }),
		left: (_socket, room) => broadcast(residenceOf(room))
	});

	io.on('connection', (socket: IoSocket) => {
		socket.on('board.join', (payload, ack) => {
			const reply = replyTo(ack);
			const user = socket.data.user;
			const parsed = boardJoinSchema.safeParse(payload);
			if (!parsed.success) return reply(ackError(user?.locale, 'error.invalidInput'));
			const space: SpaceRef = { type: 'residence', id: parsed.data.residenceId };
			if (!can(user, 'space.view', space)) return reply(forbidden(user?.locale));
			// The board's updates go to the residence's room, which the hub has a socket join for each
			// space its user belongs to. Whoever may read the board without belonging to the residence (an
			// administrator) joins that room too while the board is open: else her page said "En direct"
			// and heard nothing. The rooms' guard checks both at every change of rights (rooms.ts).
			const spaceRoom = roomForSpace(space.type, space.id);
			// Marked before joining: the hub unmarks the spaces it joins for membership (hub.ts, joinSpaces).
			const borrow = !socket.rooms.has(spaceRoom);
			if (borrow) (socket.data.borrowed ??= new Set()).add(spaceRoom);
			Promise.resolve(socket.join(borrow ? [roomForBoard(space.id), spaceRoom] : roomForBoard(space.id)))
				.then(() => {
					broadcast(space.id);
					// The newcomer gets the list at once in the reply; the others within the window.
					return presence.online(roomForBoard(space.id));
				})
				.then((list) => reply({ ok: true, data: { residenceId: space.id, ...list } }))
				.catch((err: unknown) => {
					log.error('board presence failed', { err: String(err) });
					reply(ackError(user?.locale, 'error.unexpected'));
				});
		});

		socket.on('board.leave', (payload, ack) => {
			const reply = replyTo(ack);
			const parsed = boardJoinSchema.safeParse(payload);
			if (!parsed.success) return reply(ackError(socket.data.user?.locale, 'error.invalidInput'));
			const room = roomForBoard(parsed.data.residenceId);
			if (!socket.rooms.has(room)) return reply({ ok: true, data: null });
			const spaceRoom = roomForSpace('residence', parsed.data.residenceId);
			const borrowed = socket.data.borrowed?.delete(spaceRoom);
			Promise.all([socket.leave(room), borrowed ? socket.leave(spaceRoom) : undefined])
				.then(() => {
					broadcast(parsed.data.residenceId);
					reply({ ok: true, data: null });
				})
				.catch((err: unknown) => {
					log.error('board presence failed', { err: String(err) });
					reply(ackError(socket.data.user?.locale, 'error.unexpected'));
				});
		});

		socket.on('disconnecting', () => {
			// The socket is still in its rooms while "disconnecting"; the coalesced recount runs after it left.
			for (const room of socket.rooms) if (room.startsWith(BOARD_PREFIX)) broadcast(residenceOf(room));
		});
	});

	return {
		/** The boards a socket has open hear its new name or discretion. */
		rebroadcast(socket: IoSocket) {
			for (const room of socket.rooms) if (room.startsWith(BOARD_PREFIX)) broadcast(residenceOf(room));
		}
	};
}
