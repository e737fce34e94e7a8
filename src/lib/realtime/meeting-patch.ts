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
