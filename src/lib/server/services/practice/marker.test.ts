import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing';
import { bodies, memberships, organisations, residences } from '../../db/schema-core';
import { isPracticeSpace, notInPracticeSpace, notPracticeResidence, practiceSpaceIds, realBody, realResidence, withoutPracticeSpaces } from './marker';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
	const { db } = app.services.deps;
	const createdAt = new Date();
	db.insert(organisations).values({ id: 'o', slug: 'o', name: 'O', kind: 'training', createdAt }).run();
	db.insert(residences).values([
		{ id: 'r-real', organisationId: 'o', slug: 'r-real', name: 'Real', createdAt },
		{ id: 'r-prac', organisationId: 'o', slug: 'r-prac', name: 'Practice', practice: true, createdAt }
	]).run();
	db.insert(bodies).values([
		{ id: 'b-real', organisationId: 'o', slug: 'b-real', name: 'Real', createdAt },
		{ id: 'b-prac', organisationId: 'o', slug: 'b-prac', name: 'Practice', practice: true, createdAt }
	]).run();
});
afterEach(() => app.close());

describe('practice marker', () => {
	it('defaults to false and tells practice spaces apart', async () => {
		const { db } = app.services.deps;
		expect(await isPracticeSpace(db, { type: 'residence', id: 'r-real' })).toBe(false);
		expect(await isPracticeSpace(db, { type: 'residence', id: 'r-prac' })).toBe(true);
		expect(await isPracticeSpace(db, { type: 'body', id: 'b-real' })).toBe(false);
		expect(await isPracticeSpace(db, { type: 'body', id: 'b-prac' })).toBe(true);
		expect(await isPracticeSpace(db, { type: 'residence', id: 'missing' })).toBe(false);
		expect([...(await practiceSpaceIds(app.services.deps.data))].sort()).toEqual(['b-prac', 'r-prac']);
	});

	it('filters queries and lists', async () => {
		const { db } = app.services.deps;
		expect(db.select({ id: residences.id }).from(residences).where(realResidence()).all()).toEqual([{ id: 'r-real' }]);
		expect(db.select({ id: bodies.id }).from(bodies).where(realBody()).all()).toEqual([{ id: 'b-real' }]);
		expect(db.select({ id: residences.id }).from(residences).where(notPracticeResidence(residences.id)).all()).toEqual([{ id: 'r-real' }]);
		const u = 'u';
		db.$client.prepare("insert into users (id, username, display_name, password_hash, created_at, password_changed_at) values ('u','u','U','x',0,0)").run();
		const createdAt = new Date();
		db.insert(memberships).values([
			{ id: 'm1', userId: u, spaceType: 'residence', spaceId: 'r-real', role: 'tenant', createdAt },
			{ id: 'm2', userId: u, spaceType: 'residence', spaceId: 'r-prac', role: 'tenant', createdAt },
			{ id: 'm3', userId: u, spaceType: 'body', spaceId: 'b-real', role: 'member', createdAt },
			{ id: 'm4', userId: u, spaceType: 'body', spaceId: 'b-prac', role: 'member', createdAt },
			{ id: 'm5', userId: u, spaceType: 'training', spaceId: 't', role: 'trainee', createdAt }
		]).run();
		const kept = db.select({ id: memberships.id }).from(memberships).where(notInPracticeSpace(memberships.spaceType, memberships.spaceId)).all();
		expect(kept.map((r) => r.id).sort()).toEqual(['m1', 'm3', 'm5']);
		const listed = await withoutPracticeSpaces(app.services.deps.data, [{ s: 'r-real' }, { s: 'r-prac' }, { s: null }], (r) => r.s);
		expect(listed).toEqual([{ s: 'r-real' }, { s: null }]);
		// The home page lists real spaces only: a practice copy is reached from its training session.
		const actor = { id: u, isAdmin: false, roles: new Map([['residence:r-real', ['tenant' as const]], ['residence:r-prac', ['tenant' as const]], ['body:b-real', ['member' as const]], ['body:b-prac', ['member' as const]]]) };
		expect((await app.services.spaces.mySpaces(actor)).map((s) => `${s.type}:${s.id}`)).toEqual(['residence:r-real', 'body:b-real']);
	});
});
