/**
 * The person a session stands for, as the policy sees her, read with the prepared statements every
 * signed-in request runs (session.ts), on both engines: roles, her residences' rules, and a session
 * that ended.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../testing';
import { createSession, currentSession, generateSessionToken, invalidateSession, loadActor, sessionIdFromToken, validateSessionToken } from './session';

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
});
