import { expect, test, type Browser } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext, PHONE } from './fixtures';
import { client, pageData, readable, rowCounts } from './http';
import { CLAIRE, create } from './vote-helpers';

/**
 * Assisted votes (issue 7, finding 5) through the real doors: the manage page's form and plain HTTP
 * posts. A facilitator's votes for others wait for the tenant or a second staff member, never count
 * before, stop at the cap (the team is alerted), and the tenant can say "this was not me".
 */

const ADMIN = 'admin@demo.test';
const benches = [{ label: 'Banc en bois' }, { label: 'Banc en métal' }];

async function record(browser: Browser, url: string, voter: string, option: RegExp, channel = 'par téléphone') {
	const { context, page } = await newSignedInContext(browser, CLAIRE, { viewport: DESKTOP });
	// Hydrated first: a radio checked before hydration could be reset by it.
	await page.goto(`${url}/manage`, { waitUntil: 'networkidle' });
	const form = page.getByRole('region', { name: 'Vote assisté' });
	await form.getByLabel('Personne').selectOption({ label: voter });
	await form.getByRole('radio', { name: channel }).check();
	await form.getByRole('radio', { name: option }).check();
	await expect(form.getByRole('radio', { name: option })).toBeChecked();
	await form.getByRole('button', { name: 'Enregistrer son vote' }).click();
	await expect(page.getByRole('status')).toHaveText(/^Vote enregistré\. Il attend la confirmation/);
	return { context, page };
}

