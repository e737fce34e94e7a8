/**
 * The scenario library on both engines (issue 12). Starting a session seeds the ideas' co-edited
 * descriptions through the collab service, still synchronous: sessions and runs are tested on
 * SQLite only (practice.test.ts) until it is converted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, type Actor } from '$lib/domain/policy';
import { shippedScenario } from '$lib/domain/practice/library';
import { writeScenario } from '$lib/domain/practice/scenario';
import { loadActor } from '../../auth/session';
import { createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';

const T = 'training-1';

describe.each(testEngines)('practice scenario library on %s', (engine) => {
	let app: TestApp;
	let trainer: Actor, julien: Actor;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		const { data } = app.services.deps;
		const { organisations, trainingSessions } = data.t;
		const createdAt = app.clock.now();
		await data.write(async (tx) => {
			await tx.insert(organisations).values({ id: 'ccaura', slug: 'ccaura', name: 'CCAURA', kind: 'training', createdAt });
			await tx.insert(trainingSessions).values({ id: T, organisationId: 'ccaura', slug: 'session-1', name: 'Session 1', createdAt });
		});
		trainer = await createUser(app, { username: 'nadia', displayName: 'Nadia', roles: [{ type: 'training', id: T, role: 'trainer' }] });
		julien = await createUser(app, { username: 'julien', displayName: 'Julien', roles: [{ type: 'training', id: T, role: 'trainee' }] });
	});
	afterEach(() => app.close());

	/** The actor as they are now: every door loads it again. */
	const now = async (a: Actor) => (await loadActor(app.services.deps.data, a.id))!;
	const practice = () => app.services.practice;

		it('scenarios: duplicate, edit, export and import; a hostile file stores nothing', async () => {
			const { id } = await practice().duplicateScenario(await now(trainer), T, 'shipped:mobilier:fr');
			const s = await practice().scenario(await now(trainer), T, id);
			expect(s.shipped).toBe(false);
			const edited = { ...s.scenario, title: 'Mobilier — version Bron' };
			await practice().updateScenario(await now(trainer), T, id, { json: writeScenario(edited) });
			expect((await practice().scenario(await now(trainer), T, id)).scenario.title).toBe('Mobilier — version Bron');
			await expect(async () => practice().updateScenario(await now(trainer), T, 'shipped:mobilier:fr', { json: '{}' })).rejects.toThrow(UserError);
			const exported = (await practice().exportScenario(await now(trainer), T, id)).body;
			const countBefore = (await practice().overview(await now(trainer), T)).scenarios.length;
			await practice().importScenario(await now(trainer), T, exported);
			expect((await practice().overview(await now(trainer), T)).scenarios.length).toBe(countBefore + 1);
			const hostile = shippedScenario('shipped:aventuriere:fr')!;
			hostile.roles[0]!.brief = '<script>fetch("/admin")</script>';
			await expect(async () => practice().importScenario(await now(trainer), T, writeScenario(hostile))).rejects.toThrow(expect.objectContaining({ code: 'practice.error.markup' }));
			await expect(async () => practice().importScenario(await now(trainer), T, JSON.stringify({ format: 'practice-scenario', version: 9 }))).rejects.toThrow(expect.objectContaining({ code: 'practice.error.version' }));
			expect((await practice().overview(await now(trainer), T)).scenarios.length).toBe(countBefore + 1);
			await expect(async () => practice().importScenario(await now(julien), T, exported)).rejects.toThrow(ForbiddenError);
			expect((await practice().overview(await now(julien), T)).scenarios).toEqual([]);
		});
});
