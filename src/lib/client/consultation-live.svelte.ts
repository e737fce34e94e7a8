import type { ConsultationLive as Snapshot, VoteJoin } from '$lib/realtime/vote-events';
import { acquireSocket, releaseSocket, type ClientSocket } from './socket';

/**
 * Live tallies and turnout of one consultation, from the `vote.tally` events the server sends to
 * the consultation's room after each vote (joined at each connection: a reconnection that could not
 * recover its rooms joins again). The page renders `current`, first from its load data. Create in a
 * component's `$effect`, call `destroy()` in its cleanup.
 */
export class ConsultationLive {
	current = $state<Snapshot>() as Snapshot;
	connected = $state(false);
	/** Bumped on each update, for a brief highlight and a polite announcement. */
	updates = $state(0);
	justClosed = $state(false);
	#socket: ClientSocket;
	#wasConnected = false;
	#onCatchUp: () => void;

	constructor(initial: Snapshot, onCatchUp: () => void) {
		this.current = initial;
		this.#onCatchUp = onCatchUp;
		this.#socket = acquireSocket();
		this.#socket.on('connect', this.#onConnect);
		this.#socket.on('disconnect', this.#onDisconnect);
		this.#socket.on('vote.tally', this.#onTally);
		if (this.#socket.connected) this.#onConnect();
	}

	/** The consultation's room: its id and its space (the snapshot's `type:id`). */
	#room(): VoteJoin {
		const [spaceType = '', spaceId = ''] = this.current.spaceKey.split(':');
		return { consultationId: this.current.consultationId, spaceType, spaceId };
	}

	#onConnect = () => {
		this.#socket.emit('vote.join', this.#room(), () => {});
		this.connected = true;
		// After a cut, reload so that nothing missed stays missing.
		if (this.#wasConnected) this.#onCatchUp();
		this.#wasConnected = true;
	};

	#onDisconnect = () => {
		this.connected = false;
	};

	#onTally = (s: Snapshot) => {
		if (s.consultationId !== this.current.consultationId) return;
		if (s.status === 'closed' && this.current.status !== 'closed') this.justClosed = true;
		this.current = s;
		this.updates += 1;
	};

	destroy() {
		this.#socket.off('connect', this.#onConnect);
		this.#socket.off('disconnect', this.#onDisconnect);
		this.#socket.off('vote.tally', this.#onTally);
		if (this.#socket.connected) this.#socket.emit('vote.leave', this.#room());
		releaseSocket();
	}
}
