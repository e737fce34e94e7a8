import { expect, type Page } from '@playwright/test';

/** Shared steps of the practice specs (issue 13). */
export const TRAINER = 'nadia.formatrice@ccaura.demo';

/** The demo training space, from the home page. */
export async function trainingPage(page: Page) {
	await page.goto('/');
	await page.getByRole('link', { name: /Action communautaire/ }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: /Action communautaire/ })).toBeVisible();
}

/** A trainee joins a session with its code and lands on her role. */
export async function join(page: Page, code: string) {
	await trainingPage(page);
	await page.getByLabel('Code de session').fill(code);
	await page.getByRole('button', { name: 'Rejoindre' }).click();
	await expect(page.getByRole('heading', { level: 2, name: /^Votre rôle/ })).toBeVisible();
}
