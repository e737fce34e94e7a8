/**
 * Holds back what rooms broadcast to a socket while its user's rights are read again.
 *
 * A role removed is signalled at once (`account.changed`), but the socket learns which rooms it may
 * stay in only after a query. Without a hold, whatever a space, a board or a document broadcast in
 * that window reached someone who no longer had the right to it. With it, the broadcast waits for
 * this socket alone, and once its rooms match its rights it gets, in order, what was sent to the
 * rooms it is still in: a change that keeps her rights loses nothing, one that removes them leaks
 * nothing. Sockets that are not held pay one `Map.size` check per broadcast.
 *
 * socket.io has no public hook between a broadcast and the sockets it reaches, so this wraps two
 * methods its adapters share (`socket.io-adapter` 2.5): `_encode`, called by `broadcast` just before
 * it walks the sockets with `apply`. The cluster adapter's broadcasts from other nodes go through the
 * same two on this node. Checked at start; `tests/integration/live-rights.test.ts` fails if either
 * stops doing what this relies on.
 *
 * In a cluster, the change reaches the other nodes on the bus's Redis channel while broadcasts travel
 * in socket.io's adapter stream, so a broadcast sent at once after the change could get to another node
 * first (a test publishing right after a removal on the other node saw that in about half of its runs).
 * So the change also travels in the stream, ahead of any later broadcast: the node where it happened
 * broadcasts a `live.signal` packet (`SIGNAL_EVENT`), which this hold takes out of the delivery on every
 * node and hands to `onSignal` instead of any socket (tests/integration/cluster.test.ts: the same test
 * passed 20 runs out of 20). socket.io's `serverSideEmit` is no help: its messages go by pub/sub too.
 * A session recovered from the stream (another node's `restoreSession`) may replay such a packet to
 * the client: only to a session of the user it names, whose recovery is refused once that node knows
 * of the change (hub.ts); in the moment before, the client gets her own id, and ignores the event.
 */
import type { IoServer, IoSocket } from './io';

/** What the adapter's `apply` is given for a broadcast: its rooms (none: everyone) and the rooms it skips. */
interface BroadcastOptions {
	rooms: ReadonlySet<string>;
	except?: ReadonlySet<string>;
}

interface Pending {
	opts: BroadcastOptions;
	deliver: () => void;
}

interface Slot {
	count: number;
	pending: Pending[];
}

/** The adapter's two methods used here (not part of its typed interface). */
interface Internals {
	apply(opts: BroadcastOptions, callback: (socket: IoSocket) => void): void;
	_encode(...args: unknown[]): unknown;
}

/** The event of the packet that carries an account change between nodes; never sent to a client. */
export const SIGNAL_EVENT = 'live.signal';

export interface DeliveryHold {
	/** Until the matching `release`, broadcasts that would reach this socket wait. Holds nest. */
	hold(socket: IoSocket): void;
	/** Ends one hold; after the last one, delivers what waited to the rooms the socket is still in. */
	release(socket: IoSocket): void;
}

/** `onSignal`: what a `SIGNAL_EVENT` packet carried (from this node or another), unchecked. */
export function createDeliveryHold(io: IoServer, onSignal: (carried: unknown) => void = () => undefined): DeliveryHold {
	const adapter = io.of('/').adapter as unknown as Internals;
	if (typeof adapter.apply !== 'function' || typeof adapter._encode !== 'function') {
		throw new Error('socket.io adapter without apply/_encode: the delivery hold of realtime/hold.ts needs updating');
	}
	const held = new Map<string, Slot>();
	const apply = adapter.apply.bind(adapter);
	const encode = adapter._encode.bind(adapter);
	/** Set by `_encode`, read by the `apply` that follows it: that walk delivers a broadcast. */
	let broadcasting = false;
	/** Set by `_encode` for a `SIGNAL_EVENT` packet: its `apply` delivers nothing, `onSignal` gets it. */
	let carried: { value: unknown } | undefined;

	adapter._encode = (...args) => {
		broadcasting = true;
		const data = (args[0] as { data?: unknown } | undefined)?.data;
		if (Array.isArray(data) && data[0] === SIGNAL_EVENT) carried = { value: data[1] };
		return encode(...args);
	};
	adapter.apply = (opts, callback) => {
		const delivering = broadcasting;
		broadcasting = false;
		if (delivering && carried) {
			const { value } = carried;
			carried = undefined;
			return onSignal(value);
		}
		if (!delivering || held.size === 0) return apply(opts, callback);
		apply(opts, (socket) => {
			const slot = held.get(socket.id);
			if (slot) slot.pending.push({ opts, deliver: () => callback(socket) });
			else callback(socket);
		});
	};

	const stillFor = (socket: IoSocket, { rooms, except }: BroadcastOptions) =>
		(rooms.size === 0 || [...rooms].some((r) => socket.rooms.has(r))) && ![...(except ?? [])].some((r) => socket.rooms.has(r));

	return {
		hold(socket) {
			const slot = held.get(socket.id);
			if (slot) slot.count++;
			else held.set(socket.id, { count: 1, pending: [] });
		},
		release(socket) {
			const slot = held.get(socket.id);
			if (!slot || --slot.count > 0) return;
			held.delete(socket.id);
			if (!socket.connected) return;
			for (const p of slot.pending) if (stillFor(socket, p.opts)) p.deliver();
		}
	};
}
