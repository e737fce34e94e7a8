import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { colleges, households, memberships } from '../db/schema';
import { createResidence, createTestApp, createUser, type TestApp } from '../testing';
import { dwellingPrefix } from './admin';
import { UserError } from './errors';
import { ValidationError } from './validate';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
});
afterEach(() => app.close());

describe('administration', () => {
	it('creates an organisation, agencies, a residence with one household per dwelling, and a body with colleges', async () => {
		const admin = await createUser(app, { isAdmin: true });
		const { admin: svc } = app.services;
		const org = svc.createOrganisation(admin, { name: 'Lyon Métropole Habitat', kind: 'landlord' });
		expect(org.slug).toBe('lyon-metropole-habitat');
		const agency = svc.createAgency(admin, { organisationId: org.id, name: 'Agence de Vénissieux' });
		const residence = svc.createResidence(admin, {
			organisationId: org.id,
			agencyId: agency.id,
			name: 'L’Aventurière',
			buildings: [
				{ name: 'Bâtiment A', dwellings: '42' },
				{ name: 'Bâtiment B', dwellings: 40 },
				{ name: 'Bâtiment C', dwellings: 38 }
			]
		});
		const homes = app.services.deps.db.select().from(households).where(eq(households.residenceId, residence.id)).all();
		expect(homes).toHaveLength(120);
		expect(homes.map((h) => h.label)).toContain('C-38');
		const body = svc.createBody(admin, {
			organisationId: org.id,
			name: 'Comité de pilotage',
			colleges: [
				{ name: 'Directions', weight: 0.25, seats: 8 },
				{ name: 'Bénévoles', weight: 0.25, seats: 8 },
				{ name: 'Pouvoirs publics', weight: 0.25 },
				{ name: 'Associations', weight: 0.25 }
			]
		});
		expect(app.services.deps.db.select().from(colleges).where(eq(colleges.bodyId, body.id)).all().map((c) => c.weight)).toEqual([0.25, 0.25, 0.25, 0.25]);
		const view = app.services.spaces.publicOrganisation(org.slug);
		// A residence that has not opted into the public portal lists no portal address.
		expect(view.residences).toEqual([{ id: residence.id, name: 'L’Aventurière', city: '', households: 120, portalSlug: null }]);
		expect(view.bodies[0]!.colleges).toHaveLength(4);
	});

	it('a second residence with the same name gets its own slug', async () => {
		const { admin, org } = await createResidence(app);
		const again = app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Résidence test', buildings: [{ name: 'A', dwellings: 1 }] });
		expect(again.slug).toBe('residence-test-2');
	});

	it('rejects bad structures with field messages', async () => {
		const { admin, org } = await createResidence(app);
		expect(() => app.services.admin.createResidence(admin, { organisationId: org.id, name: 'X', buildings: [] })).toThrow(ValidationError);
		try {
			app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Les Tilleuls', buildings: [{ name: 'A', dwellings: 'beaucoup' }] });
			expect.unreachable();
		} catch (e) {
			expect((e as ValidationError).fields['buildings.0.dwellings']).toBe('validation.number');
		}
		expect(() => app.services.admin.createBody(admin, { organisationId: org.id, name: 'Comité', colleges: [{ name: 'Trop lourd', weight: 2 }] })).toThrow(ValidationError);
	});

	it('only administrators create structures', async () => {
		const { residence, org } = await createResidence(app);
		const staff = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
		expect(() => app.services.admin.createOrganisation(staff, { name: 'Autre', kind: 'city' })).toThrow(ForbiddenError);
		expect(() => app.services.admin.createResidence(staff, { organisationId: org.id, name: 'Autre', buildings: [{ name: 'A', dwellings: 1 }] })).toThrow(ForbiddenError);
		expect(() => app.services.admin.createOrganisation(null, { name: 'Autre', kind: 'city' })).toThrow(ForbiddenError);
	});

	it('assigns roles that fit the kind of space, with a college of the same body', async () => {
		const { admin, org } = await createResidence(app);
		const body = app.services.admin.createBody(admin, { organisationId: org.id, name: 'Comité', colleges: [{ name: 'Bénévoles', weight: 0.5 }] });
		const collegeId = app.services.deps.db.select().from(colleges).where(eq(colleges.bodyId, body.id)).get()!.id;
		const fatou = await createUser(app);
		app.services.admin.assignRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role: 'member', collegeId });
		const view = app.services.spaces.body(admin, body.id);
		expect(view.colleges[0]!.members.map((m) => m.userId)).toEqual([fatou.id]);
		expect(() => app.services.admin.assignRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role: 'tenant' })).toThrow(UserError);
		const other = app.services.admin.createBody(admin, { organisationId: org.id, name: 'Autre comité' });
		expect(() => app.services.admin.assignRole(admin, { userId: fatou.id, space: { type: 'body', id: other.id }, role: 'member', collegeId })).toThrow(UserError);
		app.services.admin.removeRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role: 'member' });
		expect(app.services.spaces.body(admin, body.id).members).toEqual([]);
	});
});

