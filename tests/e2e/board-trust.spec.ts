import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { checkPage, newSignedInContext, PHONE } from './fixtures';
import { client, joinDescription, pageData, residenceId } from './http';

/**
 * Issue 8, "a board that fits": the desktop board, where the undo goes, what the keyboard does and
 * says, hidden ideas and comment counts, pins on the plan, the passphrase at 360 px.
 */

async function openBoard(page: Page): Promise<string> {
	await page.goto('/');
	const residence = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	await page.goto(`${residence}/board`);
	await expect(page.getByRole('heading', { level: 1, name: 'Tableau des idées' })).toBeVisible();
	return `${residence}/board`;
}

const card = (page: Page, title: string) => page.locator('article', { has: page.getByRole('heading', { name: title }) });

/** The element's box lies inside the window (what "where the person is looking" can be checked as). */
async function inWindow(page: Page, selector: string) {
	return page.evaluate((sel) => {
		const r = document.querySelector(sel)!.getBoundingClientRect();
		return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
	}, selector);
}

test('desktop board: every column is in view at 1920 px; at 1280 px the row scrolls with its scrollbar in the window and the switcher jumps to a column', async ({ browser }) => {
	const { page, context } = await newSignedInContext(browser, 'claire.martin@lmh.demo', { viewport: { width: 1920, height: 1080 } });
	await openBoard(page);
	await expect(page.getByTestId('live-status')).toContainText('En direct');
	const geometry = () =>
		page.evaluate(() => {
			const row = document.querySelector<HTMLElement>('[data-testid=board-columns]')!;
			const r = row.getBoundingClientRect();
			const columns = [...row.querySelectorAll('section')].map((s) => s.getBoundingClientRect());
			return {
				bottom: r.bottom,
				height: window.innerHeight,
				scrollable: row.scrollWidth > row.clientWidth,
				allIn: columns.every((c) => c.left >= 0 && c.right <= window.innerWidth),
				count: columns.length
			};
		});
	let g = await geometry();
	expect(g.count).toBe(7);
	expect(g.allIn).toBe(true);
	expect(g.scrollable).toBe(false);
	expect(g.bottom).toBeLessThanOrEqual(g.height);

	await page.setViewportSize({ width: 1280, height: 900 });
	// The row, and so its horizontal scrollbar, ends inside the window: no need to scroll down to find it.
	// The board measures again where it starts once the narrower window has wrapped the text above it
	// (a frame or two after the resize): the check waits for that, as the person's eye would.
	await expect
		.poll(async () => {
			const now = await geometry();
			return { scrollable: now.scrollable, endsInWindow: now.bottom <= now.height };
		})
		.toEqual({ scrollable: true, endsInWindow: true });
	g = await geometry();
	expect(g.allIn).toBe(false);
	// Every column is listed with its count above the board; choosing one brings it into view.
	const switcher = page.getByRole('navigation', { name: 'Colonne à afficher' });
	await expect(switcher.getByRole('link')).toHaveCount(7);
	await switcher.getByRole('link', { name: /Pas retenue/ }).click();
	await expect.poll(() => inWindow(page, '#column-declined')).toBe(true);
	await checkPage(page, 'board-desktop-columns');
	await context.close();
});

test('the undo after “Déplacer vers…” shows in the window, with and without JavaScript', async ({ browser }) => {
	for (const javaScriptEnabled of [true, false]) {
		const { page, context } = await newSignedInContext(browser, 'claire.martin@lmh.demo', { viewport: { width: 1280, height: 700 }, javaScriptEnabled });
		await openBoard(page);
		const title = 'Réparer l’éclairage du parking';
		const c = card(page, title);
		await c.locator('summary', { hasText: 'Déplacer vers' }).click();
		await c.getByLabel('Déplacer vers').selectOption('planned');
		await c.getByRole('button', { name: 'Déplacer', exact: true }).click();
		const banner = page.getByTestId('undo-banner');
		await expect(banner).toContainText(/«\s?Réparer l’éclairage du parking\s?» déplacée vers «\sPrévue\s»/);
		expect(await inWindow(page, '[data-testid=undo-banner]'), `banner in the window (JS ${javaScriptEnabled})`).toBe(true);
		await banner.getByRole('button', { name: 'Annuler' }).click();
		await expect(page.getByText('C’est annulé.')).toBeVisible();
		await expect(page.getByTestId('column-inProgress').getByRole('heading', { name: title })).toBeVisible();
		await context.close();
	}
});

