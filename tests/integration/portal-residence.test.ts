/**
 * The portal's residence side (issue 11) through the real services: nothing until the residence
 * chooses to publish (staff only); then its closed votes with results and the same anonymised ballot
 * file members get, never an open or reopened vote, never a practice residence, no names.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { organisations, residencePortalSettings, residences } from '$lib/server/db/schema';
import { createTestApp, type TestApp } from '$lib/server/testing';
import { secretVote } from './ballot-box/fixture';

let app: TestApp;
beforeEach(() => {
	app = createTestApp();
});
afterEach(async () => {
	await app.services.settled();
	app.close();
});

async function code(fn: () => Promise<unknown>) {
	try {
		await fn();
		return 'ok';
	} catch (err) {
		return (err as { code?: string }).code ?? String(err);
	}
}

async function setup() {
	const v = await secretVote(app, 3);
	const { db } = app.services.deps;
	const r = db.select({ slug: residences.slug, org: organisations.slug }).from(residences).innerJoin(organisations, eq(organisations.id, residences.organisationId)).where(eq(residences.id, v.residence.id)).get()!;
	const [bois] = v.options as [string, string];
	for (const voter of v.voters.slice(0, 2)) await app.services.consultations.cast(voter, { consultationId: v.id, ballot: { choice: bois } });
	app.services.consultations.close(v.claire, { consultationId: v.id });
	await app.services.settled();
	return { ...v, slugs: r };
}

describe('portal: residence side', () => {
	it('shows nothing until staff publish; then closed votes with results and the anonymised ballots members get', async () => {
		const s = await setup();
		const portal = app.services.portal;
		expect(await code(() => portal.residence(s.slugs.org, s.slugs.slug))).toBe('minutes.error.notPublic');
		expect(await code(() => portal.ballots(s.slugs.org, s.slugs.slug, s.id))).toBe('minutes.error.notPublic');
		// A tenant may not publish the residence; staff may.
		expect(await code(() => portal.saveSettings(s.voters[0]!, { residenceId: s.residence.id, resultsPublic: true }))).toBe('forbidden');
		await portal.saveSettings(s.claire, { residenceId: s.residence.id, resultsPublic: true });
		expect(await portal.settings(s.voters[0]!, s.residence.id)).toMatchObject({ resultsPublic: true, canChange: false, href: `/o/${s.slugs.org}/r/${s.slugs.slug}` });

		const page = await portal.residence(s.slugs.org, s.slugs.slug);
		expect(page.consultations).toHaveLength(1);
		expect(page.consultations[0]).toMatchObject({ id: s.id, question: 'Quel banc ?', secret: true, outcome: ['Bois'], turnout: { participants: 2, electorate: 3 } });
		expect(page.consultations[0]!.ranking[0]).toMatchObject({ label: 'Bois', score: 2, winner: true });
		const file = await portal.ballots(s.slugs.org, s.slugs.slug, s.id);
		expect(file).toEqual(app.services.consultations.exportFile(s.voters[0]!, s.id));
		// No voter's name nor id anywhere in what the public gets.
		const text = JSON.stringify({ page, file });
		for (const v of [...s.voters, s.claire]) {
			expect(text).not.toContain(v.id);
			expect(text).not.toContain(v.displayName);
		}
		// A consultation of another residence is not reachable through this one's address.
		const other = await secretVote(app, 2);
		app.services.consultations.close(other.claire, { consultationId: other.id });
		await app.services.settled();
		expect(await code(() => portal.ballots(s.slugs.org, s.slugs.slug, other.id))).toBe('error.notFound');
	});

	it('a reopened vote leaves the portal until it closes again; an open one never shows', async () => {
		const s = await setup();
		await app.services.portal.saveSettings(s.claire, { residenceId: s.residence.id, resultsPublic: true });
		app.services.consultations.reopen(s.claire, { consultationId: s.id, reason: 'Clos trop tôt' });
		await app.services.settled();
		expect((await app.services.portal.residence(s.slugs.org, s.slugs.slug)).consultations).toEqual([]);
		expect(await code(() => app.services.portal.ballots(s.slugs.org, s.slugs.slug, s.id))).toBe('minutes.error.notPublic');
		app.services.consultations.close(s.claire, { consultationId: s.id });
		await app.services.settled();
		expect((await app.services.portal.residence(s.slugs.org, s.slugs.slug)).consultations.map((c) => c.id)).toEqual([s.id]);
	});

	it('a practice residence never appears, even marked as publishing', async () => {
		const s = await setup();
		const { db } = app.services.deps;
		db.update(residences).set({ practice: true }).where(eq(residences.id, s.residence.id)).run();
		db.insert(residencePortalSettings).values({ residenceId: s.residence.id, resultsPublic: true, updatedAt: app.clock.now() }).run();
		expect(await code(() => app.services.portal.residence(s.slugs.org, s.slugs.slug))).toBe('minutes.error.notPublic');
		expect(await code(() => app.services.portal.ballots(s.slugs.org, s.slugs.slug, s.id))).toBe('minutes.error.notPublic');
		expect(app.services.spaces.publicOrganisation(s.slugs.org).residences).toEqual([]);
	});
});
