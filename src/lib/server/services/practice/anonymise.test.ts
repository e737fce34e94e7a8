import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, type Actor } from '$lib/domain/policy';
import { loadActor } from '../../auth/session';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	afterEach(() => app.close());
	const T = 'training-1';

	describe('a scenario from a real residence, anonymised', () => {
		let staff: Actor, trainerOnly: Actor, residenceId: string;
		beforeEach(async () => {
			app = await createTestAppOn(engine);
			const { data } = app.services.deps;
			const { organisations, proposals, trainingSessions, users } = data.t;
			await data.write(async (tx) => {
				await tx.insert(organisations).values({ id: 'ccaura', slug: 'ccaura', name: 'CCAURA', kind: 'training', createdAt: app.clock.now() });
				await tx.insert(trainingSessions).values({ id: T, organisationId: 'ccaura', slug: 's', name: 'S', createdAt: app.clock.now() });
			});
			const { residence } = await createResidence(app, [
				{ name: 'Tour Josiane Lemaire', dwellings: 6 },
				{ name: 'Bâtiment B', dwellings: 3 }
			]);
			residenceId = residence.id;
			const space = { type: 'residence' as const, id: residence.id };
			staff = await createUser(app, { username: 'claire.martin@lmh.demo', displayName: 'Claire Martin', roles: [{ ...space, role: 'facilitator' }, { type: 'training', id: T, role: 'trainer' }] });
			trainerOnly = await createUser(app, { username: 'nadia', displayName: 'Nadia', roles: [{ type: 'training', id: T, role: 'trainer' }] });
			const josiane = await createUser(app, { username: 'josiane', displayName: 'Josiane Lemaire', roles: [{ ...space, role: 'tenant' }] });
			const now = app.clock.now();
			await data.write(async (tx) => {
				await tx.update(users).set({ email: 'josiane.l@example.org' }).where(eq(users.id, josiane.id));
				for (const [i, title] of ['Le jardin de Josiane Lemaire', 'Appeler josiane.l@example.org ou 06 12 34 56 78', 'Des bancs près de l’aire de jeux'].entries())
					await tx.insert(proposals).values({ id: `p${i}`, spaceType: 'residence', spaceId: residence.id, title, description: 'Josiane Lemaire, 3e étage', category: 'other', status: 'idea', position: i, authorId: josiane.id, createdAt: now, updatedAt: now });
			});
		});

		it('keeps the shape (buildings, dwellings, idea titles) and no personal data; only staff of that residence who train may', async () => {
			const now = async (a: Actor) => (await loadActor(app.services.deps.data, a.id))!;
			expect((await app.services.practice.anonymisable(await now(staff), T)).map((r) => r.id)).toEqual([residenceId]);
			expect(await app.services.practice.anonymisable(await now(trainerOnly), T)).toEqual([]);
			const { id } = await app.services.practice.importResidence(await now(staff), T, residenceId);
			const { data: handle } = app.services.deps;
			const scenarios = () => handle.db.select().from(handle.t.practiceScenarios);
			const row = (await scenarios()).find((r) => r.id === id)!;
			const json = JSON.stringify(row.data);
			for (const personal of ['Josiane', 'Lemaire', 'josiane', 'example.org', '06 12 34', 'Claire', '3e étage']) expect(json).not.toContain(personal);
			const data = row.data as { space: { buildings: { name: string; households: number }[] }; ideas: { title: string; description: string }[] };
			expect(data.space.buildings).toEqual([expect.objectContaining({ name: 'Bâtiment 1', households: 6 }), expect.objectContaining({ name: 'Bâtiment 2', households: 3 })]);
			expect(data.ideas.map((i) => i.title)).toEqual(['Le jardin de …', 'Appeler … ou …', 'Des bancs près de l’aire de jeux']);
			await expect(async () => app.services.practice.importResidence(await now(trainerOnly), T, residenceId)).rejects.toThrow(ForbiddenError);
			expect(await scenarios()).toHaveLength(1);
		});
	});
});
