/**
 * Who is online, per room, as the room may see it. A discreet member is counted but carries neither
 * name nor id: an id would let anyone holding the member list put her name back.
 */
import type { OnlineMember } from '$lib/realtime/events';
import { log } from '../log';
import type { Coalescer } from './coalesce';
import type { IoServer } from './io';

export function createPresence(io: IoServer, coalescer: Coalescer) {
	let degraded = false;
	/**
	 * Every node's sockets in the room; when another node does not answer in time (killed, or
	 * overloaded), this node's own, so that joining a room never fails for want of a head count.
	 */
	async function socketsIn(room: string) {
		try {
			const all = await io.in(room).fetchSockets();
			degraded = false;
			return all;
		} catch (err) {
			if (!degraded) log.warn('presence: another node did not answer, counting this node only', { err: String(err) });
			degraded = true;
			return io.local.in(room).fetchSockets();
		}
	}

	async function online(room: string): Promise<OnlineMember[]> {
		const sockets = await socketsIn(room);
		const seen = new Map<string, OnlineMember>();
		for (const s of sockets) {
			const u = s.data.user;
			if (u && !seen.has(u.id)) seen.set(u.id, u.discreet ? { userId: null, displayName: null } : { userId: u.id, displayName: u.displayName });
		}
		return [...seen.values()];
	}

	const fail = (err: unknown) => log.error('presence broadcast failed', { err: String(err) });

	return {
		online,
		/** The room hears its list once per window, however many people arrive or leave meanwhile. */
		schedule(room: string, send: (online: OnlineMember[]) => void) {
			coalescer.schedule(room, () => {
				online(room).then(send).catch(fail);
			});
		}
	};
}

export type Presence = ReturnType<typeof createPresence>;
