import { describe, expect, it } from 'vitest';
import type { MeetingRoomPatch, MeetingRoomState, RoomDigests } from './meeting-events';
import { applyRoomPatch } from './meeting-patch';

const digests = (over: Partial<RoomDigests> = {}): RoomDigests => ({
	meeting: 'm1',
	rules: 'r1',
	colleges: 'c1',
	people: 'p1',
	attendance: 'a1',
	quorum: 'q1',
	items: 'i1',
	speeches: 's1',
	motions: 'v1',
	...over
});

const state = {
	meeting: { id: 'mtg', version: 1 },
	speeches: [],
	attendance: [],
	now: 1000,
	digests: digests()
} as unknown as MeetingRoomState;

const patch = (over: Partial<MeetingRoomPatch>): MeetingRoomPatch => ({ meetingId: 'mtg', now: 2000, digests: digests(), changed: {}, ...over });

describe('applyRoomPatch', () => {
	it('replaces the sections a patch carries and keeps the others, without changing the state held', () => {
		const speeches = [{ id: 'sp1' }] as unknown as MeetingRoomState['speeches'];
		const outcome = applyRoomPatch(state, patch({ changed: { speeches }, digests: digests({ speeches: 's2' }) }));
		expect(outcome.kind).toBe('applied');
		if (outcome.kind !== 'applied') return;
		expect(outcome.state.speeches).toBe(speeches);
		expect(outcome.state.attendance).toBe(state.attendance);
		expect(outcome.state.now).toBe(2000);
		expect(outcome.state.digests.speeches).toBe('s2');
		expect(state.speeches).toEqual([]);
		expect(state.digests.speeches).toBe('s1');
	});

	it('applies a patch that carries nothing (the clock moves)', () => {
		const outcome = applyRoomPatch(state, patch({}));
		expect(outcome.kind === 'applied' && outcome.state.now).toBe(2000);
	});

	it('says a change was missed when a section the patch does not carry differs from what the screen holds', () => {
		expect(applyRoomPatch(state, patch({ digests: digests({ attendance: 'a2' }) })).kind).toBe('missed');
		// Carrying the section that differs is fine.
		expect(applyRoomPatch(state, patch({ digests: digests({ attendance: 'a2' }), changed: { attendance: [] } })).kind).toBe('applied');
	});

	it("ignores another meeting's patch and one older than the state held", () => {
		expect(applyRoomPatch(state, patch({ meetingId: 'other', digests: digests({ quorum: 'q9' }) })).kind).toBe('ignored');
		expect(applyRoomPatch(state, patch({ now: 999, changed: { speeches: [] } })).kind).toBe('ignored');
		// The same millisecond is not older: two changes may share one.
		expect(applyRoomPatch(state, patch({ now: 1000 })).kind).toBe('applied');
	});
});
