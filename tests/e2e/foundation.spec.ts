import { expect, test } from '@playwright/test';
import { checkPage, DEMO_PASSWORD, expectAccessible, newSignedInContext, signIn, signOut } from './fixtures';

test.describe('guests', () => {
	test('the landing page is in French by default and links to the public pages', async ({ page }) => {
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ensemble, on améliore notre quartier');
		await checkPage(page, 'landing');
		await page.getByRole('link', { name: 'Lyon Métropole Habitat' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lyon Métropole Habitat');
		await expect(page.getByRole('cell', { name: 'L’Aventurière' })).toBeVisible();
		await expect(page.getByRole('cell', { name: '120' })).toBeVisible();
		await checkPage(page, 'public-organisation');
		await page.goto('/');
		await page.getByRole('link', { name: 'Réseau des Lieux Collectifs de Proximité' }).click();
		await expect(page.getByRole('cell', { name: 'Bénévoles et membres des LCP' })).toBeVisible();
		await expect(page.getByRole('cell', { name: '25 %' }).first()).toBeVisible();
	});

	test('the browser language picks English on a first visit, and a guest’s choice is remembered', async ({ browser }) => {
		const context = await browser.newContext({ locale: 'en-GB' });
		const page = await context.newPage();
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Together, we improve our neighbourhood');
		await page.getByRole('button', { name: 'Français' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ensemble, on améliore notre quartier');
		await page.goto('/login');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Se connecter');
		await context.close();
	});

	test('private pages ask to sign in, and the sign-in form explains a mistake', async ({ page }) => {
		await page.goto('/admin');
		await expect(page.getByText('Connectez-vous pour voir cette page.')).toBeVisible();
		await page.goto('/login');
		await checkPage(page, 'sign-in');
		await page.getByLabel('Adresse e-mail ou identifiant').fill('amina');
		await page.getByLabel('Mot de passe ou phrase de passe').fill('pas le bon');
		await page.getByRole('button', { name: 'Se connecter' }).click();
		await expect(page.getByRole('alert')).toHaveText('Identifiant ou mot de passe incorrect. Vérifiez et réessayez.');
		await expectAccessible(page);
	});
});

test.describe('a tenant', () => {
	test('joins her residence with the poster code, without an e-mail', async ({ page }) => {
		await page.goto('/join');
		await checkPage(page, 'join-code');
		await page.getByLabel('Code de la résidence').fill('aven 2026');
		await page.getByRole('button', { name: 'Continuer' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bienvenue à L’Aventurière');
		await checkPage(page, 'join-form');
		await page.getByLabel('Votre nom (visible par vos voisins)').fill('Nour');
		await page.getByLabel('Votre logement').selectOption({ label: 'B-12' });
		const passphrase = await page.getByLabel('Votre phrase de passe').inputValue();
		expect(passphrase.split(' ')).toHaveLength(6);
		await page.getByRole('button', { name: 'Créer mon compte' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Votre compte est prêt');
		const username = (await page.getByTestId('username').textContent())!.trim();
		expect(username).toMatch(/^nour\.[a-z0-9]{4}$/);
		// The passphrase is shown once, to write down; the way on leads to the residence's board.
		await expect(page.getByTestId('passphrase')).toHaveText(passphrase);
		await expect(page.getByLabel('Phrase de passe', { exact: true })).toHaveAttribute('autocomplete', 'new-password');
		await checkPage(page, 'welcome');
		await page.getByRole('link', { name: 'Voir les idées des voisins' }).click();
		await expect(page).toHaveURL(/\/r\/[a-z0-9]+\/board$/);
		await page.goto('/welcome');
		await expect(page.getByTestId('passphrase')).toHaveCount(0);
		// She can come back later with her username and passphrase.
		await signOut(page);
		await signIn(page, username, passphrase);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Nour');
	});

	test('a wrong code is explained', async ({ page }) => {
		await page.goto('/join/ZZZZ-ZZZZ');
		await expect(page.getByText('Ce code n’existe pas ou n’est plus valable.', { exact: false })).toBeVisible();
		await expectAccessible(page);
	});

	test('sees her spaces in French, then in English, and the choice follows her account', async ({ page }) => {
		await signIn(page, 'amina');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Amina B.');
		await expect(page.getByRole('link', { name: /L’Aventurière/ })).toBeVisible();
		await expect(page.getByRole('link', { name: /Action communautaire – session 2026/ })).toBeVisible();
		// Her role in L’Aventurière (other spec files give her roles in spaces of their own, listed beside it).
		await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: /L’Aventurière/ }) }).getByText('Locataire', { exact: true })).toBeVisible();
		await checkPage(page, 'home-tenant');
		await page.getByRole('button', { name: 'English' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello Amina B.');
		await expect(page.getByRole('heading', { name: 'My spaces' })).toBeVisible();
		await checkPage(page, 'home-tenant-en');
		await signOut(page);
		await page.context().clearCookies();
		await signIn(page, 'amina');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello Amina B.');
		await page.getByRole('button', { name: 'Français' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Amina B.');
	});

	test('opens her residence, but not the governance body nor the administration', async ({ page }) => {
		await signIn(page, 'amina');
		await page.getByRole('link', { name: /L’Aventurière/ }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('L’Aventurière');
		await expect(page.getByText('120 logements en tout')).toBeVisible();
		await expect(page.getByRole('heading', { name: 'Codes pour rejoindre la résidence' })).toHaveCount(0);
		await checkPage(page, 'residence-tenant');
		await page.goto('/admin');
		await expect(page.getByText('Vous n’avez pas le droit de faire cela ici.')).toBeVisible();
		await expectAccessible(page);
	});

	test('sees who of her neighbours is online, live', async ({ browser }) => {
		const amina = await newSignedInContext(browser, 'amina');
		const residenceLink = amina.page.getByRole('link', { name: /L’Aventurière/ });
		const href = (await residenceLink.getAttribute('href'))!;
		const online = amina.page.getByTestId(`online-residence-${href.split('/').pop()}`);
		await expect(online).toHaveText(/Personne d’autre en ligne/);
		const karim = await newSignedInContext(browser, 'karim');
		await expect(online).toContainText('Karim D.');
		await expect(amina.page.getByText('En direct')).toBeVisible();
		// The server's page says it already: without JavaScript (no connection at all), and so before
		// the connection, the line does not change when the list arrives.
		const still = await newSignedInContext(browser, 'amina', { javaScriptEnabled: false });
		await expect(still.page.getByTestId(`online-residence-${href.split('/').pop()}`)).toContainText('Karim D.');
		await karim.context.close();
		await expect(online).toHaveText(/Personne d’autre en ligne/);
		await still.page.reload();
		await expect(still.page.getByTestId(`online-residence-${href.split('/').pop()}`)).toHaveText(/Personne d’autre en ligne/);
		await still.context.close();
		await amina.context.close();
	});

	test('changes her password from her account page', async ({ page }) => {
		test.setTimeout(60_000);
		await signIn(page, 'karim');
		await page.goto('/account');
		await checkPage(page, 'account');
		await page.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
		await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('ma nouvelle phrase');
		await page.getByLabel('Répétez le nouveau mot de passe').fill('pas la même');
		await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
		await expect(page.getByText('Les deux mots de passe ne sont pas identiques.')).toBeVisible();
		await page.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
		await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('ma nouvelle phrase');
		await page.getByLabel('Répétez le nouveau mot de passe').fill('ma nouvelle phrase');
		await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
		await expect(page.getByText('Mot de passe changé.', { exact: false })).toBeVisible();
		await signOut(page);
		await signIn(page, 'karim', 'ma nouvelle phrase');
		// Other spec files sign in as karim with the demo password: put it back.
		await page.goto('/account');
		await page.getByLabel('Mot de passe actuel').fill('ma nouvelle phrase');
		await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(DEMO_PASSWORD);
		await page.getByLabel('Répétez le nouveau mot de passe').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
		await expect(page.getByText('Mot de passe changé.', { exact: false })).toBeVisible();
	});

	test('finds a neighbour in the residence’s member list, a page at a time, without JavaScript', async ({ browser }) => {
		// A large estate has thousands of members: the residence's page lists them 50 at a time, with a
		// search by name (a GET form and links, so that it works before, or without, the scripts).
		const { context, page } = await newSignedInContext(browser, 'amina', { viewport: { width: 360, height: 780 }, javaScriptEnabled: false });
		await page.getByRole('link', { name: /^L’Aventurière Résidence/ }).click();
		const members = page.locator('ul.members > li');
		const heading = page.getByRole('heading', { name: /^Membres \(\d+\)$/ });
		const total = Number((await heading.textContent())!.match(/\d+/)![0]);
		expect(total).toBeGreaterThan(50);
		await expect(members).toHaveCount(50);
		const pages = page.getByRole('navigation', { name: 'Pages de la liste des membres' });
		await expect(pages.getByText(`Page 1 sur ${Math.ceil(total / 50)}`)).toBeVisible();
		await expect(pages.getByRole('link', { name: 'Page précédente' })).toHaveCount(0);
		await pages.getByRole('link', { name: 'Page suivante' }).click();
		await expect(page).toHaveURL(/\/r\/[a-z0-9]+\?page=2#membres$/);
		await expect(members).toHaveCount(total - 50);
		// The second page follows the first, by name (the demo's "Voisin …" come last).
		await expect(members.last()).toContainText('Voisin C-14');
		await page.getByLabel('Chercher un membre par son nom').fill('JOSIANE');
		await page.getByRole('button', { name: 'Chercher' }).click();
		await expect(page).toHaveURL(/\?q=JOSIANE#membres$/);
		await expect(members).toHaveCount(1);
		await expect(members).toContainText('Josiane L.');
		await expect(page.getByText('1 membre trouvé pour « JOSIANE »')).toBeVisible();
		await expect(pages).toHaveCount(0);
		const searched = page.url();
		await page.getByLabel('Chercher un membre par son nom').fill('personne-ici');
		await page.getByRole('button', { name: 'Chercher' }).click();
		await expect(members).toHaveCount(0);
		await expect(page.getByText('Aucun membre ne porte un nom avec « personne-ici ».')).toBeVisible();
		await page.getByRole('link', { name: 'Voir tous les membres' }).click();
		await expect(members).toHaveCount(50);
		// A page number edited by hand is not an error: past the end, the last page.
		await page.goto(`${new URL(page.url()).pathname}?page=9999`);
		await expect(pages.getByText(`Page ${Math.ceil(total / 50)} sur ${Math.ceil(total / 50)}`)).toBeVisible();
		await context.close();

		// With the scripts: the same search (a navigation in the page), and the page passes axe.
		const js = await newSignedInContext(browser, 'amina');
		await js.page.goto(searched);
		await expect(js.page.locator('ul.members > li')).toHaveCount(1);
		await checkPage(js.page, 'residence-members-search');
		await js.page.getByLabel('Chercher un membre par son nom').fill('karim');
		await js.page.getByRole('button', { name: 'Chercher' }).click();
		await expect(js.page).toHaveURL(/\?q=karim#membres$/);
		await expect(js.page.locator('ul.members > li')).toHaveText([/^Karim D\./]);
		await expect(js.page.getByLabel('Chercher un membre par son nom')).toHaveValue('karim');
		await js.context.close();
	});
});

test.describe('agency staff', () => {
	test('the facilitator prints the poster and gives a tenant a new access code', async ({ page, browser }) => {
		await signIn(page, 'claire.martin@lmh.demo');
		// Her role in L’Aventurière (other spec files give her roles in spaces of their own, listed beside it).
		await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: /L’Aventurière/ }) }).getByText('Équipe de l’agence')).toBeVisible();
		await page.getByRole('link', { name: /L’Aventurière/ }).click();
		await expect(page.getByRole('heading', { name: 'Codes pour rejoindre la résidence' })).toBeVisible();
		await checkPage(page, 'residence-facilitator');
		await page.getByRole('button', { name: 'Créer un code' }).click();
		await expect(page.getByText(/Nouveau code créé/)).toBeVisible();
		await page.getByRole('link', { name: 'Affiche' }).first().click();
		await expect(page.getByRole('img', { name: /QR code menant à http/ })).toBeVisible();
		await checkPage(page, 'poster');
		await page.goBack();
		await page.getByRole('button', { name: 'Nouveau code d’accès — Josiane L.' }).click();
		const message = await page.getByRole('status').filter({ hasText: 'Code à usage unique' }).textContent();
		const code = /([2-9A-Z]{4}-[2-9A-Z]{4})/.exec(message ?? '')![1]!;
		const guest = await browser.newContext();
		const tenant = await guest.newPage();
		await tenant.goto('/reset');
		await checkPage(tenant, 'reset');
		await tenant.getByLabel('Code à usage unique').fill(code);
		// The demo password again, so that other spec files can still sign in as josiane; the reset is
		// proven by the one-time code signing her in and by the code being refused a second time.
		await tenant.getByLabel('Nouveau mot de passe', { exact: true }).fill(DEMO_PASSWORD);
		await tenant.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
		await expect(tenant.getByTestId('username')).toHaveText('josiane');
		await tenant.context().clearCookies();
		await tenant.goto('/reset');
		await tenant.getByLabel('Code à usage unique').fill(code);
		await tenant.getByLabel('Nouveau mot de passe', { exact: true }).fill('une autre phrase de passe');
		await tenant.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
		await expect(tenant.getByRole('alert')).toContainText('Ce code n’est pas valable ou a déjà servi.');
		await guest.close();
	});

	test('the administrator takes a role back, which holds at once, and gives it again in one click; without JavaScript too', async ({ page, browser }) => {
		// Karim has L’Aventurière open; the role is given back at the end, for the spec files after this one.
		const { context: his, page: karim } = await newSignedInContext(browser, 'karim');
		await karim.getByRole('link', { name: /L’Aventurière/ }).first().click();
		await expect(karim.getByRole('heading', { level: 1 })).toHaveText('L’Aventurière');
		const residence = karim.url();

		await signIn(page, 'admin@demo.test');
		await page.goto('/admin/users?q=karim');
		const row = page.getByRole('row').filter({ hasText: 'Karim D.' });
		const held = row.getByRole('listitem').filter({ hasText: 'L’Aventurière' });
		await expect(held).toContainText('Locataire · L’Aventurière');
		await checkPage(page, 'admin-users-roles');
		await held.getByRole('button', { name: 'Retirer — Locataire · L’Aventurière · Karim D.' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Rôle retiré.' })).toBeVisible();
		await expect(held).toHaveCount(0);
		// His next page is refused: the change holds at once, not at his next sign-in.
		await karim.goto(residence);
		await expect(karim.getByText('Vous n’avez pas le droit de faire cela ici.')).toBeVisible();
		await page.getByRole('button', { name: 'Annuler\u00a0: redonner ce rôle' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Rôle attribué.' })).toBeVisible();
		await expect(held).toContainText('Locataire · L’Aventurière');
		await karim.goto(residence);
		await expect(karim.getByRole('heading', { level: 1 })).toHaveText('L’Aventurière');

		// The same two forms without JavaScript: plain posts, and the page the server answers with.
		const { context: plain, page: admin } = await newSignedInContext(browser, 'admin@demo.test', { javaScriptEnabled: false });
		await admin.goto('/admin/users?q=karim');
		const again = admin.getByRole('row').filter({ hasText: 'Karim D.' }).getByRole('listitem').filter({ hasText: 'L’Aventurière' });
		await again.getByRole('button', { name: 'Retirer — Locataire · L’Aventurière · Karim D.' }).click();
		await expect(admin.getByText('Rôle retiré.')).toBeVisible();
		await expect(again).toHaveCount(0);
		await admin.getByRole('button', { name: 'Annuler\u00a0: redonner ce rôle' }).click();
		await expect(admin.getByText('Rôle attribué.')).toBeVisible();
		await admin.goto('/admin/users?q=karim');
		await expect(again).toContainText('Locataire · L’Aventurière');
		await plain.close();
		await his.close();
	});

	test('the administrator finds an account by name, identifier or e-mail, accents aside, a page at a time; without JavaScript too', async ({ browser }) => {
		// The accounts page listed the first 100 accounts in the engines' byte order (every "É…" after the
		// Z), with a search that missed "Élise" for "elise" on SQLite. It now shows 50 at a time, by name
		// as a French reader sorts them, with links between pages.
		const { context, page } = await newSignedInContext(browser, 'admin@demo.test', { viewport: { width: 360, height: 780 }, javaScriptEnabled: false });
		await page.goto('/admin/users');
		const rows = page.locator('table tbody tr');
		const total = Number((await page.getByText(/^[\d\s\u202f\u00a0]+ comptes$/).textContent())!.replace(/\D/g, ''));
		expect(total).toBeGreaterThan(50);
		await expect(rows).toHaveCount(50);
		await expect(rows.filter({ hasText: 'Élise Morel' })).toHaveCount(1);
		const pages = page.getByRole('navigation', { name: 'Pages de la liste des comptes' });
		const last = Math.ceil(total / 50);
		await expect(pages.getByText(`Page 1 sur ${last}`)).toBeVisible();
		await pages.getByRole('link', { name: 'Page suivante' }).click();
		await expect(page).toHaveURL(/\/admin\/users\?page=2$/);
		await expect(rows).toHaveCount(Math.min(50, total - 50));
		await expect(rows.filter({ hasText: 'Élise Morel' })).toHaveCount(0);

		const search = page.getByLabel('Chercher un compte par nom, identifiant ou e-mail');
		await search.fill('ELISE');
		await page.getByRole('button', { name: 'Rechercher' }).click();
		await expect(page).toHaveURL(/\?q=ELISE$/);
		await expect(rows).toHaveCount(1);
		await expect(rows).toContainText('elise.morel@nantes.demo');
		await expect(page.getByText('1 compte trouvé pour « ELISE »')).toBeVisible();
		await expect(pages).toHaveCount(0);
		// An e-mail's domain finds the agency's staff.
		await page.goto('/admin/users?q=%40lmh.demo');
		await expect(rows.filter({ hasText: 'Claire Martin' })).toHaveCount(1);
		await expect(rows.filter({ hasText: 'Amina B.' })).toHaveCount(0);
		await search.fill('personne-ici');
		await page.getByRole('button', { name: 'Rechercher' }).click();
		await expect(rows).toHaveCount(0);
		await expect(page.getByText('Aucun compte ne correspond à « personne-ici ».')).toBeVisible();
		await page.getByRole('link', { name: 'Voir tous les comptes' }).click();
		await expect(rows).toHaveCount(50);
		// A page number edited by hand is not an error: past the end, the last page.
		await page.goto('/admin/users?page=9999');
		await expect(pages.getByText(`Page ${last} sur ${last}`)).toBeVisible();
		await context.close();

		// With the scripts: the same search and pages, and both pass axe at 360 and 1280 px.
		const js = await newSignedInContext(browser, 'admin@demo.test');
		await js.page.goto('/admin/users?q=elise');
		await expect(js.page.locator('table tbody tr')).toHaveCount(1);
		await checkPage(js.page, 'admin-users-search');
		await js.page.getByLabel('Chercher un compte par nom, identifiant ou e-mail').fill('');
		await js.page.getByRole('button', { name: 'Rechercher' }).click();
		await expect(js.page.locator('table tbody tr')).toHaveCount(50);
		await js.page.getByRole('navigation', { name: 'Pages de la liste des comptes' }).getByRole('link', { name: 'Page suivante' }).click();
		await expect(js.page).toHaveURL(/\?page=2$/);
		await checkPage(js.page, 'admin-users-page-2');
		await js.context.close();
	});

	test('the administrator creates a residence and invites a staff member who joins by the link', async ({ page, browser }) => {
		await signIn(page, 'admin@demo.test');
		await page.getByRole('link', { name: 'Administration' }).click();
		await checkPage(page, 'admin');
		await page.getByRole('link', { name: 'Lyon Métropole Habitat' }).click();
		const residences = page.getByRole('region', { name: 'Résidences' });
		await residences.getByLabel('Nom', { exact: true }).fill('Les Marronniers');
		await residences.getByLabel('Bâtiments').fill('Bâtiment A; 10\nBâtiment B; 12');
		await page.getByRole('button', { name: 'Ajouter la résidence' }).click();
		await expect(page.getByText('« Les Marronniers » est créé.')).toBeVisible();
		await expect(page.getByRole('link', { name: 'Les Marronniers' })).toBeVisible();
		await checkPage(page, 'admin-organisation');
		await page.goto('/admin/users');
		await checkPage(page, 'admin-users');
		await page.getByLabel('Adresse e-mail').fill('nouvelle@lmh.demo');
		await page.locator('#invite-space').selectOption({ label: 'Les Marronniers' });
		await page.locator('#invite-role').selectOption('facilitator');
		await page.getByRole('button', { name: 'Créer le lien' }).click();
		const link = (await page.getByTestId('invite-link').textContent())!;
		const guest = await browser.newContext();
		const staff = await guest.newPage();
		await staff.goto(new URL(link).pathname);
		await expect(staff.getByText('nouvelle@lmh.demo', { exact: false })).toBeVisible();
		await checkPage(staff, 'invite');
		await staff.getByLabel('Votre nom (visible par vos voisins)').fill('Nadège Petit');
		await staff.getByLabel('Nouveau mot de passe', { exact: true }).fill('un mot de passe solide');
		await staff.getByRole('button', { name: 'Créer mon compte' }).click();
		await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Bonjour Nadège Petit');
		await expect(staff.getByRole('link', { name: /Les Marronniers/ })).toBeVisible();
		await guest.close();
	});
});

test.describe('governance body members', () => {
	test('see their body with its colleges and weights; a tenant cannot', async ({ page }) => {
		await signIn(page, 'fatou');
		await page.getByRole('link', { name: /Comité de pilotage du réseau des LCP/ }).click();
		await expect(page).toHaveURL(/\/b\/[a-z0-9]+$/);
		const url = page.url();
		await expect(page.getByRole('heading', { name: 'Bénévoles et membres des LCP' })).toBeVisible();
		await expect(page.getByText('Poids dans les votes : 25 %').first()).toBeVisible();
		await expect(page.getByRole('main').getByRole('listitem').filter({ hasText: 'Sophie Leroy' }).last()).toContainText('Membre, Présidence');
		await checkPage(page, 'body-member');
		await signOut(page);
		await signIn(page, 'amina');
		await page.goto(url);
		await expect(page.getByText('Vous n’avez pas le droit de faire cela ici.')).toBeVisible();
	});

	test('the trainer sees the training session', async ({ page }) => {
		await signIn(page, 'nadia.formatrice@ccaura.demo');
		await page.getByRole('link', { name: /Action communautaire – session 2026/ }).click();
		await expect(page.getByRole('heading', { name: /Participants/ })).toBeVisible();
		await checkPage(page, 'training');
	});
});
