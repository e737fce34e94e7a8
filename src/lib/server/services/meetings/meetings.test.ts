import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { queueOrder } from '$lib/domain/meetings';
import type { Published } from '../../realtime/bus';
import type { MeetingRoomPatch } from '$lib/realtime/meeting-events';
import { eq } from 'drizzle-orm';
import { first } from '../../db/data';
import { createTestAppOn, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { createBodyFixture } from './fixture';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let published: Published[];
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		published = [];
		app.services.deps.bus.subscribe((m) => published.push(m));
	});
	afterEach(() => app.close());

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

	async function meetingWithAgenda() {
		const f = await createBodyFixture(app);
		const m = app.services.meetings;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité de décembre', startsAt: '2026-12-03T18:30', place: 'Maison de quartier' });
		const info = await m.addItem(f.chair, { meetingId: id, title: 'Nouvelles des lieux', kind: 'information', timeBoxMin: '10' });
		const decision = await m.addItem(f.secretary, { meetingId: id, title: 'Budget de la plateforme', kind: 'decision', timeBoxMin: '20' });
		return { f, m, id, info: info.id, decision: decision.id };
	}

	describe('meetings service', () => {
		it('schedules in Paris time, and only the chair or the secretary may', async () => {
			const { f, m, id } = await meetingWithAgenda();
			const detail = await m.detail(f.fatou, id);
			// 18:30 in Paris in December is 17:30 UTC.
			expect(new Date(detail.meeting.startsAt).toISOString()).toBe('2026-12-03T17:30:00.000Z');
			expect(detail.meeting.startsAtLocal).toBe('2026-12-03T18:30');
			expect(await code(() => m.schedule(f.fatou, { bodyId: f.body.id, title: 'Pirate', startsAt: '2026-12-03T18:30' }))).toBe('forbidden');
			expect(await code(() => m.schedule(f.chair, { bodyId: f.body.id, title: 'x', startsAt: 'demain' }))).toBe('meetings.error.title');
			const { data } = app.services.deps;
			const rows = (await data.db.select().from(data.t.auditLog)).map((a) => a.action);
			expect(rows).toContain('meeting.schedule');
		});

		it('a member proposes an item; the chair declines it with a reason or accepts it', async () => {
			const { f, m, id } = await meetingWithAgenda();
			const proposed = await m.addItem(f.fatou, { meetingId: id, title: 'Place des bénévoles', kind: 'discussion' });
			expect(proposed.proposed).toBe(true);
			expect((await m.roomState(f.fatou, id)).items.map((i) => i.title)).not.toContain('Place des bénévoles');
			expect(await code(() => m.decideItem(f.chair, { meetingId: id, itemId: proposed.id, accept: '', reason: '' }))).toBe('meetings.error.reasonRequired');
			expect(await code(() => m.decideItem(f.fatou, { meetingId: id, itemId: proposed.id, accept: 'on' }))).toBe('forbidden');
			await m.decideItem(f.chair, { meetingId: id, itemId: proposed.id, accept: 'on' });
			expect(await code(() => m.decideItem(f.chair, { meetingId: id, itemId: proposed.id, accept: '', reason: 'non' }))).toBe('meetings.error.alreadyDecided');
			expect((await m.roomState(f.fatou, id)).items.map((i) => i.title)).toContain('Place des bénévoles');
		});

		it('refuses an agenda item linked to another body’s consultation', async () => {
			const { f, m, id } = await meetingWithAgenda();
			const other = await createBodyFixture(app);
			const foreign = await app.services.consultations.create(other.chair, {
				space: other.space,
				question: 'Autre instance ?',
				method: 'yes-no-abstain',
				electorate: 'body',
				secrecy: 'public',
				resultsVisibility: 'live'
			});
			expect(await code(() => m.addItem(f.chair, { meetingId: id, title: 'Lien étranger', kind: 'decision', consultationId: foreign.id }))).toBe('meetings.error.link');
		});

		it('counts proxies and check-ins into the live quorum, and refuses bad proxies', async () => {
			const { f, m, id } = await meetingWithAgenda();
			// 5 seats (chair, Dina in directions; Fatou, Vincent in volunteers; Élise for the city): 50 % → 3.
			expect(await code(() => m.respond(f.fatou, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id }))).toBe('meetings.error.proxySelf');
			await m.respond(f.vincent, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id });
			expect(await code(() => m.respond(f.elise, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id }))).toBe('meetings.error.proxyLimit');
			expect(await code(() => m.respond(f.fatou, { meetingId: id, status: 'proxy', proxyHolderId: f.chair.id }))).toBe('meetings.error.proxyChain');
			expect(await code(() => m.respond(f.elise, { meetingId: id, status: 'proxy', proxyHolderId: f.vincent.id }))).toBe('meetings.error.proxyChain');
			expect(await code(() => m.respond(f.observer, { meetingId: id, status: 'present' }))).toBe('forbidden');
			await m.open(f.chair, { meetingId: id });
			await m.checkIn(f.secretary, { meetingId: id, userId: f.chair.id });
			let q = (await m.roomState(f.fatou, id)).quorum;
			expect(q.overall).toMatchObject({ seats: 5, counted: 1, required: 3, met: false });
			await m.respond(f.fatou, { meetingId: id, status: 'present' }); // self check-in in the room
			q = (await m.roomState(f.fatou, id)).quorum;
			// Fatou is in, and carries Vincent's proxy: 3 of 5.
			expect(q.overall).toMatchObject({ present: 2, proxies: 1, counted: 3, met: true });
			await m.checkOut(f.secretary, { meetingId: id, userId: f.fatou.id });
			expect((await m.roomState(f.fatou, id)).quorum.overall).toMatchObject({ counted: 1, met: false });
			expect(await code(() => m.checkOut(f.secretary, { meetingId: id, userId: f.fatou.id }))).toBe('meetings.error.notCheckedIn');
			expect(await code(() => m.checkIn(f.fatou, { meetingId: id, userId: f.elise.id }))).toBe('forbidden');
		});

		it('refuses a check-in to a cancelled meeting and changes nothing', async () => {
			const { f, m, id } = await meetingWithAgenda();
			await m.cancel(f.secretary, { meetingId: id, reason: 'Salle indisponible' });
			const before = (await m.roomState(f.chair, id)).meeting.version;
			expect(await code(() => m.checkIn(f.secretary, { meetingId: id, userId: f.fatou.id }))).toBe('meetings.error.cancelled');
			expect(await code(() => m.open(f.chair, { meetingId: id }))).toBe('meetings.error.cancelled');
			expect((await m.roomState(f.chair, id)).meeting.version).toBe(before);
			expect((await m.roomState(f.chair, id)).attendance).toEqual([]);
		});

		it('postpones to a new date, or without one until rescheduled', async () => {
			const { f, m, id } = await meetingWithAgenda();
			await m.postpone(f.chair, { meetingId: id, reason: 'Grève', startsAt: '2026-12-10T18:30' });
			let d = await m.detail(f.chair, id);
			expect([d.meeting.status, d.meeting.startsAtLocal, d.meeting.statusReason]).toEqual(['scheduled', '2026-12-10T18:30', 'Grève']);
			await m.postpone(f.chair, { meetingId: id, reason: 'À redéfinir' });
			d = await m.detail(f.chair, id);
			expect(d.meeting.status).toBe('postponed');
		});

		it('moves item by item; a second simultaneous move is refused; another body’s chair cannot move it', async () => {
			const { f, m, id, info, decision } = await meetingWithAgenda();
			expect(await code(() => m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' }))).toBe('meetings.error.notOpen');
			await m.open(f.chair, { meetingId: id });
			await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
			expect((await m.roomState(f.chair, id)).meeting.currentItemId).toBe(info);
			// Two chairs both saw `info` as current: the first moves, the second is told the agenda moved.
			await m.moveTo(f.chair, { meetingId: id, expected: info, to: 'next' });
			expect(await code(() => m.moveTo(f.chair, { meetingId: id, expected: info, to: 'next' }))).toBe('meetings.error.agendaMoved');
			expect((await m.roomState(f.chair, id)).meeting.currentItemId).toBe(decision);
			const other = await createBodyFixture(app);
			expect(await code(() => m.moveTo(other.chair, { meetingId: id, expected: decision, to: 'previous' }))).toBe('forbidden');
			expect(await code(() => m.moveTo(f.secretary, { meetingId: id, expected: decision, to: 'previous' }))).toBe('forbidden');
		});

		it('runs the list of speakers: one hand each, point of order first, removal only once', async () => {
			const { f, m, id } = await meetingWithAgenda();
			await m.open(f.chair, { meetingId: id });
			expect(await code(() => m.raiseHand(f.fatou, { meetingId: id }))).toBe('meetings.error.noCurrentItem');
			await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
			await m.raiseHand(f.elise, { meetingId: id });
			app.clock.advance(1000);
			const fatouHand = await m.raiseHand(f.fatou, { meetingId: id, type: 'for' });
			expect(await code(() => m.raiseHand(f.fatou, { meetingId: id }))).toBe('meetings.error.handAlreadyRaised');
			app.clock.advance(1000);
			await m.raiseHand(f.vincent, { meetingId: id, type: 'pointOfOrder' });
			let state = await m.roomState(f.chair, id);
			const name = (uid: string) => state.people.find((p) => p.userId === uid)?.displayName;
			expect(queueOrder(state.speeches, state.rules.firstTimeFirst).map((s) => name(s.userId))).toEqual(['Vincent', 'Élise', 'Fatou']);
			await m.next(f.secretary, { meetingId: id });
			state = await m.roomState(f.chair, id);
			expect(state.speeches.find((s) => s.startedAt && !s.endedAt)?.userId).toBe(f.vincent.id);
			await m.withdraw(f.chair, { meetingId: id, speechId: fatouHand.id });
			expect(await code(() => m.withdraw(f.chair, { meetingId: id, speechId: fatouHand.id }))).toBe('meetings.error.speakerGone');
			expect(await code(() => m.addSpeaker(f.fatou, { meetingId: id, userId: f.elise.id }))).toBe('forbidden');
			expect(await code(() => m.raiseHand(f.observer, { meetingId: id }))).toBe('forbidden');
			// Every change reached the room after commit: the first as the whole state, the next ones as
			// the sections that changed.
			const toRoom = published.filter((p) => p.room === `meeting:${id}` && (p.event === 'meeting.state' || p.event === 'meeting.patch'));
			expect(toRoom[0]?.event).toBe('meeting.state');
			expect(toRoom.length).toBeGreaterThan(3);
			expect(toRoom.slice(1).every((p) => p.event === 'meeting.patch')).toBe(true);
			const last = toRoom.at(-1)?.payload as MeetingRoomPatch;
			expect(last.changed.speeches).toHaveLength(3);
			expect(last.changed.people).toBeUndefined();
			expect(last.digests).toEqual((await m.roomState(f.chair, id)).digests);
		});

		it('hides the room from outsiders and validates the body rules', async () => {
			const { f, m, id } = await meetingWithAgenda();
			const other = await createBodyFixture(app);
			expect(await code(() => m.roomState(other.fatou, id))).toBe('forbidden');
			expect(await code(() => m.setRules(f.fatou, { bodyId: f.body.id, quorumPct: '50', proxyLimit: '1', balanceWarnRatio: '1.5' }))).toBe('forbidden');
			expect(await code(() => m.setRules(f.chair, { bodyId: f.body.id, quorumPct: '150', proxyLimit: '1', balanceWarnRatio: '1.5' }))).toBe('meetings.error.share');
			await m.setRules(f.chair, { bodyId: f.body.id, quorumPct: '80', collegeQuorumPct: '50', proxyLimit: '2', balanceWarnRatio: '2', firstTimeFirst: 'on' });
			const { rules } = await m.roomState(f.chair, id);
			expect(rules).toMatchObject({ quorum: 0.8, collegeQuorum: 0.5, proxyLimit: 2, firstTimeFirst: true, substitutesVote: false, speechLimitSec: null });
		});

		it('a substitute stands for an absent member when the rules say so; a former member has no seat', async () => {
			const { f, m, id } = await meetingWithAgenda();
			await m.setSeat(f.chair, { bodyId: f.body.id, userId: f.elise.id, substituteId: f.secretary.id });
			await m.setSeat(f.chair, { bodyId: f.body.id, userId: f.director.id, termEnd: '2026-11-01' });
			await m.open(f.chair, { meetingId: id });
			await m.checkIn(f.secretary, { meetingId: id, userId: f.secretary.id });
			let q = (await m.roomState(f.chair, id)).quorum;
			expect(q.overall).toMatchObject({ seats: 4, substitutes: 1, counted: 1 });
			await m.setRules(f.chair, { bodyId: f.body.id, quorumPct: '50', proxyLimit: '1', balanceWarnRatio: '1.5' });
			q = (await m.roomState(f.chair, id)).quorum;
			expect(q.overall).toMatchObject({ substitutes: 0, counted: 0 });
		});

		it('a weighted motion is voted by those present or represented at opening, and adopted only once closed with quorum', async () => {
			const { f, m, id, info, decision } = await meetingWithAgenda();
			await m.setRules(f.chair, { bodyId: f.body.id, quorumPct: '50', proxyLimit: '1', balanceWarnRatio: '1.5', weightedVotes: 'on', proxiesCountForQuorum: 'on' });
			await m.respond(f.vincent, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id });
			await m.open(f.chair, { meetingId: id });
			for (const u of [f.chair, f.fatou, f.elise]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
			await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
			expect(await code(() => m.openMotion(f.chair, { meetingId: id, itemId: info, question: 'Nouvelles adoptées ?' }))).toBe('meetings.error.notDecision');
			await m.moveTo(f.chair, { meetingId: id, expected: info, to: 'next' });
			expect(await code(() => m.openMotion(f.fatou, { meetingId: id, itemId: decision, question: 'Budget ?' }))).toBe('forbidden');
			const motion = await m.openMotion(f.chair, { meetingId: id, itemId: decision, question: 'Adopter le budget de la plateforme ?' });
			expect(await code(() => m.openMotion(f.chair, { meetingId: id, itemId: decision, question: 'Encore ?' }))).toBe('meetings.error.motionOpen');
			const votes = app.services.consultations;
			const cast = (u: typeof f.chair, position: string, onBehalfOf?: string) => votes.cast(u, { consultationId: motion.consultationId, ballot: { position }, onBehalfOf });
			// Dina did not come: the vote is not hers to cast.
			expect(await code(async () => cast(f.director, 'against'))).toBe('meetings.error.notInRoom');
			await cast(f.chair, 'for');
			await cast(f.fatou, 'for');
			await cast(f.fatou, 'for', f.vincent.id); // Vincent's proxy, carried by Fatou
			await cast(f.elise, 'against');
			let state = await m.roomState(f.chair, id);
			expect(state.motions[0]).toMatchObject({ electors: 4, participants: 4, quorumMet: true, status: 'open', adopted: null, tally: { for: 3, against: 1, abstain: 0 } });
			await m.closeMotion(f.chair, { meetingId: id, motionId: motion.id });
			state = await m.roomState(f.fatou, id);
			expect(state.motions[0]).toMatchObject({ status: 'closed', adopted: true });
			// Weighted by college: directions 0.4 for, volunteers 0.4 for, city 0.2 against.
			const { data } = app.services.deps;
			const row = await first(data.db.select().from(data.t.consultations).where(eq(data.t.consultations.id, motion.consultationId)));
			const tallies = (row?.result as { tallies: Record<string, number> }).tallies;
			expect(tallies.for).toBeCloseTo(0.8);
			expect(tallies.against).toBeCloseTo(0.2);
		});

		it('amendments are voted before the motion they amend; the weighted tally and the decision event follow', async () => {
			const { f, m, id, info, decision } = await meetingWithAgenda();
			await m.setRules(f.chair, { bodyId: f.body.id, quorumPct: '50', proxyLimit: '1', balanceWarnRatio: '1.5', weightedVotes: 'on' });
			await m.open(f.chair, { meetingId: id });
			for (const u of [f.chair, f.director, f.fatou, f.vincent, f.elise]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
			await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
			await m.moveTo(f.chair, { meetingId: id, expected: info, to: 'next' });
			const main = await m.tableMotion(f.chair, { meetingId: id, itemId: decision, question: 'Adopter le budget ?' });
			expect(await code(() => m.tableMotion(f.fatou, { meetingId: id, itemId: decision, question: 'Amendement pirate', amendsId: main.id }))).toBe('forbidden');
			const amendment = await m.tableMotion(f.chair, { meetingId: id, itemId: decision, question: 'Ajouter 10 % pour les bénévoles', amendsId: main.id });
			expect(await code(() => m.tableMotion(f.chair, { meetingId: id, itemId: decision, question: 'Sous-amendement', amendsId: amendment.id }))).toBe('meetings.error.amendsAmendment');
			expect(await code(() => m.tableMotion(f.chair, { meetingId: id, itemId: info, question: 'Ailleurs', amendsId: main.id }))).toBe('meetings.error.notDecision');
			// The motion waits for its amendment; the room lists the amendment first.
			expect(await code(() => m.openMotion(f.chair, { meetingId: id, motionId: main.id }))).toBe('meetings.error.amendmentsFirst');
			let state = await m.roomState(f.chair, id);
			expect(state.motions.map((x) => [x.id, x.status])).toEqual([
				[amendment.id, 'draft'],
				[main.id, 'draft']
			]);
			await m.openMotion(f.chair, { meetingId: id, motionId: amendment.id });
			expect(await code(() => m.tableMotion(f.chair, { meetingId: id, itemId: decision, question: 'Trop tard ?', amendsId: amendment.id }))).toBe('meetings.error.amendsAmendment');
			const votes = app.services.consultations;
			const cast = (u: typeof f.chair, position: string) => votes.cast(u, { consultationId: amendment.consultationId, ballot: { position } });
			await cast(f.chair, 'for');
			await cast(f.director, 'for');
			await cast(f.fatou, 'for');
			await cast(f.vincent, 'against');
			await cast(f.elise, 'against');
			state = await m.roomState(f.fatou, id);
			const live = state.motions.find((x) => x.id === amendment.id)!;
			// 3 for, 2 against by heads; weighted: directions 0.4 for, volunteers 0.2/0.2, city 0.2 against → 60 % / 40 %.
			expect(live.tally).toEqual({ for: 3, against: 2, abstain: 0 });
			expect(live.weighted!.for).toBeCloseTo(0.6);
			expect(live.weighted!.against).toBeCloseTo(0.4);
			expect(live.byCollege.find((c) => c.collegeId === f.colleges.vol.id)).toMatchObject({ for: 1, against: 1 });
			await m.closeMotion(f.chair, { meetingId: id, motionId: amendment.id });
			// The decision follows the vote's close on the bus (tracked work: `settled`).
			await app.services.settled();
			const decided = published.filter((p) => p.event === 'meeting.decision');
			expect(decided).toHaveLength(1);
			expect(decided[0]!.room).toBe(`meeting:${id}`);
			expect(decided[0]!.payload).toMatchObject({ motionId: amendment.id, amendsId: main.id, outcome: 'adopted', quorumMet: true, meetingId: id });
			// Now the motion itself may be voted.
			await m.openMotion(f.chair, { meetingId: id, motionId: main.id });
			expect((await m.roomState(f.chair, id)).motions.find((x) => x.id === main.id)).toMatchObject({ status: 'open', electors: 5 });
			expect(await code(() => m.tableMotion(f.chair, { meetingId: id, itemId: decision, question: 'Trop tard', amendsId: main.id }))).toBe('meetings.error.amendsTooLate');
		});
	});

	describe('seats page', () => {
		it('lists seats by college with terms and substitutes, former members apart; only the chair edits', async () => {
			const f = await createBodyFixture(app);
			const m = app.services.meetings;
			await m.setSeat(f.chair, { bodyId: f.body.id, userId: f.elise.id, substituteId: f.secretary.id, termStart: '2025-01-01' });
			await m.setSeat(f.chair, { bodyId: f.body.id, userId: f.director.id, termEnd: '2020-06-30' });
			expect(await code(() => m.setSeat(f.fatou, { bodyId: f.body.id, userId: f.fatou.id, substituteId: f.vincent.id }))).toBe('forbidden');
			expect(await code(() => m.setSeat(f.chair, { bodyId: f.body.id, userId: f.fatou.id, termStart: '2026-01-01', termEnd: '2025-01-01' }))).toBe('meetings.error.termOrder');
			expect(await code(() => m.setSeat(f.chair, { bodyId: f.body.id, userId: f.fatou.id, termEnd: '31/12/2026' }))).toBe('meetings.error.date');
			const other = await createBodyFixture(app);
			expect(await code(() => m.setSeat(f.chair, { bodyId: f.body.id, userId: f.fatou.id, substituteId: other.fatou.id }))).toBe('meetings.error.notMember');
			expect(await code(() => m.seats(other.fatou, f.body.id))).toBe('forbidden');
			const view = await m.seats(f.fatou, f.body.id);
			expect(view.canEdit).toBe(false);
			const city = view.colleges.find((c) => c.id === f.colleges.city.id)!;
			expect(city.seats).toEqual([expect.objectContaining({ name: 'Élise', substituteName: 'Marc', termStart: '2025-01-01', termEnd: null, current: true })]);
			expect(view.former.map((s) => [s.name, s.termEnd])).toEqual([['Dina', '2020-06-30']]);
			expect(view.colleges.find((c) => c.id === f.colleges.dir.id)!.seats.map((s) => s.name)).toEqual(['Sophie']);
			expect((await m.seats(f.chair, f.body.id)).canEdit).toBe(true);
		});
	});

	describe('agenda documents', () => {
		it('checks the first bytes and the size, and serves the file to members only', async () => {
			const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
			const { tmpdir } = await import('node:os');
			const { join } = await import('node:path');
			const { createMeetingsService } = await import('./index');
			const dir = mkdtempSync(join(tmpdir(), 'meet-docs-'));
			try {
				const f = await createBodyFixture(app);
				const m = createMeetingsService(app.services.deps, app.services.consultations, { uploadDir: () => dir });
				const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité documents', startsAt: '2026-12-03T18:30' });
				const item = await m.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'decision' });
				const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
				const doc = await m.attachDocument(f.secretary, { meetingId: id, itemId: item.id, name: '../../etc/Budget 2027.PDF', bytes: pdf });
				expect(doc.name).toBe('Budget 2027.pdf');
				// An HTML page named .pdf is refused whatever its name; so is an empty or an oversized file.
				const html = new TextEncoder().encode('<html><script>alert(1)</script></html>');
				expect(await code(() => m.attachDocument(f.chair, { meetingId: id, itemId: item.id, name: 'budget.pdf', bytes: html }))).toBe('meetings.error.documentType');
				expect(await code(() => m.attachDocument(f.chair, { meetingId: id, itemId: item.id, name: 'vide.pdf', bytes: new Uint8Array() }))).toBe('meetings.error.documentEmpty');
				const big = new Uint8Array(8 * 1024 * 1024 + 1);
				big.set(pdf);
				expect(await code(() => m.attachDocument(f.chair, { meetingId: id, itemId: item.id, name: 'gros.pdf', bytes: big }))).toBe('meetings.error.documentSize');
				expect(await code(() => m.attachDocument(f.fatou, { meetingId: id, itemId: item.id, name: 'x.pdf', bytes: pdf }))).toBe('forbidden');
				expect(await code(() => m.attachDocument(f.chair, { meetingId: id, itemId: item.id, name: 'x.pdf', bytes: 'pas des octets' }))).toBe('meetings.error.documentEmpty');
				// Members read it; an outsider, a guest, or another meeting's URL do not.
				const file = await m.documentFile(f.fatou, { meetingId: id, documentId: doc.id });
				expect(readFileSync(file.path, 'latin1').startsWith('%PDF-')).toBe(true);
				expect(file.mime).toBe('application/pdf');
				const other = await createBodyFixture(app);
				expect(await code(() => m.documentFile(other.fatou, { meetingId: id, documentId: doc.id }))).toBe('forbidden');
				expect(await code(() => m.documentFile(null, { meetingId: id, documentId: doc.id }))).toBe('forbidden');
				const elsewhere = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Autre comité', startsAt: '2026-12-10T18:30' });
				expect(await code(() => m.documentFile(f.fatou, { meetingId: elsewhere.id, documentId: doc.id }))).toBe('meetings.error.documentGone');
				expect((await m.detail(f.fatou, id)).documents).toEqual([expect.objectContaining({ id: doc.id, itemId: item.id, name: 'Budget 2027.pdf' })]);
				await m.removeDocument(f.chair, { meetingId: id, documentId: doc.id });
				expect(await code(() => m.removeDocument(f.chair, { meetingId: id, documentId: doc.id }))).toBe('meetings.error.documentGone');
				expect((await m.detail(f.fatou, id)).documents).toEqual([]);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		});
	});

	describe('written thread of an agenda item', () => {
		it('members post before the meeting; the chair hides a post with a reason; outsiders neither read nor write', async () => {
			const { f, m, id, decision } = await meetingWithAgenda();
			await m.post(f.fatou, { meetingId: id, itemId: decision, body: 'Je ne pourrai pas venir : je suis pour, si les bénévoles ont leur part.' });
			app.clock.advance(60_000);
			const rude = await m.post(f.vincent, { meetingId: id, itemId: decision, body: 'Message déplacé' });
			expect(await code(() => m.post(f.fatou, { meetingId: id, itemId: decision, body: ' ' }))).toBe('meetings.error.postEmpty');
			expect(await code(() => m.post(f.observer, { meetingId: id, itemId: decision, body: 'Je regarde seulement' }))).toBe('forbidden');
			const other = await createBodyFixture(app);
			expect(await code(() => m.post(other.fatou, { meetingId: id, itemId: decision, body: 'Intrus' }))).toBe('forbidden');
			expect(await code(() => m.thread(other.fatou, id, decision))).toBe('forbidden');
			// An item of another meeting through this meeting's door is not there.
			const elsewhere = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Autre réunion', startsAt: '2026-12-10T18:30' });
			expect(await code(() => m.post(f.fatou, { meetingId: elsewhere.id, itemId: decision, body: 'Mauvaise porte' }))).toBe('meetings.error.noSuchItem');
			expect(await code(() => m.hidePost(f.fatou, { meetingId: id, postId: rude.id, reason: 'pas gentil' }))).toBe('forbidden');
			expect(await code(() => m.hidePost(f.chair, { meetingId: id, postId: rude.id, reason: '' }))).toBe('meetings.error.hideReason');
			await m.hidePost(f.chair, { meetingId: id, postId: rude.id, reason: 'Propos blessants' });
			expect(await code(() => m.hidePost(f.chair, { meetingId: id, postId: rude.id, reason: 'Encore' }))).toBe('board.error.alreadyHidden');
			const seen = await m.thread(f.fatou, id, decision);
			expect(seen.posts.map((p) => [p.author, p.hidden, p.body])).toEqual([
				['Fatou', false, 'Je ne pourrai pas venir : je suis pour, si les bénévoles ont leur part.'],
				['Vincent', true, null]
			]);
			expect(seen.posts[1]!.hiddenReason).toBe('Propos blessants');
			expect((await m.thread(f.chair, id, decision)).posts[1]!.body).toBe('Message déplacé');
			expect((await m.detail(f.fatou, id)).posts).toEqual({ [decision]: 2 });
			await m.unhidePost(f.chair, { meetingId: id, postId: rude.id });
			expect((await m.thread(f.fatou, id, decision)).posts[1]!.body).toBe('Message déplacé');
			// After the meeting, members who could not come still write.
			await m.open(f.chair, { meetingId: id });
			await m.close(f.chair, { meetingId: id });
			app.clock.advance(60_000);
			await m.post(f.elise, { meetingId: id, itemId: decision, body: 'Désolée de mon absence, d’accord avec la décision.' });
			expect((await m.thread(f.elise, id, decision)).posts).toHaveLength(3);
		});
	});

	describe('meeting notifications', () => {
		it('members hear of the invitation, agenda changes (once while unread), the start, results and a cancellation; practice bodies notify no one', async () => {
			const { f, m, id, decision } = await meetingWithAgenda();
			const { data } = app.services.deps;
			const { bodies, notifications } = data.t;
			const rowsOf = (userId: string) => data.db.select().from(notifications).where(eq(notifications.userId, userId));
			const kinds = async (userId: string) => (await rowsOf(userId)).map((n) => `${n.kind}${n.data.change ? `:${String(n.data.change)}` : ''}`);
			// Scheduled by the chair: everyone else is invited, with the meeting's page and its .ics.
			expect(await kinds(f.fatou.id)).toEqual(['meetingInvited', 'meetingChanged:agenda']);
			expect(await kinds(f.chair.id)).not.toContain('meetingInvited');
			const invite = (await rowsOf(f.fatou.id))[0]!;
			expect(invite.data).toMatchObject({ href: `/b/${f.body.id}/meetings/${id}`, ics: `/b/${f.body.id}/meetings/${id}/meeting.ics`, title: 'Comité de décembre' });
			expect(await kinds(f.observer.id)).toEqual([]);
			await m.addItem(f.chair, { meetingId: id, title: 'Point ajouté', kind: 'discussion' });
			expect((await kinds(f.fatou.id)).filter((k) => k === 'meetingChanged:agenda')).toHaveLength(1);
			await m.open(f.chair, { meetingId: id });
			for (const u of [f.chair, f.director, f.fatou]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
			await m.moveTo(f.chair, { meetingId: id, expected: '', to: decision });
			const motion = await m.openMotion(f.chair, { meetingId: id, itemId: decision, question: 'Adopter le budget ?' });
			await app.services.consultations.cast(f.fatou, { consultationId: motion.consultationId, ballot: { position: 'for' } });
			await m.closeMotion(f.chair, { meetingId: id, motionId: motion.id });
			// The result follows the vote's close on the bus (tracked work: `settled`).
			await app.services.settled();
			expect(await kinds(f.elise.id)).toEqual(expect.arrayContaining(['meetingStarting', 'meetingResults']));
			const result = (await rowsOf(f.elise.id)).find((n) => n.kind === 'meetingResults')!;
			expect(result.data).toMatchObject({ question: 'Adopter le budget ?', outcome: 'adopted' });
			// A second meeting, cancelled with a reason: members are told why.
			const other = await m.schedule(f.secretary, { bodyId: f.body.id, title: 'Comité de janvier', startsAt: '2027-01-07T18:30' });
			await m.cancel(f.chair, { meetingId: other.id, reason: 'Salle indisponible' });
			const cancelled = (await rowsOf(f.fatou.id)).find((n) => n.data.change === 'cancelled')!;
			expect(cancelled.data).toMatchObject({ reason: 'Salle indisponible', title: 'Comité de janvier' });
			// A practice body plays in a simulated space: no one is notified.
			const practice = await createBodyFixture(app);
			await data.write((tx) => tx.update(bodies).set({ practice: true }).where(eq(bodies.id, practice.body.id)).then(() => undefined));
			await m.schedule(practice.chair, { bodyId: practice.body.id, title: 'Réunion d’entraînement', startsAt: '2026-12-05T10:00' });
			expect(await kinds(practice.fatou.id)).toEqual([]);
		});
	});
});
