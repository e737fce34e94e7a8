import { can, type SpaceRef } from '$lib/domain/policy';
import { boardJoinSchema, roomForBoard, type BoardPresence } from '$lib/realtime/board-events';
import type { OnlineMember } from '$lib/realtime/events';
import { log } from '../log';
import type { Coalescer } from './coalesce';
import type { IoServer, IoSocket } from './hub';

const BOARD_PREFIX = 'board:residence:';

/**
 * Who is looking at a residence board right now. Membership rooms (`space:…`) say who is online in
 * the app; this room says who has the board open, so neighbours see each other at the same table.
 */
export function attachBoardRoom(io: IoServer, socket: IoSocket, presence: Coalescer) {
	const user = socket.data.user;
	if (!user) return;

	async function online(residenceId: string): Promise<OnlineMember[]> {
		const sockets = await io.in(roomForBoard(residenceId)).fetchSockets();
		const seen = new Map<string, OnlineMember>();
		for (const s of sockets) {
			const u = s.data.user;
			if (u && !seen.has(u.id)) seen.set(u.id, { userId: u.id, displayName: u.discreet ? null : u.displayName });
		}
		return [...seen.values()];
	}

	const fail = (err: unknown) => log.error('board presence failed', { err: String(err) });
	/** The room hears the list once per window, however many people arrive or leave meanwhile. */
	function broadcast(residenceId: string) {
		presence.schedule(`board:${residenceId}`, () => {
			online(residenceId)
				.then((list) => io.to(roomForBoard(residenceId)).emit('board.presence', { residenceId, online: list }))
				.catch(fail);
		});
	}
	async function snapshot(residenceId: string): Promise<BoardPresence> {
		return { residenceId, online: await online(residenceId) };
	}

	socket.on('board.join', (payload, ack) => {
		const reply = typeof ack === 'function' ? ack : () => undefined;
		const parsed = boardJoinSchema.safeParse(payload);
		if (!parsed.success) return reply({ ok: false, code: 'error.invalidInput', error: 'error.invalidInput' });
		const space: SpaceRef = { type: 'residence', id: parsed.data.residenceId };
		if (!can(user, 'space.view', space)) return reply({ ok: false, code: 'forbidden', error: 'error.forbidden' });
		Promise.resolve(socket.join(roomForBoard(space.id)))
			.then(() => {
				broadcast(space.id);
				// The newcomer gets the list at once in the reply; the others within the window.
				return snapshot(space.id);
			})
			.then((list) => reply({ ok: true, data: list }))
			.catch((err: unknown) => {
				fail(err);
				reply({ ok: false, code: 'error.unexpected', error: 'error.unexpected' });
			});
	});

	socket.on('board.leave', (payload, ack) => {
		const parsed = boardJoinSchema.safeParse(payload);
		if (!parsed.success) return;
		Promise.resolve(socket.leave(roomForBoard(parsed.data.residenceId)))
			.then(() => broadcast(parsed.data.residenceId))
			.then(() => (typeof ack === 'function' ? ack({ ok: true, data: null }) : undefined))
			.catch(fail);
	});

	socket.on('disconnecting', () => {
		const boards = [...socket.rooms].filter((r) => r.startsWith(BOARD_PREFIX)).map((r) => r.slice(BOARD_PREFIX.length));
		// The socket is still in its rooms while "disconnecting"; the coalesced recount runs after it left.
		for (const id of boards) broadcast(id);
	});
}
