import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { ForbiddenError } from '$lib/domain/policy';
import { createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { ValidationError } from '../validate';
import { indicatorWorld } from './fixture';

let app: TestApp;
let w: Awaited<ReturnType<typeof indicatorWorld>>;

describe.each(testEngines)('publishing indicators on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		w = await indicatorWorld(app);
	});
	afterEach(() => app.close());

	const svc = () => app.services.indicators;
	const H1 = { from: '2026-01-01', to: '2026-06-30' };
	const residence = () => ({ type: 'residence', id: w.residence.id });
	const code = async (p: Promise<unknown>) => {
		const e = await p.then(() => null, (x: unknown) => x);
		return e instanceof ValidationError ? 'invalid' : e instanceof UserError ? e.code : e instanceof ForbiddenError ? 'forbidden' : String(e);
	};

	describe('publishing indicators on the public portal', () => {
		it('shows only what the residence chose, with the survey floor still applied, as page data and in the portal list', async () => {
			expect(await code(svc().publicReport(w.org.slug, { ...residence(), ...H1 }))).toBe('error.notFound');
			expect(await svc().portalList(w.org.slug)).toEqual([]);
			expect(await svc().publish(w.claire, { ...residence(), indicators: ['participationAny', 'surveys'] })).toEqual({ published: ['participationAny', 'surveys'] });
			const settings = await svc().publication(w.claire, residence());
			expect(settings.published).toEqual(['participationAny', 'surveys']);
			expect(settings.available).toContain('actionsDoneBy');
			expect(settings.portal).toBe(`/o/${w.org.slug}/i/residence/${w.residence.id}`);

			const pub = await svc().publicReport(w.org.slug, { ...residence(), ...H1 });
			expect(pub.figures).toEqual([{ id: 'participationAny', group: 'participation', value: { kind: 'share', count: 3, total: 7 } }]);
			// The before/after surveys (5 and 6 answers) are shown; the 4-answer one is not, exactly as on the staff page.
			const shown = Object.fromEntries(pub.surveys.map((s) => [s.id, s.results.shown]));
			expect(shown).toEqual({ [w.surveys.before]: true, [w.surveys.after]: true, [w.surveys.small]: false });
			expect(pub.surveys.find((s) => s.id === w.surveys.small)!.results).toEqual({ shown: false, respondents: null });
			expect(pub.scope.buildings).toEqual([]);
			expect(pub.can).toEqual({ surveys: false, activities: false, publish: false });
			expect(await svc().portalList(w.org.slug)).toEqual([{ type: 'residence', id: w.residence.id, name: w.residence.name, count: 2 }]);

			// Without `surveys`, no survey at all; an empty choice unpublishes; every change is audited.
			await svc().publish(w.claire, { ...residence(), indicators: ['actionsProposed'] });
			expect((await svc().publicReport(w.org.slug, { ...residence(), ...H1 })).surveys).toEqual([]);
			await svc().publish(w.claire, { ...residence(), indicators: [] });
			expect(await code(svc().publicReport(w.org.slug, residence()))).toBe('error.notFound');
			const { data } = app.services.deps;
			const audits = await data.db.select().from(data.t.auditLog).where(eq(data.t.auditLog.action, 'indicators.published')).orderBy(asc(data.t.auditLog.id));
			expect(audits.map((a) => a.data)).toEqual([{ indicators: ['participationAny', 'surveys'] }, { indicators: ['actionsProposed'] }, { indicators: [] }]);
		});

		it('lets staff and a body’s chair choose, not tenants, members or staff elsewhere; refuses unknown indicators', async () => {
			expect(await code(svc().publish(w.amina, { ...residence(), indicators: ['participationAny'] }))).toBe('forbidden');
			const other = await createUser(app, { username: 'other@lmh.test', roles: [{ type: 'residence', id: 'r-elsewhere', role: 'facilitator' }] });
			expect(await code(svc().publish(other, { ...residence(), indicators: ['participationAny'] }))).toBe('forbidden');
			expect(await code(svc().publication(other, residence()))).toBe('forbidden');
			expect(await code(svc().publish(w.claire, { ...residence(), indicators: ['meetingsHeld'] }))).toBe('error.notFound');
			expect(await code(svc().publish(w.claire, { type: 'agency', id: w.agency.id, indicators: [] }))).toBe('invalid');
			const body = await app.services.admin.createBody(w.admin, { organisationId: w.org.id, name: 'Comité', colleges: [{ name: 'Habitants', weight: 1 }] });
			const member = await createUser(app, { username: 'membre', roles: [{ type: 'body', id: body.id, role: 'member' }] });
			const chair = await createUser(app, { username: 'chair', roles: [{ type: 'body', id: body.id, role: 'chair' }] });
			expect(await code(svc().publish(member, { type: 'body', id: body.id, indicators: ['meetingsHeld'] }))).toBe('forbidden');
			expect((await svc().report(chair, { type: 'body', id: body.id })).can.publish).toBe(true);
			expect((await svc().report(member, { type: 'body', id: body.id })).can.publish).toBe(false);
			await svc().publish(chair, { type: 'body', id: body.id, indicators: ['meetingsHeld'] });
			expect((await svc().publicReport(w.org.slug, { type: 'body', id: body.id })).figures.map((f) => f.id)).toEqual(['meetingsHeld']);
			// A body that chose not to be on the portal shows nothing there, whatever it published.
			const { data } = app.services.deps;
			await data.write((tx) => tx.insert(data.t.minutesSettings).values({ bodyId: body.id, portalPublic: false, chairMayAdopt: true, amendmentDays: 7, updatedAt: new Date() }));
			expect(await code(svc().publicReport(w.org.slug, { type: 'body', id: body.id }))).toBe('error.notFound');
			expect((await svc().portalList(w.org.slug)).map((s) => s.type)).toEqual([]);
		});

		it('answers 404 for another organisation’s slug, a practice residence or a garbage address, and refuses a crafted period', async () => {
			await svc().publish(w.claire, { ...residence(), indicators: ['participationAny'] });
			const other = await app.services.admin.createOrganisation(w.admin, { name: 'Autre bailleur', kind: 'landlord' });
			expect(await code(svc().publicReport(other.slug, residence()))).toBe('error.notFound');
			expect(await code(svc().publicReport('nope', residence()))).toBe('error.notFound');
			expect(await code(svc().publicReport(w.org.slug, { type: 'agency', id: w.agency.id }))).toBe('error.notFound');
			expect(await code(svc().publicReport(w.org.slug, { ...residence(), from: '2026-06-30', to: '2026-01-01' }))).toBe('invalid');
			const { data } = app.services.deps;
			await data.write((tx) => tx.update(data.t.residences).set({ practice: true }).where(eq(data.t.residences.id, w.residence.id)));
			expect(await code(svc().publicReport(w.org.slug, residence()))).toBe('error.notFound');
			expect(await svc().portalList(w.org.slug)).toEqual([]);
		});
	});
});
