import type { MeetingRoomPatch, MeetingRoomState } from '$lib/realtime/meeting-events';
import { RoomFollower } from '$lib/realtime/meeting-patch';
import { acquireSocket, releaseSocket, type ClientSocket } from './socket';

/**
 * The live state of one meeting room. Joining answers with the whole state (also after a cut), then
 * each change arrives as `meeting.patch`: the sections that changed. A patch that does not fit what
 * this screen holds (it missed one) makes it join again for the whole state; patches arriving while
 * a join is under way wait for its answer and are applied after it, in order (`RoomFollower`, which
 * the tests and benchmarks use for their screens too). `now` ticks each second on the server's clock
 * (corrected by the offset seen in the last state), so timers computed from stored start times agree
 * on every screen. Create in a component's `$effect`, call `destroy()` in its cleanup.
 */
export class MeetingLive {
	state = $state<MeetingRoomState | null>(null);
	connected = $state(false);
	now = $state(Date.now());
	#offset = 0;
	#socket: ClientSocket;
	#follower: RoomFollower;
	#tick: ReturnType<typeof setInterval>;

	constructor(meetingId: string, initial: MeetingRoomState) {
		this.#socket = acquireSocket();
		this.#follower = new RoomFollower(
			meetingId,
			(answer) => this.#socket.emit('meeting.join', { meetingId }, answer),
			(s) => {
				this.#offset = s.now - Date.now();
				this.now = s.now;
				this.state = s;
			}
		);
		this.#follower.accept(initial);
		this.#socket.on('connect', this.#onConnect);
		this.#socket.on('disconnect', this.#onDisconnect);
		this.#socket.on('meeting.state', this.#onState);
		this.#socket.on('meeting.patch', this.#onPatch);
		if (this.#socket.connected) this.#onConnect();
		this.#tick = setInterval(() => (this.now = Date.now() + this.#offset), 1000);
	}

	#onConnect = () => {
		this.connected = true;
		this.#follower.rejoin();
	};

	#onPatch = (patch: MeetingRoomPatch) => this.#follower.patch(patch);

	#onDisconnect = () => {
		this.connected = false;
		this.#follower.cut();
	};

	#onState = (s: MeetingRoomState) => void this.#follower.accept(s);

	/** A page reload after a form action may carry a newer state than the socket. */
	offer(s: MeetingRoomState) {
		this.#follower.accept(s);
	}

	destroy() {
		clearInterval(this.#tick);
		this.#socket.emit('meeting.leave', { meetingId: this.#follower.meetingId });
		this.#socket.off('connect', this.#onConnect);
		this.#socket.off('disconnect', this.#onDisconnect);
		this.#socket.off('meeting.state', this.#onState);
		this.#socket.off('meeting.patch', this.#onPatch);
		releaseSocket();
	}
}