test('with the keyboard a card is picked up by its title, ← → change its column as the tip says, and it stays there', async ({ browser }) => {
	const { page, context } = await newSignedInContext(browser, 'claire.martin@lmh.demo', { viewport: { width: 1280, height: 900 } });
	const board = await openBoard(page);
	await expect(page.getByTestId('live-status')).toContainText('En direct');
	await expect(page.locator('#board-keys')).toContainText('← et → l’emmènent dans la colonne voisine');
	const title = 'Un coin jeux pour les enfants près du bâtiment C';
	const alert = page.locator('#dnd-action-aria-alert');
	await card(page, title).getByRole('button', { name: /^Glisser/ }).focus();
	await page.keyboard.press('Enter');
	await expect(alert).toContainText(`Carte « ${title} » prise`);
	await page.keyboard.press('ArrowRight');
	await expect(alert).toContainText(`« ${title} » au début de la colonne En discussion`);
	await page.keyboard.press('ArrowRight');
	await expect(alert).toContainText(`« ${title} » au début de la colonne Prioritaire`);
	await page.keyboard.press('ArrowLeft');
	await expect(alert).toContainText(`« ${title} » à la fin de la colonne En discussion`);
	await page.keyboard.press('Enter');
	await expect(alert).toContainText(`« ${title} » posée`);
	await expect(page.getByTestId('column-discussion').getByRole('heading', { name: title })).toBeVisible();
	// The server has it too.
	await page.goto(board);
	await expect(page.getByTestId('column-discussion').getByRole('heading', { name: title })).toBeVisible();
	// And back where it was, for the other tests.
	await expect(page.getByTestId('live-status')).toContainText('En direct');
	await card(page, title).getByRole('button', { name: /^Glisser/ }).focus();
	await page.keyboard.press('Enter');
	await page.keyboard.press('ArrowLeft');
	await expect(alert).toContainText(`« ${title} » à la fin de la colonne Idée`);
	await page.keyboard.press('Escape');
	await expect(alert).toContainText(`« ${title} » posée`);
	await page.goto(board);
	await expect(page.getByTestId('column-idea').getByRole('heading', { name: title })).toBeVisible();
	await context.close();
});

