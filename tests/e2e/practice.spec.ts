import { expect, test } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext } from './fixtures';
import { join, TRAINER, trainingPage } from './practice-helpers';

/**
 * A practice session of the community-organisation training (issue 13): Nadia starts L'Aventurière
 * from the shipped scenario, Julien and Amina join with the code and read only their own brief,
 * play on the real board and vote; Nadia pauses (read-only for all), resets and reads the debrief.
 */

const BRIEF_A = 'Vous habitez au bâtiment A depuis douze ans';
const BRIEF_B = 'Vous habitez au bâtiment B avec vos deux enfants';
const AGENT = 'Vous animez cette première réunion';

test('a trainer runs a shipped scenario with two trainees: roles, private briefs, board, vote, pause, reset, debrief', async ({ browser }) => {
	test.setTimeout(180_000);
	const nadia = await newSignedInContext(browser, TRAINER, { viewport: DESKTOP });
	const trainer = nadia.page;
	await trainingPage(trainer);
	await checkPage(trainer, 'practice-training');
	await trainer.getByLabel('Scénario', { exact: true }).selectOption({ label: 'L’Aventurière : une première réunion au pied de l’immeuble (FR)' });
	await trainer.getByLabel('Nom de la session').fill('Groupe e2e');
	await trainer.getByRole('button', { name: 'Lancer' }).click();
	await expect(trainer.getByRole('heading', { level: 1, name: 'Groupe e2e' })).toBeVisible();
	const sessionUrl = trainer.url();
	const code = (await trainer.locator('.code').textContent())!.trim();
	expect(code).toMatch(/^PRA-[A-Z2-9]{6}$/);

	// Two trainees join with the code; each reads their own brief, never the other's.
	const julien = await newSignedInContext(browser, 'julien', { viewport: DESKTOP });
	await join(julien.page, code.toLowerCase());
	await expect(julien.page.getByText(BRIEF_A)).toBeVisible();
	await expect(julien.page.getByText(BRIEF_B)).toHaveCount(0);
	const amina = await newSignedInContext(browser, 'amina', { viewport: DESKTOP });
	await join(amina.page, code);
	await expect(amina.page.getByText(BRIEF_B)).toBeVisible();
	await expect(amina.page.getByText(BRIEF_A)).toHaveCount(0);
	await checkPage(amina.page, 'practice-session-trainee');

	// The trainer makes Julien the agency's facilitator for this run (no-JS form), so he can open the vote.
	await trainer.reload();
	await trainer.getByLabel('Rôle de Julien P.').selectOption({ label: 'Chargée de développement social de l’agence' });
	await trainer.getByRole('button', { name: 'Attribuer – Julien P.' }).click();
	await expect(trainer.getByText('Rôle attribué.')).toBeVisible();
	await checkPage(trainer, 'practice-session-trainer');
	await julien.page.reload();
	await expect(julien.page.getByText(AGENT)).toBeVisible();
	await expect(julien.page.getByText(BRIEF_A)).toHaveCount(0);

	// The real board of the simulated residence: Julien proposes, then opens the prepared vote.
	await julien.page.getByRole('link', { name: 'Entrer dans la résidence simulée' }).click();
	await julien.page.waitForURL(/\/r\/[a-z0-9]+$/);
	const residence = new URL(julien.page.url()).pathname;
	expect(residence).toMatch(/^\/r\/[a-z0-9]+$/);
	await julien.page.goto(`${residence}/board/new`);
	await julien.page.getByLabel('Votre idée en quelques mots').fill('Une boîte à livres dans le hall');
	await julien.page.getByRole('button', { name: 'Proposer mon idée' }).click();
	await expect(julien.page.getByText('Merci ! Votre idée est sur le tableau.')).toBeVisible();
	await julien.page.goto(`${residence}/consultations`);
	await julien.page.getByRole('link', { name: /Quelle première action mener ensemble/ }).first().click();
	await julien.page.waitForURL(/\/c\/[a-z0-9]+/);
	const vote = new URL(julien.page.url()).pathname.replace(/\/manage$/, '');
	await julien.page.goto(`${vote}/manage`);
	await julien.page.getByRole('button', { name: 'Ouvrir le vote' }).click();
	await expect(julien.page.getByText('Le vote est ouvert.')).toBeVisible();

	// Amina votes.
	await amina.page.goto(vote);
	await amina.page.getByRole('radio', { name: /Le jardin partagé/ }).check();
	await amina.page.getByRole('button', { name: 'Je vote' }).click();
	await expect(amina.page.getByText(/Votre vote est enregistré/)).toBeVisible();

	// Pause: read-only for everyone, through the ordinary form.
	await trainer.goto(sessionUrl);
	await trainer.getByRole('button', { name: 'Mettre en pause' }).click();
	await expect(trainer.getByText('Session en pause.')).toBeVisible();
	// The propose page itself says why (the form action refuses too: see the service tests).
	await amina.page.goto(`${residence}/board/new`);
	await expect(amina.page.getByText(/en pause ou terminée/)).toBeVisible();
	// Reading still works.
	await amina.page.goto(`${residence}/board`);
	await expect(amina.page.getByText('Une boîte à livres dans le hall').first()).toBeVisible();

	// Reset with a vote open: the trainer must confirm; the first run stays for the debrief.
	await trainer.getByRole('button', { name: 'Recommencer depuis le départ' }).click();
	await expect(trainer.getByText(/Un vote est ouvert dans ce tour/)).toBeVisible();
	await trainer.getByRole('checkbox', { name: /je recommence quand même/ }).check();
	await trainer.getByRole('button', { name: 'Recommencer depuis le départ' }).click();
	await expect(trainer.getByText('Nouveau tour, depuis l’état de départ.')).toBeVisible();
	await expect(trainer.getByText('Tour 2', { exact: true })).toBeVisible();

	// Debrief of run 1.
	await trainer.getByRole('link', { name: 'Débriefing du tour 1' }).click();
	await expect(trainer.getByRole('heading', { level: 1, name: 'Débriefing du tour 1' })).toBeVisible();
	await expect(trainer.getByRole('listitem').filter({ hasText: 'Une boîte à livres dans le hall' }).first()).toBeVisible();
	await expect(trainer.getByRole('row', { name: /Le jardin partagé/ })).toContainText('1');
	await trainer.getByLabel('Votre commentaire pour Amina B.').fill('Vote clair, bravo.');
	await trainer.getByRole('button', { name: 'Enregistrer le commentaire – Amina B.' }).click();
	await expect(trainer.getByText('C’est enregistré.')).toBeVisible();
	await checkPage(trainer, 'practice-debrief');
	const csv = await trainer.request.get(`${new URL(trainer.url()).pathname}/debrief.csv`);
	expect(csv.status()).toBe(200);
	expect(await csv.text()).toContain('Idées proposées');

	// Amina writes her reflection and sees her progress.
	// Typed at once, as a tenant would: what she types before the page is hydrated is kept (keep-typed.ts).
	await amina.page.goto(trainer.url());
	await amina.page.getByLabel('Votre réflexion').fill('J’aurais dû demander l’avis du gardien.');
	await amina.page.getByRole('button', { name: 'Enregistrer ma réflexion' }).click();
	await expect(amina.page.getByText('C’est enregistré.')).toBeVisible();
	await trainingPage(amina.page);
	await amina.page.getByRole('link', { name: 'Mon parcours' }).click();
	await expect(amina.page.getByText('J’aurais dû demander l’avis du gardien.')).toBeVisible();
	await expect(amina.page.getByText('Vote clair, bravo.')).toBeVisible();
	await checkPage(amina.page, 'practice-progress');

	// The scenario page (shipped: read-only, can be duplicated).
	await trainingPage(trainer);
	await trainer.getByRole('link', { name: 'Une instance multi-acteurs où les bénévoles doivent être entendus', exact: true }).click();
	await expect(trainer.getByRole('heading', { level: 2, name: 'Rôles et consignes' })).toBeVisible();
	await checkPage(trainer, 'practice-scenario');

	await Promise.all([nadia.context.close(), julien.context.close(), amina.context.close()]);
});
