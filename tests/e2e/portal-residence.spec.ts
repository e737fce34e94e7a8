import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { checkPage } from './fixtures';
import { client, DB_PATH } from './http';

/**
 * The portal's residence side (issue 11), over HTTP without an account: L’Aventurière chose to publish
 * its closed votes, so they show with their results and the anonymised ballots members get, and the
 * indicators it chose to publish with their definitions; its open votes, a residence that did not
 * choose to publish and practice residences show nothing.
 */

const ORG = '/o/lyon-metropole-habitat';
const PORTAL = `${ORG}/r/l-aventuriere`;

function votes() {
	const db = new Database(DB_PATH, { readonly: true });
	try {
		const closed = db.prepare("select id from consultations where question = 'Fête des voisins : quel samedi ?'").get() as { id: string };
		const open = db.prepare("select id from consultations where question = 'Quel banc devant l’entrée du bâtiment A ?'").get() as { id: string };
		const practice = db.prepare('select r.slug, o.slug as org from residences r join organisations o on o.id = r.organisation_id where r.practice = 1').all() as { slug: string; org: string }[];
		const names = (db.prepare('select display_name as name from users').all() as { name: string }[]).map((u) => u.name);
		return { closed: closed.id, open: open.id, practice, names };
	} finally {
		db.close();
	}
}

test('a guest reads a residence’s closed votes and downloads their anonymised ballots', async ({ page }) => {
	const v = votes();
	await page.goto(ORG);
	await page.getByRole('link', { name: /Portail de transparence de « L’Aventurière »/ }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'L’Aventurière' })).toBeVisible();
	const closed = page.getByTestId('public-consultation').filter({ hasText: 'Fête des voisins : quel samedi ?' });
	await expect(closed).toBeVisible();
	// 11 + 4 + 3 votes: 6 members online and 12 hands counted at the residents' aperitif.
	await expect(closed).toContainText('Samedi 6 juin — 11 (retenu)');
	await expect(closed).toContainText('participation : 6 sur 11, et 12 voix recueillies hors ligne');
	await expect(closed.getByRole('link', { name: /Bulletins \(JSON/ })).toHaveAttribute('href', `${PORTAL}/c/${v.closed}/ballots.json`);
	await expect(page.getByText('Quel banc devant l’entrée du bâtiment A ?')).toHaveCount(0);
	// The indicators L’Aventurière chose to publish (issue 14), each with its definition; the surveys with their floor.
	const indicators = page.getByTestId('portal-indicators');
	await expect(indicators.getByRole('heading', { level: 2, name: 'Indicateurs publiés' })).toBeVisible();
	for (const name of ['Ménages ayant participé', 'Participation par bâtiment', 'Actions proposées', 'Actions réalisées, par porteur', 'Séances par activité'])
		await expect(indicators.getByRole('heading', { level: 3, name, exact: true })).toBeVisible();
	await expect(indicators.getByRole('heading', { level: 3, name: 'Ménages bénévoles' })).toHaveCount(0);
	await expect(indicators.getByText(/Ménages dont au moins une personne a voté, proposé une idée/)).toBeVisible();
	await expect(indicators.getByRole('heading', { level: 2, name: 'Enquêtes de perception' })).toBeVisible();
	await expect(indicators.getByText(/jamais montrés pour moins de 5 répondants/)).toBeVisible();
	await expect(indicators.getByRole('link', { name: /Toutes les données publiées/ })).toHaveAttribute('href', /^\/o\/lyon-metropole-habitat\/i\/residence\/[^/]+$/);
	await checkPage(page, 'portal-residence');

	const guest = await client();
	const res = await guest.get(`${PORTAL}/c/${v.closed}/ballots.json`);
	expect(res.status()).toBe(200);
	const file = await res.json();
	expect(file.format).toBe('ballots/v1');
	expect(file.ballots.length).toBeGreaterThan(0);
	const text = JSON.stringify(file);
	for (const name of v.names) expect(text).not.toContain(name);
	const csv = await guest.get(`${PORTAL}/c/${v.closed}/ballots.csv`);
	expect(csv.headers()['content-type']).toContain('text/csv');
	await guest.dispose();
});

test('an open vote, a residence that publishes nothing and a practice residence show nothing', async () => {
	const v = votes();
	const guest = await client();
	expect((await guest.get(`${PORTAL}/c/${v.open}/ballots.json`)).status()).toBe(404);
	expect((await guest.get(`${PORTAL}/c/no-such-vote/ballots.csv`)).status()).toBe(404);
	expect((await guest.get(`${ORG}/r/les-essarts`)).status()).toBe(404);
	expect(v.practice.length).toBeGreaterThan(0);
	for (const p of v.practice) {
		expect((await guest.get(`/o/${p.org}/r/${p.slug}`)).status()).toBe(404);
		expect((await guest.get(`/o/${p.org}`)).ok() ? await (await guest.get(`/o/${p.org}`)).text() : '').not.toContain(`/r/${p.slug}`);
	}
	await guest.dispose();
});
