/**
 * The live connections' view of who a session belongs to now (live-auth.ts), on the async data
 * handle: one read shared by the events that arrive together, re-read at once after a signalled
 * change, and after the cache's time for a change nobody signalled.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, generateSessionToken, sessionIdFromToken } from '../auth/session';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../testing';
import { createLiveAuth, LIVE_AUTH_TTL_MS, type LiveAuth } from './live-auth';

describe.each(testEngines)('live auth on %s', (engine) => {
	let app: TestApp;
	let live: LiveAuth;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		const { data, clock, bus } = app.services.deps;
		live = createLiveAuth({ data, clock, bus });
	});
	afterEach(async () => {
		live.close();
		await app.close();
	});

	async function signedIn(userId: string) {
		const { data, clock, ids } = app.services.deps;
		const token = generateSessionToken(ids);
		await createSession(data, clock, token, userId);
		return sessionIdFromToken(token);
	}

	it('events arriving together share one read of the session', async () => {
		const amina = await createUser(app, { displayName: 'Amina' });
		const sid = await signedIn(amina.id);
		const [first, second, third] = await Promise.all([live.current(sid), live.current(sid), live.current(sid)]);
		expect(first?.id).toBe(amina.id);
		expect(second).toBe(first);
		expect(third).toBe(first);
		expect(await live.current('no-such-session')).toBeNull();
	});

	it('a signalled change is read again at once; a signed-out session is over', async () => {
		const { residence, admin } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const karim = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
		const sid = await signedIn(karim.id);
		expect((await live.current(sid))?.roles.get(`residence:${residence.id}`)).toEqual(['tenant']);
		const before = live.version(karim.id);
		await app.services.admin.removeRole(admin, { userId: karim.id, space, role: 'tenant' });
		expect(live.version(karim.id)).toBeGreaterThan(before);
		expect((await live.current(sid))?.roles.has(`residence:${residence.id}`)).toBe(false);
		await app.services.auth.signOut(sid);
		expect(await live.current(sid)).toBeNull();
	});

	it('a change made without a signal is caught once the cache’s time is up, and counts as a change', async () => {
		const amina = await createUser(app, { displayName: 'Amina' });
		const sid = await signedIn(amina.id);
		expect((await live.current(sid))?.displayName).toBe('Amina');
		const { data } = app.services.deps;
		await data.write(async (tx) => {
			await tx.update(data.t.users).set({ displayName: 'Amina B.' }).where(eq(data.t.users.id, amina.id));
		});
		expect((await live.current(sid))?.displayName).toBe('Amina');
		const changes: string[] = [];
		live.onChange((userId) => changes.push(userId));
		app.clock.advance(LIVE_AUTH_TTL_MS + 1);
		expect((await live.current(sid))?.displayName).toBe('Amina B.');
		expect(changes).toEqual([amina.id]);
	});
});
