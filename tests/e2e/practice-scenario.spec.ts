import { expect, test } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext, signIn } from './fixtures';
import { TRAINER, trainingPage } from './practice-helpers';

/**
 * The field-by-field scenario editor (issue 13), without JavaScript: Nadia duplicates a shipped
 * scenario, renames it, changes a building's dwellings, a role's private brief, removes a step and
 * adds one; the same checks as a JSON file refuse markup in a brief, and nothing is stored then.
 */

test('a trainer edits a scenario field by field without JavaScript; markup in a brief is refused', async ({ browser }) => {
	test.setTimeout(120_000);
	const context = await browser.newContext({ javaScriptEnabled: false, viewport: DESKTOP });
	const page = await context.newPage();
	await signIn(page, TRAINER);
	await trainingPage(page);
	await page.getByRole('button', { name: 'Dupliquer – L’Aventurière : une première réunion au pied de l’immeuble' }).first().click();
	await expect(page.getByRole('heading', { level: 2, name: 'Modifier le scénario' })).toBeVisible();

	await page.getByLabel('Titre du scénario').fill('Les Tilleuls : première réunion');
	await page.getByLabel('Bâtiment 1 : nombre de logements').fill('12');
	await page.getByLabel('Rôle 1 : consigne privée').fill('Vous avez peur du bruit et vous le dites.');
	await page.getByLabel('Retirer l’étape 2').check();
	await page.getByLabel('Nouvelle étape : intitulé (facultatif)').fill('Écrire le compte rendu');
	await page.getByLabel('Nouvelle étape : où').selectOption({ label: 'compte rendu' });
	await page.getByRole('button', { name: 'Enregistrer les champs' }).click();
	await expect(page.getByText('Scénario enregistré.')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1, name: 'Les Tilleuls : première réunion' })).toBeVisible();
	await expect(page.getByText('Vous avez peur du bruit et vous le dites.').first()).toBeVisible();
	await expect(page.getByRole('listitem').filter({ hasText: 'Écrire le compte rendu' }).first()).toBeVisible();
	await expect(page.getByLabel('Bâtiment 1 : nombre de logements')).toHaveValue('12');
	// axe needs scripts: the same page in a browser with JavaScript, at 360 and 1280 px.
	const scripted = await newSignedInContext(browser, TRAINER, { viewport: DESKTOP });
	await scripted.page.goto(page.url().split('?')[0]!);
	await expect(scripted.page.getByLabel('Titre du scénario')).toHaveValue('Les Tilleuls : première réunion');
	await checkPage(scripted.page, 'practice-scenario-fields');
	await scripted.context.close();

	// A script in a brief: refused with the JSON editor's message; the stored brief is unchanged.
	await page.getByLabel('Rôle 1 : consigne privée').fill('<script>alert(1)</script>');
	await page.getByRole('button', { name: 'Enregistrer les champs' }).click();
	await expect(page.getByText(/Le scénario contient du code/)).toBeVisible();
	await page.goto(page.url().split('?')[0]!);
	await expect(page.getByText('Vous avez peur du bruit et vous le dites.').first()).toBeVisible();
	await context.close();
});

test('a scenario from a real residence: refused at the door to a trainer who is not its staff, nothing stored', async () => {
	const { client, DB_PATH } = await import('./http');
	const Database = (await import('better-sqlite3')).default;
	const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
	const read = <T>(sql: string) => db.prepare(sql).get() as T;
	const training = read<{ id: string }>('select id from training_sessions').id;
	const residence = read<{ id: string }>("select id from residences where practice = 0 and name like 'L%Aventuri%'").id;
	const before = read<{ n: number }>('select count(*) as n from practice_scenarios').n;
	const nadia = await client(TRAINER);
	expect((await nadia.post(`/t/${training}?/anonymise`, { form: { residenceId: residence } })).status()).toBe(403);
	expect(read<{ n: number }>('select count(*) as n from practice_scenarios').n).toBe(before);
	const claire = await client('claire.martin@lmh.demo');
	expect((await claire.post(`/t/${training}?/anonymise`, { form: { residenceId: residence } })).status()).toBe(403);
	db.close();
	await Promise.all([nadia.dispose(), claire.dispose()]);
});
