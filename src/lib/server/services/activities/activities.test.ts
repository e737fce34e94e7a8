import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import type { SessionUser } from '../../auth/session';
import { activityAttendance, activitySessions, auditLog } from '../../db/schema';
import { createTestApp, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { indicatorWorld } from '../indicators/fixture';
import { ValidationError } from '../validate';

let app: TestApp;
let w: Awaited<ReturnType<typeof indicatorWorld>>;
beforeEach(async () => {
	app = createTestApp();
	w = await indicatorWorld(app);
});
afterEach(() => app.close());

const svc = () => app.services.activities;
const space = () => ({ type: 'residence' as const, id: w.residence.id });
const fields = async (p: Promise<unknown>) => {
	const e = await p.catch((x: unknown) => x);
	expect(e).toBeInstanceOf(ValidationError);
	return (e as ValidationError).fields;
};
const code = async (p: Promise<unknown>) => {
	const e = await p.catch((x: unknown) => x);
	expect(e).toBeInstanceOf(UserError);
	return (e as UserError).code;
};
/** The "sessions, attendance, named people" row of an activity on the residence's indicator page (Nov 2026). */
async function attendanceOf(name: string) {
	const r = await app.services.indicators.report(w.claire, { type: 'residence', id: w.residence.id, from: '2026-11-01', to: '2026-11-30' });
	const v = r.figures.find((f) => f.id === 'activitySessions')!.value;
	return v.kind === 'table' ? v.rows.find((row) => row.label === name)?.values : undefined;
}

describe('recording activities, sessions and attendance', () => {
	it('a facilitator records an activity, a session and a named participant; the attendance indicator reads them; all audited', async () => {
		const { id } = await svc().create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, name: 'Outilthèque', kind: 'tools', description: 'Le samedi matin' });
		await svc().addSession(w.claire, id, { heldOn: '2026-11-21', time: '10:00', headcount: '6', note: 'Beau temps' });
		// Paris midnight, the first minute of the day: in the period of that day.
		await svc().addSession(w.claire, id, { heldOn: '2026-11-01', time: '00:00', headcount: '2' });
		const view = await svc().get(w.claire, id);
		expect(view.sessions.map((s) => s.headcount)).toEqual([6, 2]);
		expect(view.sessions[1]!.heldAt.toISOString()).toBe('2026-10-31T23:00:00.000Z');
		expect(view.people.map((p) => p.displayName)).toEqual(expect.arrayContaining(['amina', 'karim']));
		await svc().addAttendee(w.claire, view.sessions[0]!.id, { userId: w.amina.id, status: 'member', consent: 'on' });
		await svc().addAttendee(w.claire, view.sessions[1]!.id, { userId: w.amina.id, status: 'member', consent: 'on' });
		expect(await attendanceOf('Outilthèque')).toEqual([2, 8, 1]);
		expect((await svc().list(w.claire, space())).list.find((a) => a.id === id)).toMatchObject({ name: 'Outilthèque', sessions: 2 });
		const audits = app.services.deps.db.select().from(auditLog).where(eq(auditLog.subjectId, id)).all();
		expect(audits.map((a) => a.action)).toEqual(['activity.created', 'activity.session.recorded', 'activity.session.recorded', 'activity.attendee.added', 'activity.attendee.added']);
		expect(audits[3]!.data).toMatchObject({ userId: w.amina.id, status: 'member', consent: true });
	});

	it('raises the headcount to the number named, and takes a name off when the person withdraws', async () => {
		const { id } = await svc().create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, name: 'Cuisine', kind: 'cooking' });
		// The form's empty time field: the afternoon.
		const { id: sessionId } = await svc().addSession(w.claire, id, { heldOn: '2026-11-20', time: '', headcount: '1', note: '' });
		expect((await svc().get(w.claire, id)).sessions[0]!.heldAt.toISOString()).toBe('2026-11-20T13:00:00.000Z');
		await svc().addAttendee(w.claire, sessionId, { userId: w.amina.id, status: 'participant', consent: 'on' });
		await svc().addAttendee(w.claire, sessionId, { userId: w.karim.id, status: 'newcomer', consent: 'on' });
		const db = app.services.deps.db;
		expect(db.select().from(activitySessions).where(eq(activitySessions.id, sessionId)).get()!.headcount).toBe(2);
		expect(await code(svc().addAttendee(w.claire, sessionId, { userId: w.karim.id, status: 'member', consent: 'on' }))).toBe('indicators.activity.error.already');
		await svc().removeAttendee(w.claire, sessionId, w.karim.id);
		expect(db.select().from(activityAttendance).where(eq(activityAttendance.sessionId, sessionId)).all().map((r) => r.userId)).toEqual([w.amina.id]);
		expect(await attendanceOf('Cuisine')).toEqual([1, 2, 1]);
		expect(await code(svc().removeAttendee(w.claire, sessionId, w.karim.id))).toBe('error.notFound');
	});
});

/**
 * The same doors on both engines (issue 12): a residence inserted as a fixture (the admin service
 * that creates one is not converted yet) with its facilitator and two tenants.
 */