test('a hidden idea is one line that says so, and comment counts count what is shown', async ({ browser }) => {
	const claire = await newSignedInContext(browser, 'claire.martin@lmh.demo');
	const karim = await newSignedInContext(browser, 'karim', { viewport: PHONE });
	const board = await openBoard(claire.page);
	const garden = 'Un jardin partagé au pied du bâtiment B';
	await expect(card(claire.page, garden).getByTestId('comments')).toHaveText(/3 commentaires/);

	// One comment hidden: the card counts 2, the page says 2 and that one is hidden.
	await claire.page.getByRole('link', { name: garden, exact: true }).click();
	await expect(claire.page.getByRole('heading', { name: 'Commentaires (3)' })).toBeVisible();
	const first = claire.page.locator('article.comment').first();
	await first.locator('summary', { hasText: 'Masquer ce commentaire' }).click();
	await first.getByLabel('Raison (visible par tous)').fill('Hors sujet');
	await first.getByRole('button', { name: 'Masquer', exact: true }).click();
	await expect(claire.page.getByRole('heading', { name: /^Commentaires \(2\) · 1 masqué par l’équipe$/ })).toBeVisible();
	await karim.page.goto(claire.page.url());
	await expect(karim.page.getByRole('heading', { name: /^Commentaires \(2\) · 1 masqué par l’équipe$/ })).toBeVisible();
	await karim.page.goto(board);
	await karim.page.getByRole('link', { name: /Prioritaire/ }).click();
	await expect(card(karim.page, garden).getByTestId('comments')).toHaveText(/2 commentaires/);

	// A hidden idea: one line on the board, no empty link, and its page lists no blank comments.
	const party = 'Fête des voisins en juin';
	await claire.page.goto(board);
	await claire.page.getByRole('link', { name: party, exact: true }).click();
	// The link navigates on the client: wait for the proposal's address before keeping it.
	await claire.page.waitForURL(/\/board\/p\//);
	const partyUrl = claire.page.url();
	await claire.page.locator('summary', { hasText: 'Masquer cette idée' }).click();
	await claire.page.getByLabel('Raison (visible par tous)').fill('Propos hors sujet');
	await claire.page.getByRole('button', { name: 'Masquer', exact: true }).click();
	await expect(claire.page.getByText('Masqué par l’équipe : Propos hors sujet').first()).toBeVisible();
	await karim.page.goto(`${board}?col=planned`);
	const hidden = karim.page.getByTestId('column-planned').locator('article');
	await expect(hidden).toHaveCount(1);
	await expect(hidden.getByRole('heading')).toHaveText(/Masqué par l’équipe\s:\sPropos hors sujet/);
	await expect(hidden.getByRole('link')).toHaveCount(0);
	await karim.page.goto(partyUrl);
	await expect(karim.page.getByText('Les commentaires d’une idée masquée ne sont pas affichés.')).toBeVisible();
	await expect(karim.page.locator('article.comment')).toHaveCount(0);
	await checkPage(karim.page, 'proposal-hidden-tenant');
	await claire.page.getByRole('button', { name: 'Rendre visible' }).click();
	await expect(claire.page.getByRole('heading', { level: 1, name: party })).toBeVisible();
	await claire.page.goto(board);
	await claire.page.getByRole('link', { name: garden, exact: true }).click();
	await claire.page.getByRole('button', { name: 'Rendre visible' }).click();
	await expect(claire.page.getByRole('heading', { name: 'Commentaires (3)' })).toBeVisible();
	await claire.context.close();
	await karim.context.close();
});

test('pins placed on the same spot are drawn apart, and tapping a pin opens its idea', async ({ browser }) => {
	const claire = await newSignedInContext(browser, 'claire.martin@lmh.demo', { viewport: PHONE });
	const board = await openBoard(claire.page);
	// Two ideas of its own, not yet on the plan: other spec files place, move and propose ideas of theirs.
	const stamp = Date.now().toString(36);
	const titles = [`Un banc sous le tilleul ${stamp}`, `Un abri à vélos ${stamp}`];
	const staff = await client('claire.martin@lmh.demo');
	for (const title of titles) expect(await postAction(staff, `${board}/new`, { title, category: 'other' }), title).toMatchObject({ type: 'redirect' });
	await staff.dispose();
	await claire.page.goto(`${board}/plan`);
	await expect(claire.page.getByRole('img', { name: 'Plan de la résidence L’Aventurière' })).toBeVisible();
	const unplaced = claire.page.getByRole('listitem').filter({ has: claire.page.getByRole('button', { name: 'Placer sur le plan' }) });
	const listed = (await unplaced.locator('.title').allTextContents()).map((s) => s.trim());
	expect(listed).toEqual(expect.arrayContaining(titles));
	// "Placer sur le plan" puts each at the centre: the same spot.
	for (const t of titles.slice(0, 2)) await claire.page.getByRole('listitem').filter({ hasText: t }).getByRole('button', { name: 'Placer sur le plan' }).click();
	const pins = titles.slice(0, 2).map((t) => claire.page.getByRole('button', { name: new RegExp(`^${t} : à 50 % depuis la gauche et 50 % depuis le haut du plan$`) }));
	await expect(pins[0]!).toBeVisible();
	await expect(pins[1]!).toBeVisible();
	// Read again until both are laid out: the plan redraws its pins when the placing's live update
	// comes back, and a pin being replaced has no box for that moment (boundingBox() gives null).
	await expect
		.poll(async () => {
			const [a, b] = [await pins[0]!.boundingBox(), await pins[1]!.boundingBox()];
			if (!a || !b) return 'not laid out';
			return a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y ? 'apart' : 'overlapping';
		})
		.toBe('apart');

	// A tenant taps a pin: its idea opens.
	const amina = await newSignedInContext(browser, 'amina', { viewport: PHONE });
	await amina.page.goto(`${board}/plan`);
	const pin = amina.page.getByRole('link', { name: new RegExp(`^\\d+\\. ${titles[1]} \\(ouvrir l’idée\\)$`) });
	await pin.tap().catch(() => pin.click());
	await expect(amina.page.getByRole('heading', { level: 1, name: titles[1] })).toBeVisible();
	// The facilitator's pins move by dragging, but a tap opens the idea too.
	await pins[0]!.click();
	await expect(claire.page.getByRole('heading', { level: 1, name: titles[0] })).toBeVisible();
	await amina.page.goto(`${board}/plan`);
	await checkPage(amina.page, 'plan-pins-apart');
	// Take them off again.
	await claire.page.goto(`${board}/plan`);
	for (const t of titles.slice(0, 2)) await claire.page.getByRole('listitem').filter({ hasText: t }).getByRole('button', { name: 'Retirer du plan' }).click();
	await expect(amina.page.getByRole('link', { name: new RegExp(`${titles[0]} \\(ouvrir`) })).toHaveCount(0);
	await claire.context.close();
	await amina.context.close();
});

test('the suggested passphrase is shown whole at 360 px and follows what is typed', async ({ browser }) => {
	const context = await browser.newContext({ viewport: PHONE });
	const page = await context.newPage();
	await page.goto('/join/AVEN-2026');
	const field = page.getByLabel('Votre phrase de passe', { exact: true });
	const whole = page.getByTestId('passphrase-whole');
	const suggestion = await field.inputValue();
	expect(suggestion.split(' ')).toHaveLength(6);
	await expect(whole).toContainText(suggestion);
	// Every word of it is inside the window, none cut off.
	const box = await whole.boundingBox();
	expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
	expect(await field.getAttribute('autocomplete')).toBe('new-password');
	await field.fill('ma phrase à moi bien longue pour tenir');
	await expect(whole).toContainText('ma phrase à moi bien longue pour tenir');
	await checkPage(page, 'join-passphrase');
	await context.close();
});

type Json = Record<string, unknown>;

/** A form action posted as the enhanced form would (JSON answer), by someone the page would not show the button to. */
async function postAction(ctx: APIRequestContext, path: string, form: Record<string, string>): Promise<{ type: string; status?: number }> {
	const res = await ctx.post(path, { form, headers: { accept: 'application/json' } });
	return (await res.json()) as { type: string; status?: number };
}

test('an author edits (“modifié”) and deletes her own comment; a neighbour’s forged requests change nothing', async ({ browser }) => {
	const karim = await newSignedInContext(browser, 'karim', { viewport: PHONE });
	const board = await openBoard(karim.page);
	// An idea no staff member follows: a comment here e-mails nobody (the digest test counts Claire's mail).
	await karim.page.getByRole('link', { name: 'Un coin jeux pour les enfants près du bâtiment C', exact: true }).click();
	await expect(karim.page).toHaveURL(/\/board\/p\//);
	const page = new URL(karim.page.url()).pathname;
	const stamp = Date.now().toString(36);
	await karim.page.getByLabel('Votre commentaire').fill(`Il faudrait un banc à l’ombre ${stamp}`);
	await karim.page.getByRole('button', { name: 'Publier' }).click();
	const mine = karim.page.locator('article.comment', { hasText: stamp });
	await expect(mine).toBeVisible();
	await mine.locator('summary', { hasText: 'Modifier' }).click();
	await mine.getByLabel('Votre commentaire, modifié').fill(`Il faudrait deux bancs à l’ombre ${stamp}`);
	await mine.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(karim.page.getByText('Votre commentaire est modifié.')).toBeVisible();
	await expect(mine).toContainText(`deux bancs à l’ombre ${stamp}`);
	await expect(mine.locator('.by')).toContainText('(modifié)');
	await checkPage(karim.page, 'proposal-comment-edited');

	// Amina sees no edit or delete button on Karim's comment, and her forged posts are refused.
	const amina = await client('amina');
	const commentId = ((await pageData(amina, page)).data.find((d) => 'threads' in d)!.threads as Json[]).find((c) => String(c.body).includes(stamp))!.id as string;
	const view = ((await pageData(amina, page)).data.find((d) => 'threads' in d)!.threads as Json[]).find((c) => c.id === commentId)!;
	expect(view.can).toEqual({ edit: false, delete: false });
	expect(await postAction(amina, `${page}?/editComment`, { commentId, body: 'Piraté' })).toMatchObject({ type: 'failure', status: 403 });
	expect(await postAction(amina, `${page}?/deleteComment`, { commentId })).toMatchObject({ type: 'failure', status: 403 });
	// A facilitator moderates (hides) but does not rewrite a tenant's words either.
	const claire = await client('claire.martin@lmh.demo');
	expect(await postAction(claire, `${page}?/editComment`, { commentId, body: 'Réécrit' })).toMatchObject({ type: 'failure', status: 403 });
	const raw = (await pageData(amina, page)).raw;
	expect(raw).toContain(`deux bancs à l’ombre ${stamp}`);
	expect(raw).not.toContain('Piraté');

	await mine.locator('summary', { hasText: 'Supprimer' }).click();
	await expect(mine.getByText('Supprimer ce commentaire ? Il disparaîtra pour tout le monde')).toBeVisible();
	await mine.getByRole('button', { name: 'Oui, supprimer mon commentaire' }).click();
	await expect(karim.page.getByText('Votre commentaire est supprimé.')).toBeVisible();
	await expect(karim.page.locator('article.comment', { hasText: stamp })).toHaveCount(0);
	expect((await pageData(amina, page)).raw).not.toContain(stamp);
	await karim.page.goto(board);
	await amina.dispose();
	await claire.dispose();
	await karim.context.close();
});

test('an author withdraws her idea after confirming, it leaves neighbours’ boards live, she puts it back; nobody else can, by form or live document', async ({ browser }) => {
	const amina = await newSignedInContext(browser, 'amina');
	const karim = await newSignedInContext(browser, 'karim');
	// Karim's board: Amina's home page also lists her practice residence.
	const board = await openBoard(karim.page);
	await amina.page.goto(board);
	await expect(karim.page.getByTestId('live-status')).toContainText('En direct');
	const title = `Un atelier vélo ${Date.now().toString(36)}`;
	await amina.page.goto(`${board}/new`);
	await amina.page.getByLabel('Votre idée en quelques mots').fill(title);
	await amina.page.getByRole('button', { name: 'Proposer mon idée' }).click();
	await expect(karim.page.getByTestId('column-idea').getByRole('heading', { name: title })).toBeVisible();
	await amina.page.getByRole('link', { name: title, exact: true }).click();
	await expect(amina.page).toHaveURL(/\/board\/p\//);
	const page = new URL(amina.page.url()).pathname;
	const pid = page.split('/').pop()!;

	// Karim may not withdraw it, through the form or by editing its live document once withdrawn.
	const karimHttp = await client('karim');
	expect(await postAction(karimHttp, `${page}?/withdraw`, {})).toMatchObject({ type: 'failure', status: 403 });
	const aminaHttp = await client('amina');
	expect((await joinDescription(aminaHttp, pid)).data?.readOnly).toBe(false);

	// Her own idea's tools are headed as hers, not as moderation.
	await expect(amina.page.getByRole('heading', { name: 'Votre idée', exact: true })).toBeVisible();
	await expect(amina.page.getByRole('heading', { name: 'Modération' })).toHaveCount(0);
	await amina.page.locator('summary', { hasText: 'Retirer mon idée' }).click();
	await expect(amina.page.getByText('Retirer votre idée du tableau ? Elle n’y sera plus visible')).toBeVisible();
	await amina.page.getByRole('button', { name: 'Oui, retirer mon idée' }).click();
	await expect(amina.page.getByTestId('withdrawn')).toContainText('Vous avez retiré cette idée du tableau');
	await expect(karim.page.getByRole('heading', { name: title })).toHaveCount(0);
	await checkPage(amina.page, 'proposal-withdrawn');
	// Withdrawn, it is frozen: no comment, and the live description is read-only even for its author.
	expect(await postAction(karimHttp, `${page}?/comment`, { body: 'Dommage' })).toMatchObject({ type: 'failure', status: 403 });
	expect((await joinDescription(aminaHttp, pid)).data?.readOnly).toBe(true);
	expect(await postAction(karimHttp, `${page}?/restore`, {})).toMatchObject({ type: 'failure', status: 403 });
	const id = await residenceId(karimHttp);
	expect((await pageData(karimHttp, `/r/${id}/board`)).raw).not.toContain(title);

	await amina.page.getByRole('button', { name: 'Remettre mon idée sur le tableau' }).click();
	await expect(amina.page.getByText('Votre idée est de retour sur le tableau.')).toBeVisible();
	await expect(karim.page.getByTestId('column-idea').getByRole('heading', { name: title })).toBeVisible();
	await expect(amina.page.getByRole('list').getByText('Amina B. a retiré l’idée du tableau')).toBeVisible();
	await karimHttp.dispose();
	await aminaHttp.dispose();
	await amina.context.close();
	await karim.context.close();
});

test('staff names carry the staff badge on board cards and on the proposal page', async ({ browser }) => {
	const karim = await newSignedInContext(browser, 'karim');
	await openBoard(karim.page);
	await karim.page.getByRole('link', { name: 'Un jardin partagé au pied du bâtiment B', exact: true }).click();
	const claireComment = karim.page.locator('article.comment', { hasText: 'Claire Martin' }).first();
	await expect(claireComment.locator('.staff-badge')).toBeVisible();
	await expect(karim.page.locator('article.comment', { hasText: 'Josiane L.' }).first().locator('.staff-badge')).toHaveCount(0);
	// The demo's reworded comment says so.
	// (found by its author: an earlier test may have hidden its words, and the mark stays in the byline)
	await expect(karim.page.locator('article.comment', { hasText: 'Josiane L.' }).first().locator('.by')).toContainText('(modifié)');
	// An idea proposed by the facilitator shows the badge on its card.
	const claire = await newSignedInContext(browser, 'claire.martin@lmh.demo');
	const board = await openBoard(claire.page);
	const title = `Devis pour l’éclairage ${Date.now().toString(36)}`;
	await claire.page.goto(`${board}/new`);
	await claire.page.getByLabel('Votre idée en quelques mots').fill(title);
	await claire.page.getByRole('button', { name: 'Proposer mon idée' }).click();
	await karim.page.goto(board);
	await expect(card(karim.page, title).locator('.staff-badge')).toBeVisible();
	await expect(card(karim.page, 'Une grainothèque et une outilthèque dans le local commun').locator('.staff-badge')).toHaveCount(0);
	await checkPage(karim.page, 'board-staff-badge');
	await claire.context.close();
	await karim.context.close();
});
