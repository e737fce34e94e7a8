/**
 * Who is online, per room, as the room may see it. A discreet member is counted but carries neither
 * name nor id: an id would let anyone holding the member list put her name back. Everyone is
 * counted, the first PRESENCE_LISTED listed (common.ts): a full list of a thousand members was
 * 55 KB, sent to each of the thousand at every arrival or departure.
 */
import { PRESENCE_LISTED, type OnlineList, type OnlineMember } from '$lib/realtime/common';
import type { SessionUser } from '../auth/session';
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

	const entry = (u: SessionUser): OnlineMember => (u.discreet ? { userId: null, displayName: null } : { userId: u.id, displayName: u.displayName });

	/**
	 * The room's list. `viewer`: someone about to connect (a page rendered before its socket), counted
	 * as her socket will be.
	 */
	async function online(room: string, viewer?: SessionUser): Promise<OnlineList> {
		const sockets = await socketsIn(room);
		const seen = new Set<string>();
		const listed: OnlineMember[] = [];
		const add = (u: SessionUser) => {
			if (seen.has(u.id)) return;
			seen.add(u.id);
			if (listed.length < PRESENCE_LISTED) listed.push(entry(u));
		};
		for (const s of sockets) if (s.data.user) add(s.data.user);
		if (viewer) add(viewer);
		return { online: listed, count: seen.size };
	}

	const fail = (err: unknown) => log.error('presence broadcast failed', { err: String(err) });

	return {
		online,
		/** The room hears its list once per window, however many people arrive or leave meanwhile. */
		schedule(room: string, send: (list: OnlineList) => void) {
			coalescer.schedule(room, () => {
				online(room).then(send).catch(fail);
			});
		}
	};
}

export type Presence = ReturnType<typeof createPresence>;
