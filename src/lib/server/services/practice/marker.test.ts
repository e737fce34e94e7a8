import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { isPracticeSpace, notInPracticeSpace, notPracticeResidence, practiceSpaceIds, realBody, realResidence, withoutPracticeSpaces } from './marker';

describe.each(testEngines)('practice marker (%s)', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		const { data } = app.services.deps;
		const { bodies, organisations, residences } = data.t;
		const createdAt = new Date();
		await data.write(async (tx) => {
			await tx.insert(organisations).values({ id: 'o', slug: 'o', name: 'O', kind: 'training', createdAt });
			await tx.insert(residences).values([
				{ id: 'r-real', organisationId: 'o', slug: 'r-real', name: 'Real', createdAt },
				{ id: 'r-prac', organisationId: 'o', slug: 'r-prac', name: 'Practice', practice: true, createdAt }
			]);
			await tx.insert(bodies).values([
				{ id: 'b-real', organisationId: 'o', slug: 'b-real', name: 'Real', createdAt },
				{ id: 'b-prac', organisationId: 'o', slug: 'b-prac', name: 'Practice', practice: true, createdAt }
			]);
		});
	});
	afterEach(() => app.close());

	it('defaults to false and tells practice spaces apart', async () => {
		const { data } = app.services.deps;
		expect(await isPracticeSpace(data, { type: 'residence', id: 'r-real' })).toBe(false);
		expect(await isPracticeSpace(data, { type: 'residence', id: 'r-prac' })).toBe(true);
		expect(await isPracticeSpace(data, { type: 'body', id: 'b-real' })).toBe(false);
		expect(await isPracticeSpace(data, { type: 'body', id: 'b-prac' })).toBe(true);
		expect(await isPracticeSpace(data, { type: 'residence', id: 'missing' })).toBe(false);
		expect([...(await practiceSpaceIds(data))].sort()).toEqual(['b-prac', 'r-prac']);
	});

	it('filters queries and lists', async () => {
		const { data } = app.services.deps;
		const t = data.t;
		const { bodies, memberships, residences } = t;
		expect(await data.db.select({ id: residences.id }).from(residences).where(realResidence(t))).toEqual([{ id: 'r-real' }]);
		expect(await data.db.select({ id: bodies.id }).from(bodies).where(realBody(t))).toEqual([{ id: 'b-real' }]);
		expect(await data.db.select({ id: residences.id }).from(residences).where(notPracticeResidence(t, residences.id))).toEqual([{ id: 'r-real' }]);
		const { id: u } = await createUser(app, { username: 'u' });
		const createdAt = new Date();
		await data.write((tx) =>
			tx.insert(memberships).values([
				{ id: 'm1', userId: u, spaceType: 'residence', spaceId: 'r-real', role: 'tenant', createdAt },
				{ id: 'm2', userId: u, spaceType: 'residence', spaceId: 'r-prac', role: 'tenant', createdAt },
				{ id: 'm3', userId: u, spaceType: 'body', spaceId: 'b-real', role: 'member', createdAt },
				{ id: 'm4', userId: u, spaceType: 'body', spaceId: 'b-prac', role: 'member', createdAt },
				{ id: 'm5', userId: u, spaceType: 'training', spaceId: 't', role: 'trainee', createdAt }
			])
		);
		const kept = await data.db.select({ id: memberships.id }).from(memberships).where(notInPracticeSpace(t, memberships.spaceType, memberships.spaceId));
		expect(kept.map((r) => r.id).sort()).toEqual(['m1', 'm3', 'm5']);
		const listed = await withoutPracticeSpaces(data, [{ s: 'r-real' }, { s: 'r-prac' }, { s: null }], (r) => r.s);
		expect(listed).toEqual([{ s: 'r-real' }, { s: null }]);
		// The home page lists real spaces only: a practice copy is reached from its training session.
		const actor = { id: u, isAdmin: false, roles: new Map([['residence:r-real', ['tenant' as const]], ['residence:r-prac', ['tenant' as const]], ['body:b-real', ['member' as const]], ['body:b-prac', ['member' as const]]]) };
		expect((await app.services.spaces.mySpaces(actor)).map((s) => `${s.type}:${s.id}`)).toEqual(['residence:r-real', 'body:b-real']);
	});
});
