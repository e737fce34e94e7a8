import type { MeetingRoomState } from '$lib/realtime/meeting-events';
import { acquireSocket, releaseSocket, type ClientSocket } from './socket';

/**
 * The live state of one meeting room. Joining answers with the whole state (also after a cut), then
 * every change arrives whole as `meeting.state`. `now` ticks each second on the server's clock
 * (corrected by the offset seen in the last state), so timers computed from stored start times agree
 * on every screen. Create in a component's `$effect`, call `destroy()` in its cleanup.
 */
export class MeetingLive {
	state = $state<MeetingRoomState | null>(null);
	connected = $state(false);
	now = $state(Date.now());
	#offset = 0;
	#socket: ClientSocket;
	#meetingId: string;
	#tick: ReturnType<typeof setInterval>;

	constructor(meetingId: string, initial: MeetingRoomState) {
		this.#meetingId = meetingId;
		this.#accept(initial);
		this.#socket = acquireSocket();
		this.#socket.on('connect', this.#onConnect);
		this.#socket.on('disconnect', this.#onDisconnect);
		this.#socket.on('meeting.state', this.#onState);
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
		this.#socket.emit('meeting.join', { meetingId: this.#meetingId }, (r) => {
			if (r.ok) this.#accept(r.data);
		});
	};

	#onDisconnect = () => {
		this.connected = false;
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
		releaseSocket();
	}
}
