import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { MinutesStatus } from '$lib/domain/minutes';
import { can, ForbiddenError, meetingActions, meetingResource, minutesActions, minutesResource, type MeetingAction, type MinutesAction } from '$lib/domain/policy';
import { minutesDocName } from '$lib/realtime/collab-events';
import type { SessionUser } from '$lib/server/auth/session';
import { Peer, syncMessage } from '$lib/server/collab/testing-peer';
import { UserError } from '$lib/server/services/errors';
import { createBodyFixture } from '$lib/server/services/meetings/fixture';
import { createTestAppOn, sessionCookie, startRealtimeServer, testEngines, type RealtimeServer, type TestApp } from '$lib/server/testing';

/**
 * Issue 9, meetings and minutes: the sibling of policy-matrix.test.ts for the policy's `meeting`
 * and `minutes` resource kinds (src/lib/domain/policy/meetings.ts). For every person of a body ×
 * every meeting action and every minutes action, `can(actor, action, resource)` is compared with
 * what the doors do: the service calls the pages' form actions make (each on a fresh meeting), and
 * the live doors over socket.io on loopback (the meeting room, the minutes' live draft). The HTTP
 * side runs against the built server in tests/e2e/policy-matrix.spec.ts.
 */

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let server: RealtimeServer;
	let f: Awaited<ReturnType<typeof createBodyFixture>>;
	const cast: Record<string, SessionUser> = {};
	const who = ['stranger', 'observer', 'member', 'absent', 'coEditor', 'secretary', 'chair', 'admin'] as const;

	beforeAll(async () => {
		app = await createTestAppOn(engine);
		server = await startRealtimeServer(app);
		f = await createBodyFixture(app);
		Object.assign(cast, {
			stranger: (await createBodyFixture(app)).fatou,
			observer: f.observer,
			member: f.fatou,
			absent: f.vincent,
			coEditor: f.elise,
			secretary: f.secretary,
			chair: f.chair,
			admin: f.admin
		});
	}, 30_000);

	afterAll(async () => {
		await server.close();
		await app.close();
	});

	/** Runs one door; true if it did the thing, false if it refused (forbidden, or one of the given refusals). */
	async function attempt(fn: () => unknown, refusals: string[] = []): Promise<boolean> {
		try {
			await fn();
			return true;
		} catch (err) {
			if (err instanceof ForbiddenError || (err instanceof UserError && refusals.includes(err.code))) return false;
			throw err;
		}
	}

	let n = 0;
	/** An open meeting with one item on the floor, Fatou checked in, her hand raised and one post by her. */
	async function openMeeting() {
		const m = app.services.meetings;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: `Réunion n° ${++n}`, startsAt: '2026-11-22T10:00' });
		const { id: itemId } = (await m.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'discussion' })) as { id: string };
		await m.open(f.chair, { meetingId: id });
		await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
		await m.checkIn(f.secretary, { meetingId: id, userId: f.fatou.id });
		await m.raiseHand(f.fatou, { meetingId: id });
		const { id: postId } = await m.post(f.fatou, { meetingId: id, itemId, body: 'Je propose de voter le budget.' });
		const row = (await m.detail(f.chair, id)).meeting;
		return { id, itemId, postId, resource: meetingResource({ bodyId: f.body.id, status: row.status }) };
	}

	/** What the meeting pages' form actions call, one action each. */
	function meetingDoor(action: MeetingAction, actor: SessionUser, p: { id: string; itemId: string; postId: string }): () => unknown {
		const m = app.services.meetings;
		switch (action) {
			case 'meeting.view':
				return () => m.roomState(actor, p.id);
			case 'meeting.schedule':
				// Its date and place change before it opens: on a meeting of the same body still to come.
				return async () => {
					const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: `Réunion n° ${++n}`, startsAt: '2026-11-22T10:00' });
					await m.edit(actor, { meetingId: id, title: 'Réunion déplacée', startsAt: '2026-11-23T10:00', place: 'Salle B' });
				};
			case 'meeting.chair':
				return () => m.close(actor, { meetingId: p.id });
			case 'meeting.checkIn':
				return () => m.checkIn(actor, { meetingId: p.id, userId: f.vincent.id });
			case 'meeting.speakers':
				return () => m.next(actor, { meetingId: p.id });
			case 'meeting.proposeItem':
				return () => m.addItem(actor, { meetingId: p.id, title: 'Questions diverses', kind: 'information' });
			case 'meeting.discuss':
				return () => m.post(actor, { meetingId: p.id, itemId: p.itemId, body: 'D’accord.' });
			case 'meeting.moderate':
				return () => m.hidePost(actor, { meetingId: p.id, postId: p.postId, reason: 'Hors sujet' });
		}
	}

	/** The meeting room over socket.io: joining answers with the room's state, or refuses. */
	async function joinRoom(actor: SessionUser, meetingId: string): Promise<boolean> {
		const socket = io(server.url, { extraHeaders: { cookie: await sessionCookie(app, actor.id) }, transports: ['websocket'], forceNew: true, reconnection: false });
		try {
			return ((await socket.timeout(10_000).emitWithAck('meeting.join', { meetingId })) as { ok: boolean }).ok;
		} finally {
			socket.disconnect();
		}
	}

	const attendees = () => [f.chair.id, f.fatou.id, f.elise.id];

	/**
	 * A held meeting's minutes at the given stage: Sophie, Fatou and Élise attended, Élise is the named
	 * co-editor and the secretary wrote a line of the live draft before it moved on.
	 */
	async function minutesAt(stage: 'draft' | 'submitted' | 'amendment') {
		const m = app.services.meetings;
		const minutes = app.services.minutes;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: `Comité n° ${++n}`, startsAt: '2026-11-22T10:00' });
		const { id: itemId } = (await m.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'decision' })) as { id: string };
		await m.open(f.chair, { meetingId: id });
		for (const u of [f.chair, f.fatou, f.elise]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
		await minutes.setCoEditor(f.chair, { meetingId: id, userId: f.elise.id }, true);
		const secretary = new Peer(server.url, await sessionCookie(app, f.secretary.id), minutesDocName(id, itemId));
		await secretary.join();
		secretary.doc.transact(() => secretary.firstLine().insert(0, 'Le budget est voté à la majorité.'));
		await secretary.flush();
		secretary.close();
		await m.close(f.chair, { meetingId: id });
		if (stage !== 'draft') await minutes.submit(f.secretary, { meetingId: id, windowDays: stage === 'amendment' ? 7 : 0 });
		const status: MinutesStatus = stage;
		return { id, itemId, resource: minutesResource({ bodyId: f.body.id }, { status, coEditorIds: [f.elise.id], attendeeIds: attendees() }) };
	}

	/** The stage each minutes action is tried at, and what its form action calls. */
	const minutesStage: Record<MinutesAction, 'draft' | 'submitted' | 'amendment'> = {
		'minutes.view': 'draft',
		'minutes.write': 'draft',
		'minutes.edit': 'draft',
		'minutes.adopt': 'submitted',
		'minutes.amend': 'amendment',
		'minutes.proposeAmendment': 'amendment'
	};
	function minutesDoor(action: MinutesAction, actor: SessionUser, p: { id: string; itemId: string }): (() => Promise<boolean>) | null {
		const minutes = app.services.minutes;
		const amend = () => minutes.proposeAmendment(actor, { meetingId: p.id, section: p.itemId, passage: 'à la majorité', suggestion: 'à l’unanimité' });
		switch (action) {
			case 'minutes.view':
				return () => attempt(() => minutes.view(actor, p.id));
			case 'minutes.write':
				return null; // the live draft's only door is the socket (the page shows `view.can.write`)
			case 'minutes.edit':
				return () => attempt(() => minutes.submit(actor, { meetingId: p.id, windowDays: 0 }));
			case 'minutes.adopt':
				return () => attempt(() => minutes.adopt(actor, { meetingId: p.id }));
			case 'minutes.amend':
				// Taking part in this body's amendments: past the door, whether or not she attended.
				return async () => {
					try {
						await amend();
						return true;
					} catch (err) {
						if (err instanceof UserError && err.code === 'minutes.error.notAttendee') return true;
						if (err instanceof ForbiddenError) return false;
						throw err;
					}
				};
			case 'minutes.proposeAmendment':
				return () => attempt(amend, ['minutes.error.notAttendee']);
		}
	}

	/** Every answer the doors gave, per action: the table must not be trivially "all yes" or "all no". */
	const answers: Record<string, Set<boolean>> = {};
	const note = (record: Record<string, boolean>) => Object.entries(record).forEach(([action, ok]) => (answers[action] ??= new Set()).add(ok));

	const peers: Peer[] = [];
	/** The live draft over socket.io: reading is joining; writing is a change the server stores or refuses. */
	function minutesSocketDoor(action: MinutesAction, actor: SessionUser, p: { id: string; itemId: string }): (() => Promise<boolean>) | null {
		const live = async () => {
			const peer = new Peer(server.url, await sessionCookie(app, actor.id), minutesDocName(p.id, p.itemId));
			peers.push(peer);
			return peer;
		};
		switch (action) {
			case 'minutes.view':
				return async () => (await (await live()).join()).ok;
			case 'minutes.write':
				return async () => {
					const peer = await live();
					if (!(await peer.join()).ok) return false;
					// Sent whatever the join said about read-only: the server decides, not the client.
					const forged = new Y.Doc();
					Y.applyUpdate(forged, Y.encodeStateAsUpdate(peer.doc));
					const before = Y.encodeStateVector(forged);
					forged.getXmlFragment('description').insert(0, [new Y.XmlElement('paragraph')]);
					return (await peer.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(forged, before)))).ok;
				};
			default:
				return null;
		}
	}

	describe('every door agrees with the policy table for meetings and minutes', () => {
		for (const person of who)
			it(`${person}: meeting actions`, async () => {
				const actor = cast[person]!;
				const expected: Record<string, boolean> = {};
				const forms: Record<string, boolean> = {};
				for (const action of meetingActions) {
					const p = await openMeeting();
					expected[action] = can(actor, action, p.resource);
					forms[action] = await attempt(meetingDoor(action, actor, p));
				}
				expect(forms).toEqual(expected);
				note(forms);
				const p = await openMeeting();
				expect({ 'meeting.view': await joinRoom(actor, p.id) }, 'the meeting room over sockets').toEqual({ 'meeting.view': expected['meeting.view'] });
			}, 60_000);

		for (const person of who)
			it(`${person}: minutes actions`, async () => {
				const actor = cast[person]!;
				const expected: Record<string, boolean> = {};
				const forms: Record<string, boolean> = {};
				const sockets: Record<string, boolean> = {};
				const liveExpected: Record<string, boolean> = {};
				for (const action of minutesActions) {
					const p = await minutesAt(minutesStage[action]);
					expected[action] = can(actor, action, p.resource);
					const door = minutesDoor(action, actor, p);
					if (door) forms[action] = await door();
					else delete expected[action];
					const live = minutesSocketDoor(action, actor, await minutesAt(minutesStage[action]));
					if (live) {
						liveExpected[action] = can(actor, action, p.resource);
						sockets[action] = await live();
					}
				}
				for (const peer of peers.splice(0)) peer.close();
				expect(forms).toEqual(expected);
				expect(sockets).toEqual(liveExpected);
				note(forms);
				note(sockets);
			}, 60_000);

		it('each action was done by someone and refused to someone, through its doors', () => {
			for (const action of [...meetingActions, ...minutesActions]) expect([...(answers[action] ?? [])].sort(), action).toEqual([false, true]);
		});

		it('the table itself: who may do what', async () => {
			const meeting = meetingResource({ bodyId: f.body.id, status: 'open' });
			const allowed = (person: (typeof who)[number]) => meetingActions.filter((a) => can(cast[person]!, a, meeting));
			expect(allowed('stranger')).toEqual([]);
			expect(allowed('observer')).toEqual(['meeting.view']);
			expect(allowed('member')).toEqual(['meeting.view', 'meeting.proposeItem', 'meeting.discuss']);
			expect(allowed('chair')).toContain('meeting.chair');
			expect(allowed('secretary')).not.toContain('meeting.chair');
			const draft = minutesResource({ bodyId: f.body.id }, { status: 'draft', coEditorIds: [f.elise.id], attendeeIds: attendees() });
			const onDraft = (person: (typeof who)[number]) => minutesActions.filter((a) => can(cast[person]!, a, draft));
			// The co-editor writes the live draft; a member who is not one reads it.
			expect(onDraft('coEditor')).toContain('minutes.write');
			expect(onDraft('member')).not.toContain('minutes.write');
			expect(onDraft('secretary')).toEqual(expect.arrayContaining(['minutes.write', 'minutes.edit']));
			// Once submitted, nobody writes the live draft; an attendee proposes amendments, an absent member does not.
			const inWindow = { ...draft, status: 'amendment' as const };
			expect(minutesActions.filter((a) => can(cast.coEditor!, a, inWindow))).not.toContain('minutes.write');
			expect(can(cast.member!, 'minutes.proposeAmendment', inWindow)).toBe(true);
			expect(can(cast.absent!, 'minutes.proposeAmendment', inWindow)).toBe(false);
			expect(can(cast.absent!, 'minutes.amend', inWindow)).toBe(true);
			// A fact left out counts as "no": without the attendance, only editors propose amendments.
			expect(can(cast.member!, 'minutes.proposeAmendment', minutesResource({ bodyId: f.body.id }))).toBe(false);
		});
	});
});
