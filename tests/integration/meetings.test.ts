/**
 * A meeting on real sockets: the chair, the secretary and three members in the room, plus an outsider.
 * Check-in, quorum reached, hands raised, a point of order jumping the queue, and a member whose phone
 * drops and comes back getting the whole state in one message. Between joins, each screen gets only
 * what changed (`meeting.patch`), and what it builds from them is the state a fresh join gets.
 */
import { describe, expect, it } from 'vitest';
import { queueOrder } from '$lib/domain/meetings';
import type { MeetingRoomPatch, MeetingRoomState, RoomSection } from '$lib/realtime/meeting-events';
import { applyRoomPatch } from '$lib/realtime/meeting-patch';
import { createBodyFixture } from '$lib/server/services/meetings/fixture';
import { liveHarness, type Client } from './socket-harness';

const harness = liveHarness();
const client = (userId: string) => harness.signedIn(userId);

/** What a screen holds: the state it joined with, then every change applied as it came. */
interface Screen {
	state: MeetingRoomState;
	/** Patches that did not fit what the screen held (it would have joined again). */
	missed: number;
	/** The sections each patch carried, in order. */
	carried: RoomSection[][];
	wholeStates: number;
	watchers: Set<() => void>;
}
const screens = new Map<Client, Screen>();

function join(socket: Client, meetingId: string): Promise<{ ok: true; data: MeetingRoomState } | { ok: false; code: string }> {
	return new Promise((resolve) =>
		socket.emit('meeting.join', { meetingId }, (r) => {
			if (r.ok) follow(socket, r.data);
			resolve(r as never);
		})
	);
}

function follow(socket: Client, state: MeetingRoomState) {
	const known = screens.get(socket);
	if (known) return void (known.state = state);
	const screen: Screen = { state, missed: 0, carried: [], wholeStates: 0, watchers: new Set() };
	screens.set(socket, screen);
	const changed = () => [...screen.watchers].forEach((w) => w());
	socket.on('meeting.state', (s: MeetingRoomState) => {
		screen.wholeStates++;
		screen.state = s;
		changed();
	});
	socket.on('meeting.patch', (p: MeetingRoomPatch) => {
		screen.carried.push(Object.keys(p.changed) as RoomSection[]);
		const outcome = applyRoomPatch(screen.state, p);
		if (outcome.kind === 'applied') screen.state = outcome.state;
		else if (outcome.kind === 'missed') screen.missed++;
		changed();
	});
}

/** The first state the screen holds that matches (it may hold it already). */
function stateWhere(socket: Client, match: (s: MeetingRoomState) => boolean): Promise<MeetingRoomState> {
	const screen = screens.get(socket)!;
	return new Promise((resolve) => {
		const check = () => {
			if (!match(screen.state)) return;
			screen.watchers.delete(check);
			resolve(screen.state);
		};
		screen.watchers.add(check);
		check();
	});
}

/** A state without the server's clock, to compare what two screens hold. */
const content = ({ now: _now, ...rest }: MeetingRoomState) => rest;

