/**
 * A governance body with three colleges, a chair, a secretary and members, for tests and the
 * meeting benchmark. Built through the admin service and the test helpers: real rows, no mocks.
 */
import { asc, eq } from 'drizzle-orm';
import { createUser, type TestApp } from '../../testing';

export async function createBodyFixture(app: TestApp, extraMembers = 0) {
	const admin = await createUser(app, { isAdmin: true, username: `admin-${app.services.deps.ids.id()}@test.local` });
	const org = await app.services.admin.createOrganisation(admin, { name: `Réseau ${app.services.deps.ids.id()}`, kind: 'network' });
	const body = await app.services.admin.createBody(admin, {
		organisationId: org.id,
		name: 'Comité test',
		proxyLimit: 1,
		colleges: [
			{ name: 'Directions', weight: 0.4, seats: 2 },
			{ name: 'Bénévoles', weight: 0.4, seats: 2 },
			{ name: 'Ville', weight: 0.2, seats: 1 }
		]
	});
	const { data } = app.services.deps;
	const { colleges } = data.t;
	const [dir, vol, city] = await data.db.select().from(colleges).where(eq(colleges.bodyId, body.id)).orderBy(asc(colleges.position), asc(colleges.id));
	const space = { type: 'body' as const, id: body.id };
	const person = (name: string, role: 'member' | 'chair' | 'secretary' | 'observer', collegeId?: string) =>
		createUser(app, { username: `${name}-${app.services.deps.ids.id()}`, displayName: name, roles: [{ ...space, role, collegeId }] });
	const chair = await person('Sophie', 'chair', dir!.id);
	const secretary = await person('Marc', 'secretary');
	const director = await person('Dina', 'member', dir!.id);
	const fatou = await person('Fatou', 'member', vol!.id);
	const vincent = await person('Vincent', 'member', vol!.id);
	const elise = await person('Élise', 'member', city!.id);
	const observer = await person('Olga', 'observer');
	const extra = [];
	for (let i = 0; i < extraMembers; i++) extra.push(await person(`Membre ${i}`, 'member', [dir, vol, city][i % 3]!.id));
	return { admin, org, body, space, colleges: { dir: dir!, vol: vol!, city: city! }, chair, secretary, director, fatou, vincent, elise, observer, extra };
}
