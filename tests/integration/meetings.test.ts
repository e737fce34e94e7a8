/**
 * A meeting on real sockets: the chair, the secretary and three members in the room, plus an outsider.
 * Check-in, quorum reached, hands raised, a point of order jumping the queue, and a member whose phone
 * drops and comes back getting the whole state in one message.
 */
import { describe, expect, it } from 'vitest';
import { queueOrder } from '$lib/domain/meetings';
import type { MeetingRoomState } from '$lib/realtime/meeting-events';
import { createBodyFixture } from '$lib/server/services/meetings/fixture';
import { liveHarness, type Client } from './socket-harness';

const harness = liveHarness();
const client = (userId: string) => harness.signedIn(userId);

function join(socket: Client, meetingId: string): Promise<{ ok: true; data: MeetingRoomState } | { ok: false; code: string }> {
	return new Promise((resolve) => socket.emit('meeting.join', { meetingId }, (r) => resolve(r as never)));
}

/** The first state at or after `version` that matches. */
function stateWhere(socket: Client, match: (s: MeetingRoomState) => boolean): Promise<MeetingRoomState> {
	return new Promise((resolve) => {
		const handler = (s: MeetingRoomState) => {
			if (!match(s)) return;
			socket.off('meeting.state', handler);
			resolve(s);
		};
		socket.on('meeting.state', handler);
	});
}

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
	});
});