test.describe('assisted votes', () => {
	test('the cap refuses the HTTP post beyond it, nothing counts unconfirmed, the team is alerted, and the recorder cannot witness', async ({ browser }) => {
		// Five people's pages, each checked with axe at two widths: long, not a timing goal.
		test.setTimeout(150_000);
		const url = await create(browser, { question: 'Quel banc près du local vélos ?', method: 'Choix unique', options: benches, public: true, assistedCap: 2 });
		await (await record(browser, url, 'Voisin A-02', /Banc en bois/)).context.close();
		const { context, page } = await record(browser, url, 'Voisin A-11', /Banc en bois/, 'à la porte');
		await expect(page.getByText('2 votes assistés enregistrés par vous sur 2 permis dans ce vote.')).toBeVisible();
		const list = page.getByRole('region', { name: 'Votes assistés et leur état' });
		await expect(list.getByRole('listitem').filter({ hasText: 'Enregistré par' })).toHaveCount(2);
		await expect(list.getByText('en attente de confirmation')).toHaveCount(2);
		// Her own records: no witness button for her.
		await expect(list.getByRole('button', { name: /Je suis témoin/ })).toHaveCount(0);
		await checkPage(page, 'assisted-manage');
		await context.close();

		// The third, forged straight to the form action: refused, nothing written.
		const claire = await client(CLAIRE);
		const manage = (await pageData(claire, `${url}/manage`)).data.at(-1) as {
			electors: { list: { id: string; name: string }[] };
			options: { id: string; label: string }[];
			assistedVotes: { items: { id: string; voter: string }[] };
		};
		const next = manage.electors.list.find((e) => e.name === 'Voisin A-23')!;
		const before = rowCounts();
		const refused = await claire.post(`${url}/manage?/assisted`, { form: { voterId: next.id, channel: 'phone', choice: manage.options[0]!.id } });
		expect(refused.status()).toBe(409);
		expect(await refused.text()).toContain('Vous avez atteint la limite de 2 votes assistés');
		const after = rowCounts();
		expect([after.participations, after.assisted_votes]).toEqual([before.participations, before.assisted_votes]);
		// Witnessing her own record through the door: refused too.
		const self = await claire.post(`${url}/manage?/witness`, { form: { assistedId: manage.assistedVotes.items[0]!.id } });
		expect(self.status()).toBe(403);
		expect(readable(await self.text())).toContain('confirmé par la personne qui l’a enregistré');
		await claire.dispose();

		// A neighbour sees them apart, and not in the result.
		const karim = await newSignedInContext(browser, 'karim', { viewport: PHONE });
		await karim.page.goto(`${url}/results`);
		await expect(karim.page.getByText(/2 votes enregistrés par l’équipe attendent leur confirmation/)).toBeVisible();
		await expect(karim.page.getByText(/^0 sur \d+ personnes/)).toBeVisible();
		await checkPage(karim.page, 'assisted-results');
		await karim.context.close();

		// The administrator was alerted, and witnesses one vote: it now counts.
		const admin = await newSignedInContext(browser, ADMIN, { viewport: DESKTOP });
		await admin.page.goto('/notifications');
		await expect(admin.page.getByRole('link', { name: /Claire Martin a atteint la limite de 2 votes enregistrés pour d’autres/ })).toBeVisible();
		await admin.page.goto(`${url}/manage`);
		await admin.page.getByRole('button', { name: 'Je suis témoin de ce vote · Voisin A-02' }).click();
		await expect(admin.page.getByRole('status')).toHaveText('Vote confirmé par votre témoignage : il compte désormais.'.replace(' :', '\u00a0:'));
		await expect(admin.page.getByText('confirmé par Administratrice, témoin')).toBeVisible();
		await admin.page.goto(`${url}/results`);
		await expect(admin.page.getByText(/^1 sur \d+ personnes/)).toBeVisible();
		await admin.context.close();
	});

	test('the tenant is told, sees the recorded choice, and says "this was not me" without JavaScript; then votes herself', async ({ browser }) => {
		const url = await create(browser, { question: 'Quel banc près de l’aire de jeux ?', method: 'Choix unique', options: benches });
		await (await record(browser, url, 'Amina B.', /Banc en métal/)).context.close();

		const seen = await newSignedInContext(browser, 'amina', { viewport: PHONE });
		await seen.page.goto('/notifications');
		await seen.page.getByRole('link', { name: /Claire Martin a enregistré un vote pour vous \(par téléphone, le .*\) dans « Quel banc près de l’aire de jeux/ }).click();
		await expect(seen.page).toHaveURL(new RegExp(`${url}$`));
		await expect(seen.page.getByRole('heading', { name: 'Un vote a été enregistré pour vous' })).toBeVisible();
		await expect(seen.page.getByRole('radio', { name: /Banc en métal/ })).toBeChecked();
		await checkPage(seen.page, 'assisted-tenant');
		await seen.context.close();

		// Without JavaScript: the form actions alone.
		const { context, page } = await newSignedInContext(browser, 'amina', { viewport: PHONE, javaScriptEnabled: false });
		await page.goto(url);
		await page.getByRole('button', { name: 'Ce n’était pas moi' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'C’est noté : ce vote a été retiré'.replace(' :', '\u00a0:') })).toBeVisible();
		await expect(page.getByText(/Vous avez signalé le .* que le vote enregistré par Claire Martin n’était pas le vôtre/)).toBeVisible();
		await page.getByRole('radio', { name: /Banc en bois/ }).check();
		await page.getByRole('button', { name: 'Je vote' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();
		await context.close();

		const claire = await newSignedInContext(browser, CLAIRE, { viewport: DESKTOP });
		await claire.page.goto(`${url}/manage`);
		await expect(claire.page.getByRole('region', { name: 'Votes assistés et leur état' }).getByText('« ce n’était pas moi » : retiré')).toBeVisible();
		await claire.context.close();
	});

	test('an access reset tells the person in the app', async ({ browser }) => {
		const { context, page } = await newSignedInContext(browser, CLAIRE, { viewport: DESKTOP });
		await page.goto('/');
		await page.getByRole('link', { name: /L’Aventurière/ }).first().click();
		await page.getByRole('button', { name: /Nouveau code d’accès — Josiane L\./ }).click();
		await expect(page.getByRole('status')).toContainText(/code/i);
		await context.close();
		const josiane = await newSignedInContext(browser, 'josiane', { viewport: PHONE });
		await josiane.page.goto('/notifications');
		await expect(josiane.page.getByRole('link', { name: /Claire Martin a créé un code pour réinitialiser l’accès à votre compte/ })).toBeVisible();
		await checkPage(josiane.page, 'access-reset-notice');
		await josiane.context.close();
	});
});
