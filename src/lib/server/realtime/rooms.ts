/**
 * Which rooms a socket may stay in, asked again whenever its user's rights change. Each kind of room
 * has a guard (spaces, boards, collaborative documents, …); a room no guard claims is left, so a
 * capability that forgets to register a guard fails closed rather than leaking events.
 */
import type { SessionUser } from '../auth/session';
import { log } from '../log';
import type { IoSocket } from './io';

export interface RoomGuard {
	owns(room: string): boolean;
	/** Whether the socket's user, as they are now, may stay (null: a public socket). */
	allows(user: SessionUser | null, room: string, socket: IoSocket): boolean | Promise<boolean>;
	/** Bookkeeping of the capability after the socket was made to leave (documents, presence). */
	left?(socket: IoSocket, room: string): void;
}

export function createRoomGuards() {
	const guards: RoomGuard[] = [];

	return {
		register(guard: RoomGuard) {
			guards.push(guard);
		},
		/** Makes the socket leave every room its user may no longer be in; returns the rooms it left. */
		async enforce(socket: IoSocket): Promise<string[]> {
			const user = socket.data.user;
			const left: string[] = [];
			for (const room of [...socket.rooms]) {
				if (room === socket.id) continue;
				const guard = guards.find((g) => g.owns(room));
				if (!guard) log.warn('socket room without a guard left', { room: room.split(':')[0] });
				if (guard && (await guard.allows(user, room, socket))) continue;
				await socket.leave(room);
				guard?.left?.(socket, room);
				left.push(room);
			}
			return left;
		}
	};
}

export type RoomGuards = ReturnType<typeof createRoomGuards>;

/** `space:residence:abc` (with prefix `space:`) → the space, or null for other rooms. */
export function spaceInRoom(room: string, prefix: string): { type: 'residence' | 'body' | 'training'; id: string } | null {
	if (!room.startsWith(prefix)) return null;
	const [type, id, ...rest] = room.slice(prefix.length).split(':');
	if ((type !== 'residence' && type !== 'body' && type !== 'training') || !id || rest.length > 0) return null;
	return { type, id };
}
