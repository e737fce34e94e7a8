/**
 * Issue 8: whether a proxy may cross colleges is a rule of each body. The meeting service (attendance)
 * and the body consultations (vote proxies) enforce it with a clear message; a refused proxy changes
 * nothing; the quorum counts a proxy in the giver's college. Real SQLite and PostgreSQL, services as the pages call them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { ForbiddenError } from '$lib/domain/policy';
import { first } from '../../db/data';
import { createTestAppOn, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { ValidationError } from '../validate';
import { createBodyFixture } from './fixture';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	async function code(fn: () => unknown) {
		try {
			await fn();
		} catch (err) {
			if (err instanceof ValidationError) return Object.values(err.fields)[0];
			if (err instanceof UserError) return err.code;
			if (err instanceof ForbiddenError) return 'forbidden';
			throw err;
		}
		return 'ok';
	}

	const base = { quorumPct: '50', proxyLimit: '1', balanceWarnRatio: '1.5', proxiesCountForQuorum: 'on' };

	async function setup(proxyColleges?: 'across' | 'within') {
		const f = await createBodyFixture(app);
		const m = app.services.meetings;
		if (proxyColleges) await m.setRules(f.chair, { bodyId: f.body.id, ...base, proxyColleges });
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité de janvier', startsAt: '2027-01-14T18:30' });
		return { f, m, id };
	}
	const stored = (meetingId: string, userId: string) => {
		const { data } = app.services.deps;
		const { meetingAttendance } = data.t;
		return first(data.db.select().from(meetingAttendance).where(and(eq(meetingAttendance.meetingId, meetingId), eq(meetingAttendance.userId, userId))));
	};

	describe('proxies across colleges, a rule of the body (meetings)', () => {
		it('is allowed by default (today’s behaviour) and for existing bodies', async () => {
			const { f, m, id } = await setup();
			expect((await m.bodyRules(f.chair, f.body.id)).proxiesAcrossColleges).toBe(true);
			// Élise (city) gives hers to Fatou (volunteers).
			expect(await code(() => m.respond(f.elise, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id }))).toBe('ok');
		});

		it('within colleges: a colleague may hold it; another college is refused with a clear message and nothing is stored', async () => {
			const { f, m, id } = await setup('within');
			await m.respond(f.elise, { meetingId: id, status: 'excused' });
			const before = await stored(id, f.elise.id);
			expect(await code(() => m.respond(f.elise, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id }))).toBe('meetings.error.proxyCollege');
			expect(await stored(id, f.elise.id)).toEqual(before);
			// The secretary recording it for her is refused the same way.
			expect(await code(() => m.respond(f.secretary, { meetingId: id, userId: f.elise.id, status: 'proxy', proxyHolderId: f.director.id }))).toBe('meetings.error.proxyCollege');
			// Vincent → Fatou: both volunteers.
			expect(await code(() => m.respond(f.vincent, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id }))).toBe('ok');
			// Dina → the chair: both directions.
			expect(await code(() => m.respond(f.director, { meetingId: id, status: 'proxy', proxyHolderId: f.chair.id }))).toBe('ok');
			// Marc, the secretary, holds no seat: nobody's colleague (under the default he may hold one).
			expect(await code(() => m.respond(f.elise, { meetingId: id, status: 'proxy', proxyHolderId: f.secretary.id }))).not.toBe('ok');
		});

		it('the quorum counts a cross-college proxy in the giver’s college, and ignores it once the body forbids crossing', async () => {
			const { f, m, id } = await setup('across');
			await m.setRules(f.chair, { bodyId: f.body.id, ...base, collegeQuorumPct: '50', proxyColleges: 'across' });
			// Élise (the city's only seat) gives her proxy to Fatou (volunteers).
			await m.respond(f.elise, { meetingId: id, status: 'proxy', proxyHolderId: f.fatou.id });
			await m.open(f.chair, { meetingId: id });
			for (const who of [f.chair, f.fatou, f.vincent]) await m.checkIn(f.secretary, { meetingId: id, userId: who.id });
			// 5 seats: chair, Fatou, Vincent in; Élise by proxy = 4 of 5 (need 3). City: 1 of 1 by proxy.
			let q = (await m.roomState(f.chair, id)).quorum;
			expect(q.overall).toMatchObject({ seats: 5, present: 3, proxies: 1, counted: 4, required: 3, met: true });
			const city = (qq: typeof q) => qq.colleges.find((c) => c.collegeId === f.colleges.city.id);
			const vol = (qq: typeof q) => qq.colleges.find((c) => c.collegeId === f.colleges.vol.id);
			expect(city(q)).toMatchObject({ seats: 1, proxies: 1, counted: 1, met: true });
			expect(vol(q)).toMatchObject({ seats: 2, present: 2, proxies: 0, counted: 2 });
			expect(q.met).toBe(true);

			// The chair keeps proxies within colleges: Élise's proxy no longer represents her.
			await m.setRules(f.chair, { bodyId: f.body.id, ...base, collegeQuorumPct: '50', proxyColleges: 'within' });
			q = (await m.roomState(f.chair, id)).quorum;
			expect(q.overall).toMatchObject({ present: 3, proxies: 0, counted: 3, required: 3, met: true });
			expect(city(q)).toMatchObject({ seats: 1, proxies: 0, counted: 0, required: 1, met: false });
			expect(q.met).toBe(false);
		});

		it('only the chair sets the rule; it is audited; a bad value is refused; an older form without it keeps it', async () => {
			const { f, m } = await setup();
			expect(await code(() => m.setRules(f.fatou, { bodyId: f.body.id, ...base, proxyColleges: 'within' }))).toBe('forbidden');
			expect(await code(() => m.setRules(f.chair, { bodyId: f.body.id, ...base, proxyColleges: 'nowhere' }))).toBe('meetings.error.proxyColleges');
			await m.setRules(f.chair, { bodyId: f.body.id, ...base, proxyColleges: 'within' });
			const { data } = app.services.deps;
			const { auditLog, bodies } = data.t;
			expect(await first(data.db.select({ across: bodies.proxiesAcrossColleges }).from(bodies).where(eq(bodies.id, f.body.id)))).toEqual({ across: false });
			const audited = await data.db.select().from(auditLog).where(eq(auditLog.action, 'body.proxyColleges'));
			expect(audited.map((a) => a.data)).toEqual([{ from: 'across', to: 'within' }]);
			await m.setRules(f.chair, { bodyId: f.body.id, ...base });
			expect((await m.bodyRules(f.chair, f.body.id)).proxiesAcrossColleges).toBe(false);
		});
	});

	describe('proxies across colleges in body consultations', () => {
		async function vote(proxyColleges: 'across' | 'within') {
			const f = await createBodyFixture(app);
			await app.services.meetings.setRules(f.chair, { bodyId: f.body.id, ...base, proxyColleges });
			const { id } = await app.services.consultations.create(f.chair, {
				space: f.space,
				question: 'Motion : une formation commune',
				method: 'yes-no-abstain',
				electorate: 'body',
				secrecy: 'public',
				resultsVisibility: 'live',
				openNow: true
			});
			return { f, id };
		}
		const proxiesOf = (consultationId: string) => {
			const { data } = app.services.deps;
			return data.db.select().from(data.t.voteProxies).where(eq(data.t.voteProxies.consultationId, consultationId));
		};

		it('within colleges: refused across with a clear message, nothing stored; the list offers colleagues only', async () => {
			const { f, id } = await vote('within');
			const view = await app.services.consultations.view(f.fatou, id);
			expect(view.proxiesWithinCollege).toBe(true);
			expect(view.proxyHolders.map((h) => h.name)).toEqual(['Vincent']);
			expect(await code(() => app.services.consultations.giveProxy(f.fatou, { consultationId: id, holderId: f.elise.id }))).toBe('votes.error.proxyCollege');
			expect(await proxiesOf(id)).toEqual([]);
			expect(await code(() => app.services.consultations.giveProxy(f.fatou, { consultationId: id, holderId: f.vincent.id }))).toBe('ok');
			expect((await proxiesOf(id)).map((p) => p.holderId)).toEqual([f.vincent.id]);
		});

		it('across colleges: any member, as before', async () => {
			const { f, id } = await vote('across');
			const view = await app.services.consultations.view(f.fatou, id);
			expect(view.proxiesWithinCollege).toBe(false);
			expect(view.proxyHolders.map((h) => h.name).sort()).toEqual(['Dina', 'Marc', 'Sophie', 'Vincent', 'Élise'].sort());
			expect(await code(() => app.services.consultations.giveProxy(f.fatou, { consultationId: id, holderId: f.elise.id }))).toBe('ok');
		});
	});
});