describe('meeting room on real sockets', () => {
	it('runs check-in, quorum, hands and a point of order live; a reconnecting phone gets the whole state', async () => {
		const f = await createBodyFixture(harness.app);
		const m = harness.app.services.meetings;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité', startsAt: '2026-11-22T10:00' });
		await m.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'decision' });
		const [chair, secretary, fatou, vincent, elise, outsider] = await Promise.all(
			[f.chair, f.secretary, f.fatou, f.vincent, f.elise, (await createBodyFixture(harness.app)).fatou].map((u) => client(u.id))
		);
		for (const s of [chair!, secretary!, fatou!, vincent!, elise!]) expect((await join(s, id)).ok).toBe(true);
		expect(await join(outsider!, id)).toMatchObject({ ok: false, code: 'forbidden' });
		expect(await join(fatou!, 'x'.repeat(300))).toMatchObject({ ok: false, code: 'error.invalidInput' });

		await m.open(f.chair, { meetingId: id });
		await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });

		// 5 seats, 3 needed. The secretary checks three members in at the door; everyone sees the quorum reached.
		const reached = Promise.all([chair!, fatou!, elise!].map((s) => stateWhere(s, (st) => st.quorum.met)));
		await m.checkIn(f.secretary, { meetingId: id, userId: f.chair.id });
		await m.checkIn(f.secretary, { meetingId: id, userId: f.fatou.id });
		await m.checkIn(f.secretary, { meetingId: id, userId: f.elise.id });
		for (const st of await reached) expect(st.quorum.overall).toMatchObject({ counted: 3, required: 3, met: true });

		// Hands from phones; then a point of order, which goes first on every screen.
		await m.raiseHand(f.fatou, { meetingId: id });
		harness.app.clock.advance(1000);
		await m.raiseHand(f.elise, { meetingId: id, type: 'against' });
		const ordered = stateWhere(chair!, (st) => st.speeches.length === 3);
		harness.app.clock.advance(1000);
		await m.raiseHand(f.vincent, { meetingId: id, type: 'pointOfOrder' });
		const seen = await ordered;
		expect(queueOrder(seen.speeches, seen.rules.firstTimeFirst).map((s) => s.userId)).toEqual([f.vincent.id, f.fatou.id, f.elise.id]);

		// Fatou's phone drops; meanwhile the chair gives the floor. Back in, one message has it all.
		fatou!.disconnect();
		await m.next(f.chair, { meetingId: id });
		const again = await client(f.fatou.id);
		const back = await join(again, id);
		expect(back.ok).toBe(true);
		if (!back.ok) return;
		const speaking = back.data.speeches.find((s) => s.startedAt !== null && s.endedAt === null);
		expect(speaking?.userId).toBe(f.vincent.id);
		expect(back.data.quorum.met).toBe(true);
		expect(back.data.attendance.map((a) => a.userId).sort()).toEqual([f.chair.id, f.fatou.id, f.elise.id].sort());
		expect(back.data.meeting.currentItemId).not.toBeNull();
		// And the next change reaches the reconnected phone live.
		const live = stateWhere(again, (st) => st.speeches.some((s) => s.userId === f.vincent.id && s.endedAt !== null));
		await m.next(f.chair, { meetingId: id });
		expect((await live).speeches.find((s) => s.startedAt !== null && s.endedAt === null)?.userId).toBe(f.fatou.id);

		// Every screen built, from its patches, exactly what a fresh join gets; no patch missed its base.
		const fresh = await join(await client(f.vincent.id), id);
		if (!fresh.ok) throw new Error('join refused');
		for (const s of [chair!, secretary!, elise!, again]) {
			const screen = screens.get(s)!;
			await stateWhere(s, (st) => st.digests.speeches === fresh.data.digests.speeches && st.digests.meeting === fresh.data.digests.meeting);
			expect(content(screen.state)).toEqual(content(fresh.data));
			expect(screen.missed).toBe(0);
		}
		// Only what changed travelled: the check-ins carried the attendance and the quorum, not the people
		// or the agenda; the hands carried the speeches.
		const chairScreen = screens.get(chair!)!;
		expect(chairScreen.wholeStates).toBeLessThanOrEqual(1);
		expect(chairScreen.carried.length).toBeGreaterThanOrEqual(7);
		expect(chairScreen.carried.some((c) => c.includes('attendance') && c.includes('quorum') && !c.includes('speeches'))).toBe(true);
		expect(chairScreen.carried.some((c) => c.includes('speeches') && !c.includes('attendance'))).toBe(true);
		expect(chairScreen.carried.every((c) => !c.includes('people') && !c.includes('rules') && !c.includes('colleges'))).toBe(true);
	});

	it('a screen that missed a change joins again and holds the same state as everyone', async () => {
		const f = await createBodyFixture(harness.app);
		const m = harness.app.services.meetings;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité', startsAt: '2026-11-22T10:00' });
		await m.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'decision' });
		await m.open(f.chair, { meetingId: id });
		await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
		const [watcher, late] = await Promise.all([f.chair, f.fatou].map((u) => client(u.id)));
		expect((await join(watcher!, id)).ok).toBe(true);
		await m.checkIn(f.secretary, { meetingId: id, userId: f.chair.id });
		await stateWhere(watcher!, (st) => st.attendance.length === 1);
		// Fatou's screen joined before the check-in of Élise but never heard of it (as if the message
		// were lost): her state is the one from before, and the next patch does not fit it.
		const before = await join(late!, id);
		if (!before.ok) throw new Error('join refused');
		const stale = before.data;
		await m.checkIn(f.secretary, { meetingId: id, userId: f.elise.id });
		await stateWhere(late!, (st) => st.attendance.length === 2);
		screens.get(late!)!.state = stale;
		const nextPatch = new Promise<MeetingRoomPatch>((resolve) => late!.once('meeting.patch', resolve));
		await m.raiseHand(f.elise, { meetingId: id });
		const patch = await nextPatch;
		expect(Object.keys(patch.changed)).toEqual(expect.not.arrayContaining(['attendance']));
		expect(applyRoomPatch(stale, patch).kind).toBe('missed');
		// Joining again gives the whole state, which is what the screen that missed nothing holds.
		const again = await join(late!, id);
		if (!again.ok) throw new Error('join refused');
		const watching = await stateWhere(watcher!, (st) => st.speeches.length === 1);
		expect(content(again.data)).toEqual(content(watching));
	});
});