describe('role grants through the service (issue 7, finding 2)', () => {
	it('a facilitator can neither make herself a tenant nor make a tenant a facilitator; she may make a tenant an association member', async () => {
		const { residence } = await createResidence(app);
		const space = { type: 'residence', id: residence.id } as const;
		const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
		const karim = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
		expect(() => app.services.admin.assignRole(claire, { userId: claire.id, space, role: 'tenant' })).toThrow(ForbiddenError);
		expect(() => app.services.admin.assignRole(claire, { userId: karim.id, space, role: 'facilitator' })).toThrow(ForbiddenError);
		expect(() => app.services.admin.removeRole(claire, { userId: claire.id, space, role: 'facilitator' })).toThrow(ForbiddenError);
		app.services.admin.assignRole(claire, { userId: karim.id, space, role: 'association' });
		const roles = app.services.deps.db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).all();
		expect(roles.filter((r) => r.userId === claire.id).map((r) => r.role)).toEqual(['facilitator']);
		expect(roles.filter((r) => r.userId === karim.id).map((r) => r.role).sort()).toEqual(['association', 'tenant']);
	});

	it('a stranger learns nothing about unknown people or spaces (forbidden, not not-found)', async () => {
		const stranger = await createUser(app);
		expect(() => app.services.admin.assignRole(stranger, { userId: 'nobody', space: { type: 'residence', id: 'nowhere' }, role: 'tenant' })).toThrow(ForbiddenError);
	});
});

describe('bounded administration (issue 7, "Also")', () => {
	it('refuses a residence of 200,000 dwellings with a clear message and writes nothing', async () => {
		const { admin, org } = await createResidence(app);
		const before = app.services.deps.db.select().from(households).all().length;
		const huge = Array.from({ length: 100 }, (_, i) => ({ name: `Tour ${i}`, dwellings: 2000 }));
		try {
			app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Cité géante', buildings: huge });
			expect.unreachable();
		} catch (e) {
			expect((e as ValidationError).fields.buildings).toBe('access.tooManyDwellings');
		}
		const tooMany = Array.from({ length: 101 }, (_, i) => ({ name: `B${i}`, dwellings: 1 }));
		expect(() => app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Trop', buildings: tooMany })).toThrow(ValidationError);
		expect(app.services.deps.db.select().from(households).all().length).toBe(before);
	});

	it('accepts the largest allowed residence in one go', async () => {
		const { admin, org } = await createResidence(app);
		const r = app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Grand ensemble', buildings: [{ name: 'A', dwellings: 2000 }, { name: 'B', dwellings: 2000 }, { name: 'C', dwellings: 1000 }] });
		expect(app.services.deps.db.select().from(households).where(eq(households.residenceId, r.id)).all()).toHaveLength(5000);
	});
});

describe('spaces', () => {
	it('home lists each space with the person’s roles; a residence is private to its members', async () => {
		const { residence } = await createResidence(app);
		const tenant = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
		const stranger = await createUser(app);
		expect(app.services.spaces.mySpaces(tenant)).toEqual([
			expect.objectContaining({ type: 'residence', id: residence.id, name: 'Résidence test', roles: ['tenant'] })
		]);
		expect(app.services.spaces.mySpaces(stranger)).toEqual([]);
		expect(app.services.spaces.residence(tenant, residence.id).householdCount).toBe(4);
		expect(() => app.services.spaces.residence(stranger, residence.id)).toThrow(ForbiddenError);
		expect(() => app.services.spaces.residence(null, residence.id)).toThrow(ForbiddenError);
	});

	it('the public organisation page shows structure, never people', async () => {
		const { org, residence } = await createResidence(app);
		await createUser(app, { displayName: 'Amina Secret', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
		const view = app.services.spaces.publicOrganisation(org.slug);
		expect(JSON.stringify(view)).not.toContain('Amina Secret');
		expect(() => app.services.spaces.publicOrganisation('nope')).toThrow(UserError);
	});
});

describe('dwelling labels', () => {
	it('derive short prefixes from building names', () => {
		expect(dwellingPrefix('Bâtiment A', 0)).toBe('A');
		expect(dwellingPrefix('Les Tilleuls', 0)).toBe('TIL');
		expect(dwellingPrefix('Escalier 2', 1)).toBe('2');
		expect(dwellingPrefix('Tour Sud Est', 0)).toBe('SE');
		expect(dwellingPrefix('—', 2)).toBe('3');
	});
});
