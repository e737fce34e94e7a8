/**
 * The person a session stands for, as the policy sees her, read with the prepared statements every
 * signed-in request runs (session.ts), on both engines: roles, her residences' rules, and a session
 * that ended.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../testing';
import { createSession, currentSession, generateSessionToken, invalidateSession, loadActor, loadActors, sessionIdFromToken, validateSessionToken } from './session';

describe.each(testEngines)('the actor of a session on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	it('carries every role and every residence rule of someone in 20 residences (more than one prepared list), and nothing once signed out', async () => {
		const { data, clock, ids } = app.services.deps;
		const residences: string[] = [];
		for (let i = 0; i < 20; i++) residences.push((await createResidence(app)).residence.id);
		const rules = ['participate', 'votes', 'full'] as const;
		await data.write(async (tx) => {
			for (const [i, id] of residences.entries()) await tx.update(data.t.residences).set({ associationRights: rules[i % 3]! }).where(eq(data.t.residences.id, id));
		});
		const roles = residences.map((id, i) => ({ type: 'residence' as const, id, role: i % 2 ? ('tenant' as const) : ('facilitator' as const) }));
		const user = await createUser(app, { displayName: 'Nadia', roles });

		const token = generateSessionToken(ids);
		await createSession(data, clock, token, user.id);
		const validated = await validateSessionToken(data, clock, token);
		for (const actor of [await loadActor(data, user.id), validated.user, (await currentSession(data, clock, sessionIdFromToken(token)))?.user]) {
			expect(actor?.displayName).toBe('Nadia');
			expect(actor?.roles.size).toBe(20);
			expect(actor?.spaceRules?.size).toBe(20);
			for (const [i, id] of residences.entries()) {
				expect(actor?.roles.get(`residence:${id}`)).toEqual([i % 2 ? 'tenant' : 'facilitator']);
				expect(actor?.spaceRules?.get(`residence:${id}`)).toEqual({ association: rules[i % 3] });
			}
		}

		await invalidateSession(data, sessionIdFromToken(token));
		expect(await validateSessionToken(data, clock, token)).toEqual({ session: null, user: null, renewed: false });
		expect(await currentSession(data, clock, sessionIdFromToken(token))).toBeNull();
		expect(await loadActor(data, 'nobody')).toBeNull();
	});

	it('reads a person with no membership, two roles in one space, and a practice space that is paused (read only) or active, in one statement; an expired session is gone', async () => {
		const { data, clock, ids } = app.services.deps;
		const nobody = await createUser(app, { displayName: 'Sans rôle' });
		const none = await loadActor(data, nobody.id);
		expect(none).toMatchObject({ displayName: 'Sans rôle', isAdmin: false });
		expect([none?.roles.size, none?.spaceRules?.size, none?.practice?.size, none?.readOnly?.size]).toEqual([0, 0, 0, 0]);

		const { residence: paused, org } = await createResidence(app);
		const { residence: active } = await createResidence(app);
		const { residence: real } = await createResidence(app);
		const now = clock.now();
		await data.write(async (tx) => {
			const { trainingSessions, practiceSessions, practiceRuns } = data.t;
			await tx.insert(trainingSessions).values({ id: 'training-a', organisationId: org.id, slug: 'formation-a', name: 'Formation', createdAt: now });
			await tx.insert(practiceSessions).values({ id: 'practice-a', trainingId: 'training-a', title: 'Séance', scenario: {}, scenarioRef: 'x', code: 'ABC-123', status: 'running', createdBy: nobody.id, createdAt: now });
			await tx.insert(practiceRuns).values([
				{ id: 'run-1', sessionId: 'practice-a', number: 1, spaceType: 'residence', spaceId: paused.id, status: 'paused', assignments: {}, startedAt: now },
				{ id: 'run-2', sessionId: 'practice-a', number: 2, spaceType: 'residence', spaceId: active.id, status: 'active', assignments: {}, startedAt: now }
			]);
		});
		const trainee = await createUser(app, {
			displayName: 'Stagiaire',
			roles: [
				{ type: 'residence', id: paused.id, role: 'tenant' },
				{ type: 'residence', id: active.id, role: 'tenant' },
				{ type: 'residence', id: real.id, role: 'tenant' },
				{ type: 'residence', id: real.id, role: 'facilitator' }
			]
		});
		const actor = await loadActor(data, trainee.id);
		expect([...(actor?.roles.get(`residence:${real.id}`) ?? [])].sort()).toEqual(['facilitator', 'tenant']);
		expect([...(actor?.practice ?? [])].sort()).toEqual([`residence:${paused.id}`, `residence:${active.id}`].sort());
		expect([...(actor?.readOnly ?? [])]).toEqual([`residence:${paused.id}`]);
		expect(actor?.spaceRules?.size).toBe(3);
		// A list reads each person as loadActor does; an unknown id is left out.
		const many = await loadActors(data, [trainee.id, nobody.id, 'nobody', trainee.id]);
		expect([...many.keys()].sort()).toEqual([trainee.id, nobody.id].sort());
		expect(many.get(trainee.id)).toEqual(actor);
		expect(many.get(nobody.id)).toEqual(none);

		const token = generateSessionToken(ids);
		await createSession(data, clock, token, trainee.id);
		expect((await validateSessionToken(data, clock, token)).user?.readOnly).toEqual(actor?.readOnly);
		app.clock.advance(31 * 24 * 60 * 60 * 1000);
		expect(await currentSession(data, clock, sessionIdFromToken(token))).toBeNull();
		expect(await validateSessionToken(data, clock, token)).toEqual({ session: null, user: null, renewed: false });
		const left = await data.db.select().from(data.t.sessions).where(eq(data.t.sessions.id, sessionIdFromToken(token)));
		expect(left).toEqual([]);
	});
});
