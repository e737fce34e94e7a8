import { expect, test } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext, PHONE } from './fixtures';
import { client } from './http';
import { CLAIRE, create } from './vote-helpers';

/**
 * Safeguards for whoever runs a vote (issue 8): edit before the first ballot (refused after, also
 * through a forged post), extend the closing date, reopen within a day with a reason.
 */
test('edit before the first ballot, extend, close and reopen with a reason; after a ballot the edit door is shut', async ({ browser }) => {
	test.setTimeout(150_000);
	const url = await create(browser, { question: 'Quel jour pour le vide-grenier ?', method: 'Choix unique', options: [{ label: 'Samedi' }, { label: 'Dimanche' }], public: true });
	const { context, page } = await newSignedInContext(browser, CLAIRE, { viewport: DESKTOP });
	await page.goto(`${url}/manage`);
	await page.getByRole('link', { name: 'Modifier la question, les réponses ou les dates' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Modifier le vote');
	await checkPage(page, 'vote-edit');
	await page.getByLabel('Question posée').fill('Quel jour pour le vide-grenier de juin ?');
	await page.getByLabel('Réponse 3', { exact: true }).fill('Lundi de Pentecôte');
	await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
	await expect(page).toHaveURL(new RegExp(`${url}/manage\\?edited=1$`));
	await expect(page.getByRole('status')).toHaveText('Modifications enregistrées.');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Quel jour pour le vide-grenier de juin ?');

	// Extend: a date in the future, later than now.
	await page.getByLabel('Nouvelle date de fin').fill('2030-06-30T18:00');
	await page.getByRole('button', { name: 'Prolonger' }).click();
	await expect(page.getByRole('status')).toContainText('Vote prolongé jusqu’au');

	// A tenant votes: the edit is now refused, on the page and through a forged post.
	const karim = await newSignedInContext(browser, 'karim', { viewport: PHONE });
	await karim.page.goto(url);
	// Until the page is hydrated a click may be undone by hydration: check again until it holds.
	await expect(() => karim.page.getByRole('radio', { name: /Dimanche/ }).check({ timeout: 1000 })).toPass();
	await karim.page.getByRole('button', { name: 'Je vote' }).click();
	await expect(karim.page.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();
	await karim.context.close();
	await page.goto(`${url}/edit`);
	await expect(page.getByText('Des bulletins ont été reçus : la question et les réponses ne changent plus.'.replace(' :', '\u00a0:'))).toBeVisible();
	const http = await client(CLAIRE);
	const forged = await http.post(`${url}/edit?/edit`, { form: { question: 'Changée après coup', 'option.0.label': 'A', 'option.1.label': 'B', resultsVisibility: 'live', secrecy: 'public' } });
	expect(forged.status()).toBe(409);
	expect(await forged.text()).toContain('Ce vote a déjà reçu des bulletins');
	await http.dispose();

	// Close (with its confirmation step), then reopen with a reason.
	await page.goto(`${url}/manage?step=close`);
	await page.getByRole('button', { name: /Oui, clore/ }).click();
	await expect(page.getByRole('heading', { name: 'Rouvrir le vote' })).toBeVisible();
	await page.getByLabel('Pourquoi le rouvrir ?').fill('Clos par erreur avant la fin annoncée');
	await checkPage(page, 'vote-reopen');
	await page.getByRole('button', { name: 'Rouvrir le vote' }).click();
	await expect(page.getByRole('status')).toHaveText('Vote rouvert. Les votants sont prévenus.');
	await page.goto(`${url}/results`);
	await expect(page.getByText(/Rouvert le .* par Claire Martin\s?: Clos par erreur avant la fin annoncée/)).toBeVisible();
	await context.close();
});
