import type { MeetingRoomPatch, MeetingRoomState } from '$lib/realtime/meeting-events';
import { applyRoomPatch } from '$lib/realtime/meeting-patch';
import { acquireSocket, releaseSocket, type ClientSocket } from './socket';

/**
 * The live state of one meeting room. Joining answers with the whole state (also after a cut), then
 * each change arrives as `meeting.patch`: the sections that changed. A patch that does not fit what
 * this screen holds (it missed one) makes it join again for the whole state; patches arriving while
 * a join is under way wait for its answer and are applied after it, in order. `now` ticks each second
 * on the server's clock (corrected by the offset seen in the last state), so timers computed from
 * stored start times agree on every screen. Create in a component's `$effect`, call `destroy()` in
 * its cleanup.
 */
export class MeetingLive {
	state = $state<MeetingRoomState | null>(null);
	connected = $state(false);
	now = $state(Date.now());
	#offset = 0;
	#socket: ClientSocket;
	#meetingId: string;
	#tick: ReturnType<typeof setInterval>;
	/** Patches that came while a join was under way (null: no join under way). */
	#waiting: MeetingRoomPatch[] | null = null;

	constructor(meetingId: string, initial: MeetingRoomState) {
		this.#meetingId = meetingId;
		this.#accept(initial);
		this.#socket = acquireSocket();
		this.#socket.on('connect', this.#onConnect);
		this.#socket.on('disconnect', this.#onDisconnect);
		this.#socket.on('meeting.state', this.#onState);
		this.#socket.on('meeting.patch', this.#onPatch);
		if (this.#socket.connected) this.#onConnect();
		this.#tick = setInterval(() => (this.now = Date.now() + this.#offset), 1000);
	}

	#accept(s: MeetingRoomState) {
		// Out-of-order messages never roll the room back.
		if (this.state && s.now < this.state.now) return;
		this.#offset = s.now - Date.now();
		this.now = s.now;
		this.state = s;
	}

	#onConnect = () => {
		this.connected = true;
		this.#join();
	};

	#join() {
		if (this.#waiting) return;
		this.#waiting = [];
		this.#socket.emit('meeting.join', { meetingId: this.#meetingId }, (r) => {
			const waiting = this.#waiting ?? [];
			this.#waiting = null;
			// Refused (her rights changed): the room guard has taken her out, nothing more comes.
			if (!r.ok) return;
			this.#accept(r.data);
			for (const patch of waiting) this.#onPatch(patch);
		});
	}

	#onPatch = (patch: MeetingRoomPatch) => {
		if (patch.meetingId !== this.#meetingId || !this.state) return;
		if (this.#waiting) return void this.#waiting.push(patch);
		const outcome = applyRoomPatch(this.state, patch);
		if (outcome.kind === 'applied') this.#accept(outcome.state);
		else if (outcome.kind === 'missed') this.#join();
	};

	#onDisconnect = () => {
		this.connected = false;
		// A join cut off never answers: the next connection joins again.
		this.#waiting = null;
	};

	#onState = (s: MeetingRoomState) => {
		if (s.meeting.id === this.#meetingId) this.#accept(s);
	};

	/** A page reload after a form action may carry a newer state than the socket. */
	offer(s: MeetingRoomState) {
		this.#accept(s);
	}

	destroy() {
		clearInterval(this.#tick);
		this.#socket.emit('meeting.leave', { meetingId: this.#meetingId });
		this.#socket.off('connect', this.#onConnect);
		this.#socket.off('disconnect', this.#onDisconnect);
		this.#socket.off('meeting.state', this.#onState);
		this.#socket.off('meeting.patch', this.#onPatch);
		releaseSocket();
	}
}
