/**
 * The meetings, minutes and portal services on both engines (issue 12): the paths whose every step
 * is converted to the async data handle run here on SQLite and on PostgreSQL. Still SQLite-only
 * (their suites say so): anything through the consultations service (motions), the notifications
 * (recorded through their synchronous leaf: on PostgreSQL a meeting notice fails, is logged as
 * "meeting notification failed" and leaves the meeting change alone), the collaborative minutes text
 * (submit, view, publication) and the register (the public body portal).
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { first } from '$lib/server/db/data';
import { UserError } from '$lib/server/services/errors';
import { createBodyFixture } from '$lib/server/services/meetings/fixture';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '$lib/server/testing';

async function code(fn: () => Promise<unknown>) {
	try {
		await fn();
	} catch (err) {
		if (err instanceof UserError) return err.code;
		if (err instanceof ForbiddenError) return 'forbidden';
		throw err;
	}
	return 'ok';
}

describe.each(testEngines)('meetings, minutes and portal on %s', (engine) => {
	let app: TestApp;
	afterEach(() => app?.close());

	async function body() {
		app = await createTestAppOn(engine);
		return createBodyFixture(app);
	}

	it('schedules, draws up the agenda, checks people in with a proxy, moves once when two chairs press, and keeps the list of speakers', async () => {
		const f = await body();
		const m = app.services.meetings;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité de décembre', startsAt: '2026-12-03T18:30', place: 'Maison de quartier' });
		expect(await code(() => m.schedule(f.fatou, { bodyId: f.body.id, title: 'Pirate', startsAt: '2026-12-03T18:30' }))).toBe('forbidden');
		const info = await m.addItem(f.chair, { meetingId: id, title: 'Nouvelles', kind: 'information', timeBoxMin: '10' });
		const decision = await m.addItem(f.secretary, { meetingId: id, title: 'Budget', kind: 'decision' });
		const proposed = await m.addItem(f.fatou, { meetingId: id, title: 'Place des bénévoles', kind: 'discussion' });
		expect(proposed.proposed).toBe(true);
		await m.decideItem(f.chair, { meetingId: id, itemId: proposed.id, accept: 'on' });
		expect(await code(() => m.decideItem(f.chair, { meetingId: id, itemId: proposed.id, accept: '', reason: 'non' }))).toBe('meetings.error.alreadyDecided');
		const detail = await m.detail(f.fatou, id);
		expect(new Date(detail.meeting.startsAt).toISOString()).toBe('2026-12-03T17:30:00.000Z');
		expect(detail.items.map((i) => [i.id, i.title])).toEqual([
			[info.id, 'Nouvelles'],
			[decision.id, 'Budget'],
			[proposed.id, 'Place des bénévoles']
		]);
		expect((await m.list(f.fatou, f.body.id)).upcoming.map((x) => x.id)).toEqual([id]);

		// Vincent gives his proxy to Fatou; a second proxy to her is one too many.
		await m.respond(f.vincent, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id });
		expect(await code(() => m.respond(f.director, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id }))).toBe('meetings.error.proxyLimit');
		await m.open(f.chair, { meetingId: id });
		for (const u of [f.chair, f.fatou]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
		let room = await m.roomState(f.observer, id);
		expect(room.attendance.filter((a) => a.status === 'present').map((a) => a.userId).sort()).toEqual([f.chair.id, f.fatou.id].sort());
		expect(room.attendance.find((a) => a.userId === f.vincent.id)).toMatchObject({ status: 'proxy', proxyHolderId: f.fatou.id });

		// Two chairs press "next" on the same agenda at once: the meeting moves once.
		const moves = await Promise.allSettled([0, 1].map(() => m.moveTo(f.chair, { meetingId: id, expected: '', to: info.id })));
		expect(moves.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		room = await m.roomState(f.fatou, id);
		expect(room.meeting.currentItemId).toBe(info.id);

		// Hands: Fatou raises hers (not twice), the chair adds Dina, gives the floor, Fatou speaks first.
		const hand = await m.raiseHand(f.fatou, { meetingId: id });
		expect(await code(() => m.raiseHand(f.fatou, { meetingId: id }))).toBe('meetings.error.handAlreadyRaised');
		app.clock.advance(1000);
		const added = await m.addSpeaker(f.chair, { meetingId: id, userId: f.director.id });
		expect((await m.next(f.chair, { meetingId: id })).speechId).toBe(hand.id);
		await m.withdraw(f.director, { meetingId: id, speechId: added.id });
		expect(await code(() => m.withdraw(f.director, { meetingId: id, speechId: added.id }))).toBe('meetings.error.speakerGone');
		await m.endSpeech(f.chair, { meetingId: id, speechId: hand.id });
		expect(await code(() => m.endSpeech(f.chair, { meetingId: id, speechId: hand.id }))).toBe('meetings.error.speakerGone');
		room = await m.roomState(f.fatou, id);
		expect(room.speeches.map((s) => [s.userId, s.endedAt !== null, s.cancelledAt !== null])).toEqual([
			[f.fatou.id, true, false],
			[f.director.id, false, true]
		]);

		// Out of the room, then the meeting closes; every step left its audit entry, and its version grew.
		await m.checkOut(f.secretary, { meetingId: id, userId: f.fatou.id });
		expect(await code(() => m.checkOut(f.secretary, { meetingId: id, userId: f.fatou.id }))).toBe('meetings.error.notCheckedIn');
		await m.close(f.chair, { meetingId: id });
		const { data } = app.services.deps;
		const actions = (await data.db.select({ action: data.t.auditLog.action }).from(data.t.auditLog).where(eq(data.t.auditLog.subjectId, id))).map((a) => a.action);
		for (const a of ['meeting.schedule', 'meeting.itemAdded', 'meeting.itemProposed', 'meeting.itemAccepted', 'meeting.attendance', 'meeting.open', 'meeting.item', 'meeting.hand', 'meeting.nextSpeaker', 'meeting.handLowered', 'meeting.speechEnded', 'meeting.close'])
			expect(actions).toContain(a);
		expect((await m.roomState(f.fatou, id)).meeting.status).toBe('closed');
	});

	it('keeps the body’s rules and seats, and an item’s written thread with a hidden post', async () => {
		const f = await body();
		const m = app.services.meetings;
		await m.setRules(f.chair, { bodyId: f.body.id, quorumPct: '60', proxyLimit: '2', balanceWarnRatio: '1.5', proxiesCountForQuorum: 'on', proxyColleges: 'within' });
		expect(await m.bodyRules(f.fatou, f.body.id)).toMatchObject({ quorum: 0.6, proxyLimit: 2, proxiesAcrossColleges: false });
		await m.setSeat(f.chair, { bodyId: f.body.id, userId: f.fatou.id, substituteId: f.vincent.id, termStart: '2026-01-01', termEnd: '' });
		expect(await code(() => m.setSeat(f.chair, { bodyId: f.body.id, userId: f.fatou.id, substituteId: f.fatou.id }))).toBe('meetings.error.substituteSelf');
		const seats = await m.seats(f.fatou, f.body.id);
		expect(seats.colleges.find((c) => c.id === f.colleges.vol.id)!.seats.find((s) => s.userId === f.fatou.id)).toMatchObject({ substituteName: 'Vincent', termStart: '2026-01-01' });

		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité', startsAt: '2026-12-03T18:30' });
		const item = await m.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'decision' });
		const post = await m.post(f.fatou, { meetingId: id, itemId: item.id, body: 'Je propose un budget participatif.' });
		app.clock.advance(1000);
		await m.post(f.director, { meetingId: id, itemId: item.id, body: 'D’accord.' });
		await m.hidePost(f.chair, { meetingId: id, postId: post.id, reason: 'Hors sujet pour ce point' });
		expect(await code(() => m.hidePost(f.chair, { meetingId: id, postId: post.id, reason: 'Encore une fois' }))).toBe('board.error.alreadyHidden');
		const thread = await m.thread(f.vincent, id, item.id);
		expect(thread.posts.map((p) => [p.hidden, p.body])).toEqual([
			[true, null],
			[false, 'D’accord.']
		]);
		expect((await m.detail(f.fatou, id)).posts).toEqual({ [item.id]: 2 });
		await m.unhidePost(f.chair, { meetingId: id, postId: post.id });
		expect((await m.thread(f.vincent, id, item.id)).posts[0]!.body).toBe('Je propose un budget participatif.');
	});

	it('minutes settings, portal consent, co-editors and the live draft’s access; a residence’s portal settings', async () => {
		const f = await body();
		const minutes = app.services.minutes;
		await minutes.saveSettings(f.chair, { bodyId: f.body.id, portalPublic: false, chairMayAdopt: false, amendmentDays: '3' });
		expect(await minutes.settings(f.fatou, f.body.id)).toMatchObject({ portalPublic: false, chairMayAdopt: false, amendmentDays: 3, canChange: false, consent: false, isMember: true });
		await minutes.setConsent(f.fatou, { bodyId: f.body.id, consent: true });
		await minutes.setConsent(f.fatou, { bodyId: f.body.id, consent: true });
		expect((await minutes.settings(f.fatou, f.body.id)).consent).toBe(true);

		const { id } = await app.services.meetings.schedule(f.chair, { bodyId: f.body.id, title: 'Comité', startsAt: '2026-12-03T18:30' });
		const { minutesDocLevel } = await import('$lib/server/services/minutes/doc-access');
		const { data } = app.services.deps;
		expect(await minutesDocLevel(data, f.fatou, id, 'general')).toBe('read');
		await minutes.setCoEditor(f.chair, { meetingId: id, userId: f.fatou.id }, true);
		expect(await minutesDocLevel(data, f.fatou, id, 'general')).toBe('write');
		expect(await minutesDocLevel(data, f.secretary, id, 'general')).toBe('write');
		await minutes.setCoEditor(f.chair, { meetingId: id, userId: f.fatou.id }, false);
		expect(await minutesDocLevel(data, f.fatou, id, 'general')).toBe('read');
		expect(await code(() => minutes.setCoEditor(f.fatou, { meetingId: id, userId: f.vincent.id }, true))).toBe('forbidden');

		// A residence publishes its results; its staff see the portal's address.
		const { org, residence } = await createResidence(app);
		const residenceId = residence.id;
		const staff = await createUser(app, { roles: [{ type: 'residence', id: residenceId, role: 'facilitator' }] });
		expect(await app.services.portal.settings(staff, residenceId)).toMatchObject({ resultsPublic: false, href: null, canChange: true });
		await app.services.portal.saveSettings(staff, { residenceId, resultsPublic: true });
		expect((await app.services.portal.settings(staff, residenceId)).href).toBe(`/o/${org.slug}/r/${residence.slug}`);
		const audited = await first(data.db.select().from(data.t.auditLog).where(and(eq(data.t.auditLog.action, 'portal.residence'), eq(data.t.auditLog.subjectId, residenceId))));
		expect(audited?.data).toEqual({ resultsPublic: true });
	});
});
