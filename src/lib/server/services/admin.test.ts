import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../testing';
import { ACCOUNTS_PER_PAGE, dwellingPrefix } from './admin';
import { MEMBERS_PER_PAGE } from './spaces';
import { UserError } from './errors';
import { ValidationError } from './validate';

describe.each(testEngines)('administration on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());
	const db = () => app.services.deps.data.db;
	const t = () => app.services.deps.data.t;

	describe('administration', () => {
		it('creates an organisation, agencies, a residence with one household per dwelling, and a body with colleges', async () => {
			const admin = await createUser(app, { isAdmin: true });
			const { admin: svc } = app.services;
			const org = await svc.createOrganisation(admin, { name: 'Lyon Métropole Habitat', kind: 'landlord' });
			expect(org.slug).toBe('lyon-metropole-habitat');
			const agency = await svc.createAgency(admin, { organisationId: org.id, name: 'Agence de Vénissieux' });
			const residence = await svc.createResidence(admin, {
				organisationId: org.id,
				agencyId: agency.id,
				name: 'L’Aventurière',
				buildings: [
					{ name: 'Bâtiment A', dwellings: '42' },
					{ name: 'Bâtiment B', dwellings: 40 },
					{ name: 'Bâtiment C', dwellings: 38 }
				]
			});
			const { households, colleges } = t();
			const homes = await db().select().from(households).where(eq(households.residenceId, residence.id));
			expect(homes).toHaveLength(120);
			expect(homes.map((h) => h.label)).toContain('C-38');
			const body = await svc.createBody(admin, {
				organisationId: org.id,
				name: 'Comité de pilotage',
				colleges: [
					{ name: 'Directions', weight: 0.25, seats: 8 },
					{ name: 'Bénévoles', weight: 0.25, seats: 8 },
					{ name: 'Pouvoirs publics', weight: 0.25 },
					{ name: 'Associations', weight: 0.25 }
				]
			});
			expect((await db().select().from(colleges).where(eq(colleges.bodyId, body.id)).orderBy(colleges.position)).map((c) => c.weight)).toEqual([0.25, 0.25, 0.25, 0.25]);
			const view = await app.services.spaces.publicOrganisation(org.slug);
			// A residence that has not opted into the public portal lists no portal address.
			expect(view.residences).toEqual([{ id: residence.id, name: 'L’Aventurière', city: '', households: 120, portalSlug: null }]);
			expect(view.bodies[0]!.colleges).toHaveLength(4);
		});

		it('a second residence with the same name gets its own slug', async () => {
			const { admin, org } = await createResidence(app);
			const again = await app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Résidence test', buildings: [{ name: 'A', dwellings: 1 }] });
			expect(again.slug).toBe('residence-test-2');
		});

		it('rejects bad structures with field messages', async () => {
			const { admin, org } = await createResidence(app);
			await expect(app.services.admin.createResidence(admin, { organisationId: org.id, name: 'X', buildings: [] })).rejects.toThrow(ValidationError);
			try {
				await app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Les Tilleuls', buildings: [{ name: 'A', dwellings: 'beaucoup' }] });
				expect.unreachable();
			} catch (e) {
				expect((e as ValidationError).fields['buildings.0.dwellings']).toBe('validation.number');
			}
			await expect(app.services.admin.createBody(admin, { organisationId: org.id, name: 'Comité', colleges: [{ name: 'Trop lourd', weight: 2 }] })).rejects.toThrow(ValidationError);
		});

		it('only administrators create structures', async () => {
			const { residence, org } = await createResidence(app);
			const staff = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
			await expect(app.services.admin.createOrganisation(staff, { name: 'Autre', kind: 'city' })).rejects.toThrow(ForbiddenError);
			await expect(app.services.admin.createResidence(staff, { organisationId: org.id, name: 'Autre', buildings: [{ name: 'A', dwellings: 1 }] })).rejects.toThrow(ForbiddenError);
			await expect(app.services.admin.createOrganisation(null, { name: 'Autre', kind: 'city' })).rejects.toThrow(ForbiddenError);
		});

		it('assigns roles that fit the kind of space, with a college of the same body', async () => {
			const { admin, org } = await createResidence(app);
			const body = await app.services.admin.createBody(admin, { organisationId: org.id, name: 'Comité', colleges: [{ name: 'Bénévoles', weight: 0.5 }] });
			const { colleges } = t();
			const [college] = await db().select().from(colleges).where(eq(colleges.bodyId, body.id)).limit(1);
			const collegeId = college!.id;
			const fatou = await createUser(app);
			await app.services.admin.assignRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role: 'member', collegeId });
			const view = await app.services.spaces.body(admin, body.id);
			expect(view.colleges[0]!.members.map((m) => m.userId)).toEqual([fatou.id]);
			// Her roles read in the policy's order, whatever the order they were given in.
			for (const role of ['secretary', 'chair'] as const) {
				app.clock.advance(1000);
				await app.services.admin.assignRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role });
			}
			expect((await app.services.spaces.body(admin, body.id)).members.map((m) => m.roles)).toEqual([['member', 'chair', 'secretary']]);
			for (const role of ['secretary', 'chair'] as const) await app.services.admin.removeRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role });
			await expect(app.services.admin.assignRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role: 'tenant' })).rejects.toThrow(UserError);
			const other = await app.services.admin.createBody(admin, { organisationId: org.id, name: 'Autre comité' });
			await expect(app.services.admin.assignRole(admin, { userId: fatou.id, space: { type: 'body', id: other.id }, role: 'member', collegeId })).rejects.toThrow(UserError);
			await app.services.admin.removeRole(admin, { userId: fatou.id, space: { type: 'body', id: body.id }, role: 'member' });
			expect((await app.services.spaces.body(admin, body.id)).members).toEqual([]);
		});

		it('finds people by name, identifier or e-mail, whatever the case and accents', async () => {
			const admin = await createUser(app, { isAdmin: true, username: 'root@test.local' });
			await createUser(app, { username: 'amina.b', displayName: 'Amina Benali' });
			const find = async (q: string) => (await app.services.admin.findUsers(admin, { q })).users;
			expect((await find('BENALI')).map((u) => u.username)).toEqual(['amina.b']);
			expect((await find('amina.')).map((u) => u.displayName)).toEqual(['Amina Benali']);
			// With each person's roles, so that the page can offer to take one back.
			const { residence } = await createResidence(app);
			await createUser(app, { username: 'karim.d', displayName: 'Karim D.', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			expect((await find('karim.')).map((u) => u.roles)).toEqual([[{ space: { type: 'residence', id: residence.id }, role: 'tenant', collegeId: null }]]);
			expect((await find('amina.'))[0]!.roles).toEqual([]);
			// Accents and case aside, the same on both engines (SQLite's lower() only knows ASCII); an e-mail too.
			await createUser(app, { username: 'e.muller@bailleur.example', displayName: 'Élodie Müller' });
			expect((await find('elodie muller')).map((u) => u.email)).toEqual(['e.muller@bailleur.example']);
			expect((await find('ÉLODIE')).map((u) => u.email)).toEqual(['e.muller@bailleur.example']);
			expect((await find('MULLER@BAILLEUR')).map((u) => u.displayName)).toEqual(['Élodie Müller']);
			expect(await find('personne')).toEqual([]);
			await expect(app.services.admin.findUsers(await createUser(app), {})).rejects.toThrow(ForbiddenError);
			await expect(app.services.admin.findUsers(null, {})).rejects.toThrow(ForbiddenError);
		});

		it('lists every account a page at a time, by name as a French reader sorts them', async () => {
			const admin = await createUser(app, { isAdmin: true, username: 'root@test.local', displayName: 'Admin' });
			await createUser(app, { username: 'zoe', displayName: 'Zoé Aubert' });
			await createUser(app, { username: 'elodie', displayName: 'élodie Blanc' });
			for (let i = 0; i < 57; i++) await createUser(app, { username: `voisin.${i}`, displayName: `Voisin ${String(i).padStart(2, '0')}` });
			const view = (query?: unknown) => app.services.admin.findUsers(admin, query);

			// 60 accounts: the first 50, "élodie" with the E (byte order put her after the Z).
			const first = await view();
			expect(first.list).toEqual({ total: 60, perPage: ACCOUNTS_PER_PAGE, matches: 60, page: 1, pages: 2, q: '' });
			expect(first.users.map((u) => u.displayName).slice(0, 3)).toEqual(['Admin', 'élodie Blanc', 'Voisin 00']);
			expect(first.users).toHaveLength(50);
			const second = await view({ page: '2' });
			expect(second.users.map((u) => u.displayName)).toEqual([...Array.from({ length: 9 }, (_, i) => `Voisin ${48 + i}`), 'Zoé Aubert']);
			expect(new Set([...first.users, ...second.users].map((u) => u.id)).size).toBe(60);

			// A search has its own count and pages.
			expect((await view({ q: 'voisin 1' })).list).toMatchObject({ total: 60, matches: 10, page: 1, pages: 1, q: 'voisin 1' });
			expect((await view({ q: 'voisin', page: 2 })).users.map((u) => u.displayName)).toEqual(Array.from({ length: 7 }, (_, i) => `Voisin ${50 + i}`));

			// An address edited by hand never fails: past the end is the last page, nonsense is the first.
			expect((await view({ page: '999' })).list).toMatchObject({ page: 2 });
			for (const page of ['abc', '-3', '0', '1.5', ['2', '3'], { a: 1 }]) expect((await view({ page })).list.page, String(page)).toBe(1);
			for (const q of [['a', 'b'], 42, { q: 1 }]) expect((await view({ q })).list, JSON.stringify(q)).toMatchObject({ q: '', matches: 60 });
			expect((await view('nonsense')).list).toMatchObject({ page: 1, q: '' });
		});
	});

	describe('role grants through the service (issue 7, finding 2)', () => {
		it('a facilitator can neither make herself a tenant nor make a tenant a facilitator; she may make a tenant an association member', async () => {
			const { residence } = await createResidence(app);
			const space = { type: 'residence', id: residence.id } as const;
			const claire = await createUser(app, { roles: [{ ...space, role: 'facilitator' }] });
			const karim = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
			await expect(app.services.admin.assignRole(claire, { userId: claire.id, space, role: 'tenant' })).rejects.toThrow(ForbiddenError);
			await expect(app.services.admin.assignRole(claire, { userId: karim.id, space, role: 'facilitator' })).rejects.toThrow(ForbiddenError);
			await expect(app.services.admin.removeRole(claire, { userId: claire.id, space, role: 'facilitator' })).rejects.toThrow(ForbiddenError);
			await app.services.admin.assignRole(claire, { userId: karim.id, space, role: 'association' });
			const { memberships } = t();
			const roles = await db().select({ userId: memberships.userId, role: memberships.role }).from(memberships);
			expect(roles.filter((r) => r.userId === claire.id).map((r) => r.role)).toEqual(['facilitator']);
			expect(roles.filter((r) => r.userId === karim.id).map((r) => r.role).sort()).toEqual(['association', 'tenant']);
		});

		it('a stranger learns nothing about unknown people or spaces (forbidden, not not-found)', async () => {
			const stranger = await createUser(app);
			await expect(app.services.admin.assignRole(stranger, { userId: 'nobody', space: { type: 'residence', id: 'nowhere' }, role: 'tenant' })).rejects.toThrow(ForbiddenError);
		});
	});

	describe('bounded administration (issue 7, "Also")', () => {
		it('refuses a residence of 200,000 dwellings with a clear message and writes nothing', async () => {
			const { admin, org } = await createResidence(app);
			const { households } = t();
			const before = (await db().select().from(households)).length;
			const huge = Array.from({ length: 100 }, (_, i) => ({ name: `Tour ${i}`, dwellings: 2000 }));
			try {
				await app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Cité géante', buildings: huge });
				expect.unreachable();
			} catch (e) {
				expect((e as ValidationError).fields.buildings).toBe('access.tooManyDwellings');
			}
			const tooMany = Array.from({ length: 101 }, (_, i) => ({ name: `B${i}`, dwellings: 1 }));
			await expect(app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Trop', buildings: tooMany })).rejects.toThrow(ValidationError);
			expect((await db().select().from(households)).length).toBe(before);
		});

		it('accepts the largest allowed residence in one go', async () => {
			const { admin, org } = await createResidence(app);
			const r = await app.services.admin.createResidence(admin, { organisationId: org.id, name: 'Grand ensemble', buildings: [{ name: 'A', dwellings: 2000 }, { name: 'B', dwellings: 2000 }, { name: 'C', dwellings: 1000 }] });
			const { households } = t();
			expect(await db().select().from(households).where(eq(households.residenceId, r.id))).toHaveLength(5000);
		});
	});

	describe('spaces', () => {
		it('home lists each space with the person’s roles; a residence is private to its members', async () => {
			const { residence } = await createResidence(app);
			const tenant = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			const stranger = await createUser(app);
			expect(await app.services.spaces.mySpaces(tenant)).toEqual([
				expect.objectContaining({ type: 'residence', id: residence.id, name: 'Résidence test', roles: ['tenant'] })
			]);
			expect(await app.services.spaces.mySpaces(stranger)).toEqual([]);
			expect((await app.services.spaces.residence(tenant, residence.id)).householdCount).toBe(4);
			await expect(app.services.spaces.residence(stranger, residence.id)).rejects.toThrow(ForbiddenError);
			await expect(app.services.spaces.residence(null, residence.id)).rejects.toThrow(ForbiddenError);
		});

		it('a residence lists its members a page at a time, and finds them by name, accents and case aside', async () => {
			const { residence } = await createResidence(app);
			const tenantIn = [{ type: 'residence' as const, id: residence.id, role: 'tenant' as const }];
			const facilitator = await createUser(app, { displayName: 'Agent Facilitateur', roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
			const tenant = await createUser(app, { displayName: 'Élodie Martin', roles: tenantIn });
			for (let i = 0; i < 58; i++) await createUser(app, { displayName: `Voisin ${String(i).padStart(2, '0')}`, roles: tenantIn });
			const view = (query: unknown = {}, who = facilitator) => app.services.spaces.residence(who, residence.id, query);

			// 60 people: 50 on the first page, by name; the manager gets the ids the reset form needs.
			const first = await view();
			expect(first.memberList).toEqual({ total: 60, perPage: MEMBERS_PER_PAGE, matches: 60, page: 1, pages: 2, q: '' });
			expect(first.members.map((m) => m.displayName).slice(0, 3)).toEqual(['Agent Facilitateur', 'Élodie Martin', 'Voisin 00']);
			expect(first.members).toHaveLength(50);
			expect(first.members.every((m) => typeof m.userId === 'string')).toBe(true);
			const second = await view({ page: '2' });
			expect(second.members.map((m) => m.displayName)).toEqual(Array.from({ length: 10 }, (_, i) => `Voisin ${48 + i}`));
			// Keys stay unique across pages (keyed rendering after a page change).
			expect(new Set([...first.members, ...second.members].map((m) => m.key)).size).toBe(60);

			// A neighbour sees names and roles, never ids.
			const neighbour = await view({ page: 2 }, tenant);
			expect(neighbour.members).toHaveLength(10);
			expect(neighbour.members.some((m) => 'userId' in m)).toBe(false);

			// Search: accents and case aside, on the name only, with its own count and pages.
			const found = await view({ q: '  ELODIE ' });
			expect(found.members.map((m) => m.displayName)).toEqual(['Élodie Martin']);
			expect(found.memberList).toMatchObject({ total: 60, matches: 1, page: 1, pages: 1, q: 'ELODIE' });
			expect((await view({ q: 'voisin 1' })).memberList).toMatchObject({ matches: 10, pages: 1 });
			expect((await view({ q: 'nobody' })).members).toEqual([]);

			// An address edited by hand never fails: past the end is the last page, nonsense is the first.
			expect((await view({ page: '999' })).memberList).toMatchObject({ page: 2 });
			for (const page of ['abc', '-3', '0', '1.5', ['2', '3'], { a: 1 }]) expect((await view({ page })).memberList?.page, String(page)).toBe(1);
			expect((await view('not an object')).memberList).toMatchObject({ page: 1, q: '' });
			expect((await view({ q: 'x'.repeat(500) })).memberList?.q).toHaveLength(100);
		});

		it('the public organisation page shows structure, never people', async () => {
			const { org, residence } = await createResidence(app);
			await createUser(app, { displayName: 'Amina Secret', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			const view = await app.services.spaces.publicOrganisation(org.slug);
			expect(JSON.stringify(view)).not.toContain('Amina Secret');
			await expect(app.services.spaces.publicOrganisation('nope')).rejects.toThrow(UserError);
		});

		it('a person’s language, easy-read default and discretion are kept on the account', async () => {
			const amina = await createUser(app);
			await app.services.spaces.setLocale(amina, 'en');
			await app.services.spaces.setEasyRead(amina, '1');
			await app.services.spaces.setDiscreet(amina, true);
			const { users } = t();
			const [row] = await db().select({ locale: users.locale, easyRead: users.easyRead, discreet: users.discreet }).from(users).where(eq(users.id, amina.id));
			expect(row).toEqual({ locale: 'en', easyRead: true, discreet: true });
		});
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
