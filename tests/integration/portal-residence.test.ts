/**
 * The portal's residence side (issue 11) through the real services: nothing until the residence
 * chooses to publish (staff only); then its closed votes with results and the same anonymised ballot
 * file members get, never an open or reopened vote, never a practice residence, no names. The page
 * also lists the indicators the residence chose to publish (issue 14), with the survey floor.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '$lib/server/db/data';
import { registerCsv } from '$lib/server/minutes/open-data';
import { createTestAppOn, testEngines, type TestApp } from '$lib/server/testing';
import { indicatorWorld } from '$lib/server/services/indicators/fixture';
import { secretVote } from './ballot-box/fixture';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(async () => {
		await app.services.settled();
		await app.close();
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
		const { db, t } = app.services.deps.data;
		const { organisations, residences } = t;
		const r = (await first(db.select({ slug: residences.slug, org: organisations.slug }).from(residences).innerJoin(organisations, eq(organisations.id, residences.organisationId)).where(eq(residences.id, v.residence.id))))!;
		const [bois] = v.options as [string, string];
		for (const voter of v.voters.slice(0, 2)) await app.services.consultations.cast(voter, { consultationId: v.id, ballot: { choice: bois } });
		await app.services.consultations.close(v.claire, { consultationId: v.id });
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
			expect(file).toEqual(await app.services.consultations.exportFile(s.voters[0]!, s.id));
			// No voter's name nor id anywhere in what the public gets.
			const text = JSON.stringify({ page, file });
			for (const v of [...s.voters, s.claire]) {
				expect(text).not.toContain(v.id);
				expect(text).not.toContain(v.displayName);
			}
			// A consultation of another residence is not reachable through this one's address.
			const other = await secretVote(app, 2);
			await app.services.consultations.close(other.claire, { consultationId: other.id });
			await app.services.settled();
			expect(await code(() => portal.ballots(s.slugs.org, s.slugs.slug, other.id))).toBe('error.notFound');
		});

		it('a reopened vote leaves the portal until it closes again; an open one never shows', async () => {
			const s = await setup();
			await app.services.portal.saveSettings(s.claire, { residenceId: s.residence.id, resultsPublic: true });
			await app.services.consultations.reopen(s.claire, { consultationId: s.id, reason: 'Clos trop tôt' });
			await app.services.settled();
			expect((await app.services.portal.residence(s.slugs.org, s.slugs.slug)).consultations).toEqual([]);
			expect(await code(() => app.services.portal.ballots(s.slugs.org, s.slugs.slug, s.id))).toBe('minutes.error.notPublic');
			await app.services.consultations.close(s.claire, { consultationId: s.id });
			await app.services.settled();
			expect((await app.services.portal.residence(s.slugs.org, s.slugs.slug)).consultations.map((c) => c.id)).toEqual([s.id]);
		});

		it('says how many votes were counted by hand beside the turnout, so that the counts add up', async () => {
			const v = await secretVote(app, 3);
			const { db, t } = app.services.deps.data;
			const r = (await first(db.select({ slug: t.residences.slug, org: t.organisations.slug }).from(t.residences).innerJoin(t.organisations, eq(t.organisations.id, t.residences.organisationId)).where(eq(t.residences.id, v.residence.id))))!;
			const [bois] = v.options as [string, string];
			await app.services.consultations.cast(v.voters[0]!, { consultationId: v.id, ballot: { choice: bois } });
			await app.services.consultations.recordBatch(v.claire, { consultationId: v.id, kind: 'show-of-hands', counts: { [bois]: 4 } });
			await app.services.consultations.close(v.claire, { consultationId: v.id });
			await app.services.settled();
			await app.services.portal.saveSettings(v.claire, { residenceId: v.residence.id, resultsPublic: true });
			const page = await app.services.portal.residence(r.org, r.slug);
			expect(page.consultations[0]).toMatchObject({ turnout: { participants: 1, electorate: 3, offline: 4 } });
			expect(page.consultations[0]!.ranking[0]).toMatchObject({ label: 'Bois', score: 5 });
			expect(page.register.find((d) => d.title === 'Quel banc ?')).toMatchObject({ turnout: { participants: 1, electorate: 3, offline: 4 } });
			// The register's CSV carries the same count in its own column.
			const [header, ...rows] = registerCsv(page.register).replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((line) => line.split(','));
			const row = rows.find((cells) => cells[1] === 'Quel banc ?')!;
			expect(Object.fromEntries(['participants', 'electorate', 'offline'].map((k) => [k, row[header!.indexOf(k)]]))).toEqual({ participants: '1', electorate: '3', offline: '4' });
		});

		it('a practice residence never appears, even marked as publishing', async () => {
			const s = await setup();
			const { data } = app.services.deps;
			const { residencePortalSettings, residences } = data.t;
			await data.write(async (tx) => {
				await tx.update(residences).set({ practice: true }).where(eq(residences.id, s.residence.id));
				await tx.insert(residencePortalSettings).values({ residenceId: s.residence.id, resultsPublic: true, updatedAt: app.clock.now() });
			});
			expect(await code(() => app.services.portal.residence(s.slugs.org, s.slugs.slug))).toBe('minutes.error.notPublic');
			expect(await code(() => app.services.portal.ballots(s.slugs.org, s.slugs.slug, s.id))).toBe('minutes.error.notPublic');
			expect((await app.services.spaces.publicOrganisation(s.slugs.org)).residences).toEqual([]);
		});

		it('lists the indicators the residence chose to publish, and only those, with the 5-respondent floor on surveys', async () => {
			// The indicator tests' hand-built residence: 7 households (A: 4, B: 3); the test clock is
			// 2026-11-22, so the portal's default period is 2025-11-23 – 2026-11-22 (Paris days).
			const w = await indicatorWorld(app);
			const slugs = { org: w.org.slug, residence: w.residence.slug };
			await app.services.portal.saveSettings(w.admin, { residenceId: w.residence.id, resultsPublic: true });
			const page = () => app.services.portal.residence(slugs.org, slugs.residence);
			// Nothing chosen yet: no indicator section at all.
			expect((await page()).indicators).toBeNull();

			await app.services.indicators.publish(w.claire, { type: 'residence', id: w.residence.id, indicators: ['participationAny', 'households', 'surveys'] });
			const shown = (await page()).indicators!;
			expect(shown.period).toMatchObject({ from: '2025-11-23', to: '2026-11-22' });
			// A-01 (amina and samir voted, amina attended), A-02 (josiane volunteered), B-01 (karim voted on
			// 2025-12-31 and proposed), B-02 (lea commented on 2026-07-01): 4 of 7, in catalogue order.
			expect(shown.figures).toEqual([
				{ id: 'households', group: 'participation', value: { kind: 'count', value: 7 } },
				{ id: 'participationAny', group: 'participation', value: { kind: 'share', count: 4, total: 7 } }
			]);
			// The before (5 answers) and after (6) surveys show; the 4-answer one keeps its results hidden.
			expect(Object.fromEntries(shown.surveys.map((x) => [x.id, x.results]))).toMatchObject({
				[w.surveys.before]: { shown: true },
				[w.surveys.after]: { shown: true },
				[w.surveys.small]: { shown: false, respondents: null }
			});
			expect(shown.comparisons.map((c) => c.afterId)).toEqual([w.surveys.after]);
			expect(shown.scope.buildings).toEqual([]);
			const text = JSON.stringify(shown);
			for (const person of [w.amina, w.karim, w.josiane, w.lea, w.claire]) {
				expect(text).not.toContain(person.id);
				expect(text).not.toContain(person.displayName);
			}

			// Without `surveys`, no survey; an empty choice removes the section.
			await app.services.indicators.publish(w.claire, { type: 'residence', id: w.residence.id, indicators: ['actionsProposed'] });
			expect((await page()).indicators).toMatchObject({ figures: [{ id: 'actionsProposed' }], surveys: [], comparisons: [] });
			await app.services.indicators.publish(w.claire, { type: 'residence', id: w.residence.id, indicators: [] });
			expect((await page()).indicators).toBeNull();
		});
	});
});
