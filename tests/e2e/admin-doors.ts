import { expect, type Page } from '@playwright/test';
import { signIn } from './fixtures';

export interface ActionResult {
	type: string;
	status?: number;
	data?: string;
}

/** Posts a form the way `use:enhance` does, so the action's outcome comes back as JSON. */
export async function post(page: Page, url: string, form: Record<string, string>): Promise<ActionResult> {
	const response = await page.request.post(url, {
		form,
		headers: { origin: new URL(page.url()).origin, accept: 'application/json', 'x-sveltekit-action': 'true' }
	});
	expect(response.status(), `${url} answers`).toBeLessThan(500);
	return (await response.json()) as ActionResult;
}

export interface Ids {
	residence: string;
	organisation: string;
	claire: string;
	karim: string;
}

/** Ids the attacker would have had to find; read once through the administrator's pages. */
export async function ids(page: Page): Promise<Ids> {
	await signIn(page, 'admin@demo.test');
	await page.goto('/admin/users');
	const option = (label: string) => page.locator('#assign select[name="userId"] option', { hasText: label }).getAttribute('value');
	const claire = (await option('claire.martin@lmh.demo'))!;
	const karim = (await option('(karim)'))!;
	await page.goto('/admin');
	await page.getByRole('link', { name: 'Lyon Métropole Habitat' }).click();
	const organisation = page.url().split('/').pop()!;
	const residence = (await page.getByRole('link', { name: 'L’Aventurière' }).getAttribute('href'))!.split('/').pop()!;
	await page.context().clearCookies();
	return { residence, organisation, claire, karim };
}

/** Every administration form action, with a body that would succeed for an administrator. */
export function adminPosts({ residence, organisation, claire, karim }: Ids): [string, Record<string, string>][] {
	return [
		['/admin/users?/assign', { userId: claire, space: `residence:${residence}`, role: 'tenant' }],
		['/admin/users?/assign', { userId: karim, space: `residence:${residence}`, role: 'facilitator' }],
		['/admin/users?/reset', { userId: karim }],
		['/admin/users?/invite', { email: 'complice@example.test', space: `residence:${residence}`, role: 'facilitator' }],
		['/admin?/createOrganisation', { name: 'Bailleur pirate', kind: 'landlord' }],
		[`/admin/o/${organisation}?/createAgency`, { name: 'Agence pirate' }],
		[`/admin/o/${organisation}?/createResidence`, { name: 'Résidence pirate', buildings: 'A; 10' }],
		[`/admin/o/${organisation}?/createBody`, { name: 'Instance pirate' }],
		[`/admin/o/${organisation}?/createTraining`, { name: 'Formation pirate' }]
	];
}
