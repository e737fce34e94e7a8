import { request as httpRequest } from 'node:http';
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
	amina: string;
}

/** Ids the attacker would have had to find; read once through the administrator's pages. */
export async function ids(page: Page): Promise<Ids> {
	await signIn(page, 'admin@demo.test');
	// The accounts page lists 50 at a time: each person is found by a search, as an administrator would.
	const option = async (search: string, label: string) => {
		await page.goto(`/admin/users?q=${encodeURIComponent(search)}`);
		return (await page.locator('#assign select[name="userId"] option', { hasText: label }).getAttribute('value'))!;
	};
	const claire = await option('claire.martin@lmh.demo', 'claire.martin@lmh.demo');
	const karim = await option('karim', '(karim)');
	const amina = await option('amina', '(amina)');
	await page.goto('/admin');
	await page.getByRole('link', { name: 'Lyon Métropole Habitat' }).click();
	const organisation = page.url().split('/').pop()!;
	const residence = (await page.getByRole('link', { name: 'L’Aventurière' }).getAttribute('href'))!.split('/').pop()!;
	await page.context().clearCookies();
	return { residence, organisation, claire, karim, amina };
}

/** Every administration form action, with a body that would succeed for an administrator. */
export function adminPosts({ residence, organisation, claire, karim, amina }: Ids): [string, Record<string, string>][] {
	return [
		['/admin/users?/assign', { userId: claire, space: `residence:${residence}`, role: 'tenant' }],
		['/admin/users?/assign', { userId: karim, space: `residence:${residence}`, role: 'facilitator' }],
		['/admin/users?/remove', { userId: amina, space: `residence:${residence}`, role: 'tenant' }],
		['/admin/users?/reset', { userId: karim }],
		['/admin/users?/invite', { email: 'complice@example.test', space: `residence:${residence}`, role: 'facilitator' }],
		['/admin?/createOrganisation', { name: 'Bailleur pirate', kind: 'landlord' }],
		[`/admin/o/${organisation}?/createAgency`, { name: 'Agence pirate' }],
		[`/admin/o/${organisation}?/createResidence`, { name: 'Résidence pirate', buildings: 'A; 10' }],
		[`/admin/o/${organisation}?/createBody`, { name: 'Instance pirate' }],
		[`/admin/o/${organisation}?/createTraining`, { name: 'Formation pirate' }]
	];
}

/**
 * A form post from another loopback address (127.0.0.x), as a second machine would send it, so
 * throttling by address can be attacked without slowing the rest of the suite on 127.0.0.1.
 */
export function postFrom(localAddress: string, baseURL: string, path: string, form: Record<string, string>): Promise<ActionResult> {
	const url = new URL(path, baseURL);
	const body = new URLSearchParams(form).toString();
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			url,
			{
				method: 'POST',
				localAddress,
				headers: {
					origin: url.origin,
					accept: 'application/json',
					'content-type': 'application/x-www-form-urlencoded',
					'content-length': Buffer.byteLength(body)
				}
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					try {
						resolve(JSON.parse(text) as ActionResult);
					} catch (err) {
						reject(new Error(`${res.statusCode} ${text.slice(0, 200)}: ${String(err)}`));
					}
				});
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}