describe.each(testEngines)('activities on %s', (engine) => {
	let app: TestApp;
	let w: { residence: { id: string }; claire: SessionUser; amina: SessionUser; karim: SessionUser };
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		const { data, ids } = app.services.deps;
		const { organisations, residences } = data.t;
		const residence = { id: ids.id() };
		await data.write(async (tx) => {
			const organisationId = ids.id();
			await tx.insert(organisations).values({ id: organisationId, slug: `org-${organisationId}`, name: 'Bailleur', kind: 'landlord', createdAt: app.clock.now() });
			await tx.insert(residences).values({ id: residence.id, organisationId, slug: `res-${residence.id}`, name: 'Résidence test', createdAt: app.clock.now() });
		});
		const here = [{ type: 'residence' as const, id: residence.id }];
		w = {
			residence,
			claire: await createUser(app, { username: 'claire@lmh.test', roles: here.map((s) => ({ ...s, role: 'facilitator' as const })) }),
			amina: await createUser(app, { username: 'amina', roles: here.map((s) => ({ ...s, role: 'tenant' as const })) }),
			karim: await createUser(app, { username: 'karim', roles: here.map((s) => ({ ...s, role: 'tenant' as const })) })
		};
	});
	afterEach(() => app.close());
	const svc = () => app.services.activities;
	const space = () => ({ type: 'residence' as const, id: w.residence.id });

	it('records an activity, a session and named people, raising the headcount to the number named; a name comes off; all audited', async () => {
		const { id } = await svc().create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, name: 'Cuisine', kind: 'cooking' });
		const { id: sessionId } = await svc().addSession(w.claire, id, { heldOn: '2026-11-20', time: '', headcount: '1', note: '' });
		await svc().addAttendee(w.claire, sessionId, { userId: w.amina.id, status: 'participant', consent: 'on' });
		await svc().addAttendee(w.claire, sessionId, { userId: w.karim.id, status: 'newcomer', consent: 'on' });
		const view = await svc().get(w.claire, id);
		expect(view.sessions[0]).toMatchObject({ id: sessionId, headcount: 2 });
		expect(view.sessions[0]!.named.map((n) => n.displayName)).toEqual(['amina', 'karim']);
		expect(await code(svc().addAttendee(w.claire, sessionId, { userId: w.karim.id, status: 'member', consent: 'on' }))).toBe('indicators.activity.error.already');
		await svc().removeAttendee(w.claire, sessionId, w.karim.id);
		expect((await svc().get(w.claire, id)).sessions[0]!.named.map((n) => n.userId)).toEqual([w.amina.id]);
		expect((await svc().list(w.claire, space())).list).toMatchObject([{ id, name: 'Cuisine', sessions: 1 }]);
		const { auditLog: log } = app.services.deps.data.t;
		const audits = await app.services.deps.data.db.select().from(log).where(eq(log.subjectId, id)).orderBy(asc(log.id));
		expect(audits.map((a) => a.action)).toEqual(['activity.created', 'activity.session.recorded', 'activity.attendee.added', 'activity.attendee.added', 'activity.attendee.removed']);
	});

	it('refuses bad input with a message per field: no consent, a stranger, a future or impossible day, a crafted headcount', async () => {
		const { id } = await svc().create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, name: 'Jardin', kind: 'garden' });
		const { id: sessionId } = await svc().addSession(w.claire, id, { heldOn: '2026-11-22', headcount: '0' });
		expect(await fields(svc().addAttendee(w.claire, sessionId, { userId: w.amina.id, status: 'participant' }))).toEqual({ consent: 'indicators.activity.error.consent' });
		expect(await fields(svc().addAttendee(w.claire, sessionId, { userId: w.amina.id, status: 'boss', consent: 'on' }))).toEqual({ status: 'indicators.activity.error.status' });
		const stranger = await createUser(app, { username: 'stranger' });
		expect(await code(svc().addAttendee(w.claire, sessionId, { userId: stranger.id, status: 'participant', consent: 'on' }))).toBe('indicators.activity.error.person');
		expect(await code(svc().addSession(w.claire, id, { heldOn: '2026-11-23', headcount: '3' }))).toBe('indicators.activity.error.future');
		expect(await fields(svc().addSession(w.claire, id, { heldOn: '2026-02-31', headcount: '3' }))).toEqual({ heldOn: 'indicators.error.date' });
		expect(await fields(svc().addSession(w.claire, id, { heldOn: '2026-11-01', headcount: '-1' }))).toEqual({ headcount: 'indicators.activity.error.headcount' });
		expect(await fields(svc().addSession(w.claire, id, { heldOn: '2026-11-01', headcount: '2.5', time: '9h' }))).toEqual({ headcount: 'indicators.activity.error.headcount', time: 'indicators.activity.error.time' });
		expect(await fields(svc().create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, name: 'x', kind: 'rocket' }))).toEqual({ name: 'indicators.activity.error.name', kind: 'indicators.activity.error.kind' });
	});

	it('lets only those the policy allows record: not tenants, not staff of another residence, not anonymous visitors', async () => {
		const { id } = await svc().create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, name: 'Jardin', kind: 'garden' });
		const { id: sessionId } = await svc().addSession(w.claire, id, { heldOn: '2026-11-02', headcount: '4' });
		const other = await createUser(app, { username: 'other@lmh.test', roles: [{ type: 'residence', id: 'r-elsewhere', role: 'facilitator' }] });
		for (const who of [w.amina, other, null]) {
			await expect(svc().create(who, { spaceType: 'residence', spaceId: w.residence.id, name: 'Pirate', kind: 'other' })).rejects.toBeInstanceOf(ForbiddenError);
			await expect(svc().list(who, space())).rejects.toBeInstanceOf(ForbiddenError);
			await expect(svc().get(who, id)).rejects.toBeInstanceOf(ForbiddenError);
			await expect(svc().addSession(who, id, { heldOn: '2026-11-02', headcount: '40' })).rejects.toBeInstanceOf(ForbiddenError);
			await expect(svc().addAttendee(who, sessionId, { userId: w.amina.id, status: 'participant', consent: 'on' })).rejects.toBeInstanceOf(ForbiddenError);
			await expect(svc().removeAttendee(who, sessionId, w.amina.id)).rejects.toBeInstanceOf(ForbiddenError);
		}
		expect(await code(svc().get(w.claire, 'nope'))).toBe('error.notFound');
	});
});
