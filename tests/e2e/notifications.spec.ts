import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { simpleParser, type ParsedMail } from 'mailparser';
import { checkPage, DEMO_PASSWORD, signIn, signOut } from './fixtures';
import { DB_PATH, readable } from './http';
import { MAIL_LOG_OF_THIS_WORKER } from './servers';

// Without SMTP_URL the server writes every message, whole, to MAIL_LOG: this worker's server's own (servers.ts).
const MAIL_LOG = resolve(import.meta.dirname, '../..', MAIL_LOG_OF_THIS_WORKER);
const SEPARATOR = /^===== \S+ → (\S+)$/m;

/** Messages in the log sent to `to`, parsed as a mail client would. */
async function mailsTo(to: string): Promise<ParsedMail[]> {
	if (!existsSync(MAIL_LOG)) return [];
	const parts = readFileSync(MAIL_LOG, 'utf8').split(SEPARATOR);
	const out: ParsedMail[] = [];
	for (let i = 1; i < parts.length; i += 2) if (parts[i] === to) out.push(await simpleParser(parts[i + 1]!.trim()));
	return out;
}

/**
 * Waits for a new message to `to` (the worker sends after commit, outside the request), the first
 * after the `before` already there that is `which` one: what earlier spec files did on this server
 * may send the same person other mail meanwhile (a meeting invitation, an alert).
 */
async function nextMail(to: string, before: number, which: (m: ParsedMail) => boolean, timeout = 10_000): Promise<ParsedMail> {
	let found: ParsedMail | undefined;
	await expect.poll(async () => (found = (await mailsTo(to)).slice(before).find(which)) !== undefined, { timeout }).toBe(true);
	return found!;
}

const rawHeader = (m: ParsedMail, name: string) => m.headerLines.find((h) => h.key === name)?.line.slice(name.length + 1).replace(/\r?\n\s+/g, ' ').trim() ?? '';

