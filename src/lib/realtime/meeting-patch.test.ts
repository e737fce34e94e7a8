import { describe, expect, it } from 'vitest';
import type { MeetingRoomPatch, MeetingRoomState, RoomDigests } from './meeting-events';
import { applyRoomPatch, RoomFollower, type JoinAnswer } from './meeting-patch';

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

describe('RoomFollower', () => {
	/** A screen whose joins are answered by hand: `answers` holds each join's callback, in order. */
	const screen = (initial: MeetingRoomState | null = state) => {
		const answers: ((r: JoinAnswer) => void)[] = [];
		const taken: MeetingRoomState[] = [];
		const follower = new RoomFollower('mtg', (answer) => answers.push(answer), (s) => taken.push(s), initial);
		return { follower, answers, taken };
	};
	const whole = (now: number, speeches: string) => ({ ...state, now, digests: digests({ speeches }) }) as MeetingRoomState;

	it('joins again on a patch it cannot apply, holds the patches that come meanwhile and applies them after the answer', () => {
		const { follower, answers, taken } = screen();
		follower.patch(patch({ digests: digests({ attendance: 'a2' }) }));
		expect(answers).toHaveLength(1);
		// Fits only the state after the join: waits for it.
		follower.patch(patch({ now: 3000, digests: digests({ attendance: 'a2', speeches: 's3' }), changed: { speeches: [] } }));
		expect(taken).toEqual([]);
		answers[0]!({ ok: true, data: { ...whole(2500, 's1'), digests: digests({ attendance: 'a2' }) } });
		expect(taken.map((s) => s.now)).toEqual([2500, 3000]);
		expect(follower.state?.digests.speeches).toBe('s3');
	});

	it('runs one join at a time: a second misfit during a join asks for no other', () => {
		const { follower, answers } = screen();
		follower.patch(patch({ digests: digests({ attendance: 'a2' }) }));
		follower.patch(patch({ now: 2100, digests: digests({ attendance: 'a3' }) }));
		follower.rejoin();
		expect(answers).toHaveLength(1);
	});

	it('never takes a state older than the one held: a late answer does not roll the screen back', () => {
		const { follower, answers } = screen();
		follower.rejoin();
		// A patch that arrived before the answer is held, then applied after it; here the answer is
		// older than what a message already brought (a meeting.state from the other node).
		follower.accept(whole(4000, 's4'));
		answers[0]!({ ok: true, data: whole(3000, 's3') });
		expect(follower.state?.now).toBe(4000);
		expect(follower.state?.digests.speeches).toBe('s4');
		// The same millisecond is not older.
		expect(follower.accept(whole(4000, 's5'))).toBe(true);
		expect(follower.accept({ ...whole(9000, 's9'), meeting: { id: 'other' } } as MeetingRoomState)).toBe(false);
	});

	it('after a refused join or a cut, the next misfit joins again', () => {
		const { follower, answers } = screen();
		follower.rejoin();
		answers[0]!({ ok: false });
		expect(follower.state).toBe(state);
		follower.rejoin();
		expect(answers).toHaveLength(2);
		follower.cut();
		follower.rejoin();
		expect(answers).toHaveLength(3);
	});

	it('ignores patches until it holds a state', () => {
		const { follower, answers, taken } = screen(null);
		follower.patch(patch({ changed: { speeches: [] } }));
		expect(answers).toEqual([]);
		expect(taken).toEqual([]);
	});
});
