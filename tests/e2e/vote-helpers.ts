import { expect, type Browser, type Page } from '@playwright/test';
import { newSignedInContext } from './fixtures';

/** Consultations made through the facilitator's form, shared by the vote specs. */

export const CLAIRE = 'claire.martin@lmh.demo';

export async function residenceId(page: Page): Promise<string> {
	await page.goto('/');
	await page.getByRole('link', { name: /L’Aventurière/ }).first().click();
	await expect(page).toHaveURL(/\/r\/[a-z0-9]+$/);
	return new URL(page.url()).pathname.split('/')[2]!;
}

export interface NewConsultation {
	question: string;
	method: string;
	options?: { label: string; cost?: number }[];
	budget?: number;
	dots?: number;
	household?: boolean;
	public?: boolean;
	/** Attach a picture to the first option. */
	photo?: boolean;
	/** Keep the organiser's order for everyone instead of a random order per voter. */
	fixedOrder?: boolean;
	quorumPercent?: number;
	/** How many assisted votes each staff member may record. */
	assistedCap?: number;
}

// A 4×4 PNG: enough for the server to re-encode it as a real photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEElEQVQImWPoitKGIwbiOAC+kxDxtM6OGQAAAABJRU5ErkJggg==', 'base64');

/** Claire opens a consultation through the form; returns its vote URL. */
export async function create(browser: Browser, c: NewConsultation): Promise<string> {
	const { context, page } = await newSignedInContext(browser, CLAIRE);
	const rid = await residenceId(page);
	await page.goto(`/r/${rid}/consultations/new`);
	await page.getByLabel('Question posée').fill(c.question);
	await page.getByRole('radio', { name: new RegExp(`^${c.method.replace(/[()]/g, '\\$&')}`) }).check();
	for (const [i, o] of (c.options ?? []).entries()) {
		await page.getByLabel(`Réponse ${i + 1}`, { exact: true }).fill(o.label);
		if (o.cost !== undefined) await page.getByLabel(`Coût en euros (réponse ${i + 1})`).fill(String(o.cost));
	}
	if (c.photo) await page.getByLabel('Photo (facultatif, réponse 1)').setInputFiles({ name: 'banc.png', mimeType: 'image/png', buffer: PNG });
	if (c.budget) await page.getByLabel(/^Budget total/).fill(String(c.budget));
	if (c.dots) await page.getByLabel(/^Gommettes par personne/).fill(String(c.dots));
	if (c.household) await page.getByRole('radio', { name: /Une voix par foyer/ }).check();
	if (c.public) await page.getByRole('radio', { name: /^Public/ }).check();
	if (c.fixedOrder) await page.getByRole('checkbox', { name: 'Garder cet ordre des réponses pour tout le monde' }).check();
	if (c.quorumPercent !== undefined) await page.getByLabel(/^Quorum/).fill(String(c.quorumPercent));
	if (c.assistedCap !== undefined) await page.getByLabel('Nombre maximum par membre de l’équipe').fill(String(c.assistedCap));
	await page.getByRole('button', { name: 'Créer la consultation' }).click();
	await expect(page).toHaveURL(/\/c\/[a-z0-9]+$/);
	const url = new URL(page.url()).pathname;
	await context.close();
	return url;
}
