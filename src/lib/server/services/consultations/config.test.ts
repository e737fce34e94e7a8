/**
 * The election config of a consultation (context.ts, `configOf`): voters of one turn share one
 * frozen config built from the options read for all of them (issue 15); a later read builds a new
 * one, so an edit between two reads is seen.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { createContext } from './context';

let app: TestApp;

describe.each(testEngines)('configOf on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(async () => {
		await app.close();
	});

	async function draft(input: Record<string, unknown>) {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
		const { id } = await app.services.consultations.create(claire, { space, question: 'Quel banc ?', electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', ...input });
		const { data } = app.services.deps;
		const read = async () => (await data.db.select().from(data.t.consultations).where(eq(data.t.consultations.id, id)))[0]!;
		return { id, read, ctx: createContext(app.services.deps) };
	}

	it('gives the voters of one turn one frozen config, and a later read a new one that sees an edit', async () => {
		const { id, read, ctx } = await draft({ method: 'plurality', options: [{ label: 'Bois' }, { label: 'Métal' }] });
		const row = await read();
		const [a, b] = await Promise.all([ctx.configOf({ ...row }), ctx.configOf({ ...row })]);
		expect(a).toBe(b);
		expect(a.options.map((o) => o.label)).toEqual(['Bois', 'Métal']);
		expect(Object.isFrozen(a) && Object.isFrozen(a.options) && a.options.every((o) => Object.isFrozen(o))).toBe(true);
		expect(() => (a.options as { id: string; label: string }[]).push({ id: 'x', label: 'x' })).toThrow(TypeError);

		const { data } = app.services.deps;
		await data.write(async (tx) => {
			await tx.insert(data.t.consultationOptions).values({ id: `${id}-beton`, consultationId: id, position: 2, label: 'Béton' });
		});
		const later = await ctx.configOf(await read());
		expect(later).not.toBe(a);
		expect(later.options.map((o) => o.label)).toEqual(['Bois', 'Métal', 'Béton']);
	});

	it('keeps configs apart by the fields they are made of (a budget edited between two voters of a turn)', async () => {
		const { read, ctx } = await draft({ method: 'budget', budget: 1000, options: [{ label: 'Bois', cost: 800 }, { label: 'Métal', cost: 400 }] });
		const row = await read();
		const [a, b] = await Promise.all([ctx.configOf({ ...row }), ctx.configOf({ ...row, budget: 1500 })]);
		expect(a.budget).toBe(1000);
		expect(b.budget).toBe(1500);
		expect(a.options.map((o) => o.cost)).toEqual([800, 400]);
	});
});