async function openIdea(page: Page, title: string) {
	await page.goto('/');
	const residence = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	await page.goto(`${residence}/board`);
	await page.getByRole('link', { name: title, exact: true }).first().click();
	await expect(page).toHaveURL(/\/board\/p\//);
}

/**
 * The notifications the demo seed wrote for a person: weeks of activity, settled when it finished
 * (all stamped e-mailed at that one moment, the earliest stamp in the table; later rows are stamped
 * when they are mailed, or never).
 */
function seededNotifications(username: string): Set<string> {
	const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
	try {
		const rows = db
			.prepare('select n.id from notifications n join users u on u.id = n.user_id where u.username = ? and n.emailed_at = (select min(emailed_at) from notifications)')
			.all(username) as { id: string }[];
		return new Set(rows.map((r) => r.id));
	} finally {
		db.close();
	}
}

test('a tenant finds a handful of grouped lines, not the whole history, and marks one read', async ({ page }) => {
	// Karim: no other spec marks his notifications read (the form fuzzer, as Amina, marks all of hers).
	const history = seededNotifications('karim');
	expect(history.size).toBeGreaterThan(5);
	await signIn(page, 'karim');
	await page.goto('/notifications');
	const unread = page.getByTestId('notification-list').locator('li.unread');
	// The spec files run before this one on this server add lines of their own (votes opened, comments):
	// the lines counted are those of the demo's history, each line with the rows it stands for.
	const lines = await unread.locator('input[name="ids"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value.split(' ')));
	const fromHistory = lines.filter((ids) => ids.some((id) => history.has(id))).length;
	expect(fromHistory).toBeGreaterThanOrEqual(2);
	expect(fromHistory).toBeLessThanOrEqual(5);
	await expect(page.getByText(/Un vote est ouvert/).first()).toBeVisible();
	await checkPage(page, 'notifications-grouped');
	const before = await unread.count();
	await unread.first().getByRole('button', { name: /Marquer comme lu/ }).click();
	await expect(unread).toHaveCount(before - 1);
});

test('e-mail settings: a tenant adds an address (a link is sent to it) and chooses what to receive', async ({ page }) => {
	await signIn(page, 'karim');
	await page.goto('/account');
	await page.getByRole('link', { name: 'Mes e-mails' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Mes e-mails' })).toBeVisible();
	await checkPage(page, 'mail-settings');
	const sent = (await mailsTo('karim@example.org')).length;
	await page.getByLabel('Nouvelle adresse e-mail').fill('karim@example.org');
	await page.getByRole('button', { name: 'Envoyer le lien de confirmation' }).click();
	await expect(page.getByText('Lien envoyé à karim@example.org')).toBeVisible();
	const mail = await nextMail('karim@example.org', sent, (m) => /\/account\/email\//.test(m.text ?? ''));
	expect(mail.subject).toBe('Confirmez votre adresse e-mail');
	const link = new URL(/https?:\/\/\S+\/account\/email\/\S+/.exec(mail.text ?? '')![0]);
	await page.goto(link.pathname);
	await page.getByRole('button', { name: 'Confirmer cette adresse' }).click();
	await expect(page.getByText('Adresse confirmée : karim@example.org'.replace(' :', '\u00a0:'))).toBeVisible();

	await page.goto('/account/notifications');
	await expect(page.getByTestId('mail-address')).toContainText('karim@example.org');
	const votes = page.getByRole('group', { name: /votes ouverts/i });
	await votes.getByLabel('Jamais').check();
	await page.getByRole('button', { name: 'Enregistrer mes choix' }).click();
	await expect(page.getByText('Vos choix sont enregistrés.')).toBeVisible();
	await page.reload();
	await expect(page.getByRole('group', { name: /votes ouverts/i }).getByLabel('Jamais')).toBeChecked();
});

test('staff reset a forgotten password by e-mail; the link works once; the page never says whether an address exists', async ({ page }) => {
	const user = 'paul.renaud@ecossolies.demo';
	await page.goto('/login');
	await page.getByRole('link', { name: 'J’ai perdu mon mot de passe' }).click();
	await expect(page).toHaveURL(/\/forgot$/);
	await checkPage(page, 'forgot');
	const sent = (await mailsTo(user)).length;
	await page.getByLabel('Adresse e-mail').fill('nobody@nowhere.example');
	await page.getByRole('button', { name: 'Recevoir le lien' }).click();
	const answer = await page.getByRole('status').innerText();
	await page.getByLabel('Adresse e-mail').fill(user);
	await page.getByRole('button', { name: 'Recevoir le lien' }).click();
	await expect(page.getByRole('status')).toHaveText(answer);

	const mail = await nextMail(user, sent, (m) => /\/reset\?code=/.test(m.text ?? ''));
	expect(mail.subject).toBe('Choisir un nouveau mot de passe');
	const link = new URL(/https?:\/\/\S+\/reset\?code=\S+/.exec(mail.text ?? '')![0]);
	await page.goto(link.pathname + link.search);
	await page.getByLabel('Nouveau mot de passe').fill('un tout nouveau mot de passe');
	await page.getByRole('button', { name: /Enregistrer|Valider|Choisir/ }).click();
	await expect(page).toHaveURL(/\/welcome/);
	await signOut(page);
	await signIn(page, user, 'un tout nouveau mot de passe');
	await signOut(page);
	await page.goto(link.pathname + link.search);
	await page.getByLabel('Nouveau mot de passe').fill('encore un autre mot de passe');
	await page.getByRole('button', { name: /Enregistrer|Valider|Choisir/ }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expect(page).not.toHaveURL(/\/welcome/);

	// Put the demo's password back, as a person would on her account page: later specs sign in as Paul
	// (the body-rules spec: he is the NGOs' only seat).
	await signIn(page, user, 'un tout nouveau mot de passe');
	await page.goto('/account');
	await page.getByLabel('Mot de passe actuel').fill('un tout nouveau mot de passe');
	await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(DEMO_PASSWORD);
	await page.getByLabel('Répétez le nouveau mot de passe').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
	await expect(page.getByText('Mot de passe changé.', { exact: false })).toBeVisible();
	await signOut(page);
	await signIn(page, user);
});

test('a daily digest arrives with a one-click unsubscribe that works from the mail client, without signing in', async ({ page, request, browser }) => {
	test.setTimeout(120_000);
	// A digest goes out at most once a day per person: the recipient is a facilitator invited for this
	// test, so what earlier spec files did on this server (a comment to Claire, say) cannot have used
	// up her day's digest already.
	const email = `resume.${Date.now().toString(36)}@lmh.demo`;
	const password = 'un mot de passe pour le résumé';
	await signIn(page, 'admin@demo.test');
	await page.goto('/admin/users');
	await page.getByLabel('Adresse e-mail').fill(email);
	await page.locator('#invite-space').selectOption({ label: 'L’Aventurière' });
	await page.locator('#invite-role').selectOption('facilitator');
	await page.getByRole('button', { name: 'Créer le lien' }).click();
	const link = (await page.getByTestId('invite-link').textContent())!;
	await signOut(page);
	const context = await browser.newContext();
	const staff = await context.newPage();
	await staff.goto(new URL(link).pathname);
	await staff.getByLabel('Votre nom (visible par vos voisins)').fill('Rose Digest');
	await staff.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
	await staff.getByRole('button', { name: 'Créer mon compte' }).click();
	await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Bonjour Rose Digest');
	// She comments on Amina's idea: she now follows it.
	await openIdea(staff, 'Des bancs devant l’entrée du bâtiment A');
	await staff.getByLabel('Votre commentaire').fill('Je passe voir le fournisseur.');
	await staff.getByRole('button', { name: 'Publier' }).click();
	await expect(staff.getByText('Je passe voir le fournisseur.')).toBeVisible();
	await context.close();
	expect(await mailsTo(email)).toHaveLength(0);

	// Amina comments on her own idea: Rose hears of it, in her daily digest.
	await signIn(page, 'amina');
	await openIdea(page, 'Des bancs devant l’entrée du bâtiment A');
	await page.getByLabel('Votre commentaire').fill('Le devis est arrivé ?');
	await page.getByRole('button', { name: 'Publier' }).click();
	await expect(page.getByText('Le devis est arrivé ?').first()).toBeVisible();

	// The worker runs every 30 s, outside any request.
	const digest = await nextMail(email, 0, (m) => (m.subject ?? '').startsWith('Votre résumé'), 75_000);
	expect(digest.subject).toMatch(/^Votre résumé du jour/);
	expect(digest.text).toContain('Amina B. a commenté');
	expect(digest.html).toContain('Des bancs devant l’entrée du bâtiment A');
	expect(rawHeader(digest, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
	const url = new URL(/<([^>]+)>/.exec(rawHeader(digest, 'list-unsubscribe'))![1]!);

	// What a mail provider does: a POST from its own servers, no cookie, no Origin.
	const res = await request.post(url.pathname, { form: { 'List-Unsubscribe': 'One-Click' } });
	expect(res.status()).toBe(200);
	expect(readable(await res.text())).toContain('C’est fait');

	await signOut(page);
	await signIn(page, email, password);
	await page.goto('/account/notifications');
	await expect(page.getByRole('group', { name: /commentaires/i }).getByLabel('Jamais')).toBeChecked();
	await expect(page.getByRole('group', { name: /résultats des votes/i }).getByLabel('Jamais')).toBeChecked();
	await expect(page.getByRole('group', { name: /rappel la veille/i }).getByLabel('Tout de suite')).toBeChecked();

	// The link in the message body asks for a click first (link scanners must not unsubscribe anyone).
	await signOut(page);
	await page.goto(url.pathname);
	await checkPage(page, 'unsubscribe');
	await page.getByRole('button', { name: 'Me désabonner' }).click();
	await expect(page.getByRole('status')).toContainText('C’est fait');
	const forged = await request.post(url.pathname.replace(/[^/]+$/, 'x'.repeat(32)), { form: { 'List-Unsubscribe': 'One-Click' } });
	expect(forged.status()).toBe(404);
});
