/**
 * Applying a meeting room's patch to the state a screen holds (browser, tests, benchmarks). Pure: the
 * state is never changed in place, so a screen can keep what it had when a patch does not apply.
 *
 * Order: one node's messages reach a screen in the order sent (socket.io keeps order per connection);
 * two nodes' may cross. A patch older than the state held (by the server's clock) is ignored: the
 * newer one was read after it and holds its change. Limit, as with whole states before: two changes
 * made on two nodes within the same millisecond (or closer than the nodes' clocks differ) that cross
 * on the way can leave a screen on the earlier one until the next change, whose digests then show it.
 */
import { ROOM_SECTIONS, type MeetingRoomPatch, type MeetingRoomState } from './meeting-events';

export type PatchOutcome =
	/** The new state. */
	| { kind: 'applied'; state: MeetingRoomState }
	/** Another meeting's, or older than the state held (its clock is behind): nothing to do. */
	| { kind: 'ignored' }
	/** Based on sections the screen does not have (it missed a change): join again for the whole state. */
	| { kind: 'missed' };

export function applyRoomPatch(state: MeetingRoomState, patch: MeetingRoomPatch): PatchOutcome {
	if (patch.meetingId !== state.meeting.id || patch.now < state.now) return { kind: 'ignored' };
	for (const section of ROOM_SECTIONS) {
		const carried = Object.prototype.hasOwnProperty.call(patch.changed, section);
		if (!carried && state.digests[section] !== patch.digests[section]) return { kind: 'missed' };
	}
	return { kind: 'applied', state: { ...state, ...patch.changed, now: patch.now, digests: patch.digests } };
}

/** A join's answer: the whole state, or refused (her rights changed). */
export type JoinAnswer = { ok: true; data: MeetingRoomState } | { ok: false };

/**
 * What one screen of a meeting room holds, kept by the rules every screen follows (the room and
 * projector pages through `client/meeting-live.svelte.ts`, and the tests and benchmarks that stand in
 * for screens): a whole state from a join (also after a cut), then each patch applied; a patch that
 * does not fit what the screen holds (it missed one) asks for a join again. One join at a time: the
 * patches that come while it is under way wait for its answer and are applied after it, in order.
 * A state older than the one held (by the server's clock) is never taken, so a late answer or a
 * message that crossed another never rolls the screen back.
 */
export class RoomFollower {
	#state: MeetingRoomState | null;
	/** Patches that came while a join was under way (null: no join under way). */
	#waiting: MeetingRoomPatch[] | null = null;

	/**
	 * `join` sends `meeting.join` and calls back with its answer; `changed` is told each state the
	 * screen takes.
	 */
	constructor(
		readonly meetingId: string,
		private readonly join: (answer: (r: JoinAnswer) => void) => void,
		private readonly changed: (state: MeetingRoomState) => void,
		initial: MeetingRoomState | null = null
	) {
		this.#state = initial;
	}

	get state(): MeetingRoomState | null {
		return this.#state;
	}

	/** Takes a whole state (a join's answer, `meeting.state`, a page's), unless older than the one held. */
	accept(s: MeetingRoomState): boolean {
		if (s.meeting.id !== this.meetingId || (this.#state && s.now < this.#state.now)) return false;
		this.#state = s;
		this.changed(s);
		return true;
	}

	/** Joins for the whole state, unless a join is already under way. */
	rejoin(): void {
		if (this.#waiting) return;
		this.#waiting = [];
		this.join((r) => {
			const waiting = this.#waiting ?? [];
			this.#waiting = null;
			// Refused: the room guard has taken her out, nothing more comes.
			if (!r.ok) return;
			this.accept(r.data);
			for (const patch of waiting) this.patch(patch);
		});
	}

	patch(patch: MeetingRoomPatch): void {
		if (patch.meetingId !== this.meetingId || !this.#state) return;
		if (this.#waiting) return void this.#waiting.push(patch);
		const outcome = applyRoomPatch(this.#state, patch);
		if (outcome.kind === 'applied') this.accept(outcome.state);
		else if (outcome.kind === 'missed') this.rejoin();
	}

	/** The connection was cut: a join under way never answers, the next connection joins again. */
	cut(): void {
		this.#waiting = null;
	}
}
