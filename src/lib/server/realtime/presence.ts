/**
 * Who is online, per room, as the room may see it. A discreet member is counted but carries neither
 * name nor id: an id would let anyone holding the member list put her name back. Everyone is
 * counted, the first PRESENCE_LISTED listed (common.ts): a full list of a thousand members was
 * 55 KB, sent to each of the thousand at every arrival or departure.
 */
import { z } from 'zod';
import { PRESENCE_LISTED, type OnlineList, type OnlineMember } from '$lib/realtime/common';
import type { SessionUser } from '../auth/session';
import { log } from '../log';
import type { Coalescer } from './coalesce';
import type { IoServer, PresenceEntry } from './io';

/** What another node may answer: checked before it is counted (zod at every boundary, Redis included). */
const entriesSchema = z.array(z.tuple([z.string().min(1).max(200), z.string().max(500).nullable()])).max(100_000);

/**
 * `cluster`: other nodes share the rooms (socket.io's Redis adapter). Each node then answers the
 * others' `presence.room` with its own users of the room, an id and a name each. It used to answer
 * socket.io's `fetchSockets`, which sends every socket whole (its handshake with every header, its
 * rooms, its data): 2,000 members connecting across two nodes moved 121–125 MB through Redis, now
 * 7 MB (`npm run bench -- cluster`).
 */
export function createPresence(io: IoServer, coalescer: Coalescer, options: { cluster?: boolean } = {}) {
	const nsp = io.of('/');
	let degraded = false;

	/** A user as nodes tell one another: no name for a discreet member. */
	const entryOf = (u: SessionUser): PresenceEntry => [u.id, u.discreet ? null : u.displayName];

	/** This node's users in the room, each once, in the order their sockets joined it. */
	function here(room: string): PresenceEntry[] {
		const out: PresenceEntry[] = [];
		const seen = new Set<string>();
		for (const id of nsp.adapter.rooms.get(room) ?? []) {
			const u = nsp.sockets.get(id)?.data.user;
			if (!u || seen.has(u.id)) continue;
			seen.add(u.id);
			out.push(entryOf(u));
		}
		return out;
	}

	if (options.cluster) {
		io.on('presence.room', (room, reply) => {
			if (typeof room === 'string' && typeof reply === 'function') reply(here(room));
		});
	}

	/** What the other nodes answered that is a list of users (one that is not is left out, with a warning). */
	function lists(replies: unknown[], room: string): PresenceEntry[][] {
		const out: PresenceEntry[][] = [];
		for (const reply of replies) {
			const parsed = entriesSchema.safeParse(reply);
			if (parsed.success) out.push(parsed.data);
			else log.warn('presence: another node answered what is not a list of users', { room });
		}
		return out;
	}

	/**
	 * Every node's users in the room, this node's first. When a node does not answer in time (killed,
	 * overloaded, or still running a version that does not know the question, during a rolling
	 * upgrade), socket.io gives up after its request timeout (5 s) and hands over the answers that did
	 * come: those are counted with this node's, so that joining a room never fails for want of a head
	 * count and one silent node does not hide the others' people.
	 */
	async function everywhere(room: string): Promise<PresenceEntry[][]> {
		if (!options.cluster) return [here(room)];
		try {
			const replies = await io.serverSideEmitWithAck('presence.room', room);
			degraded = false;
			return [here(room), ...lists(replies, room)];
		} catch (err) {
			if (!degraded) log.warn('presence: another node did not answer, counting those that did', { err: String(err) });
			degraded = true;
			const partial = (err as { responses?: unknown }).responses;
			return [here(room), ...(Array.isArray(partial) ? lists(partial, room) : [])];
		}
	}

	const entry = (id: string, name: string | null): OnlineMember => (name === null ? { userId: null, displayName: null } : { userId: id, displayName: name });

	/**
	 * The room's list. `viewer`: someone about to connect (a page rendered before its socket), counted
	 * as her socket will be.
	 */
	async function online(room: string, viewer?: SessionUser): Promise<OnlineList> {
		const nodes = await everywhere(room);
		const seen = new Set<string>();
		const listed: OnlineMember[] = [];
		const add = (id: string, name: string | null) => {
			if (seen.has(id)) return;
			seen.add(id);
			if (listed.length < PRESENCE_LISTED) listed.push(entry(id, name));
		};
		for (const list of nodes) for (const [id, name] of list) add(id, name);
		if (viewer) add(...entryOf(viewer));
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
