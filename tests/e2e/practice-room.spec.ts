import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { checkPage, DESKTOP, newSignedInContext, PHONE } from './fixtures';
import { DB_PATH } from './http';
import { join, TRAINER, trainingPage } from './practice-helpers';

/**
 * A practice run of the multi-stakeholder body (issue 13) played in the real meeting room: Julien
 * chairs, Amina is the secretary. They open the meeting, check in, Amina raises her hand and speaks,
 * a motion is put to the vote and Amina votes. Nadia watches the run live on the observer page
 * (reload, no JavaScript needed) and notes an observation; the run's debrief shows the meeting and
 * the observation.
 */

const MOTION = 'Motion : binôme bénévole-salarié le samedi';
const OBSERVATION = 'Amina demande la parole avant le vote : bien.';

function meetingOf(bodyId: string): string {
	const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
	try {
		return (db.prepare('select id from meetings where body_id = ?').get(bodyId) as { id: string }).id;
	} finally {
		db.close();
	}
}

test('trainees hold a meeting in a practice body (check-in, hand raised, motion) while the trainer watches; the debrief shows it', async ({ browser }) => {
	test.setTimeout(240_000);
	const nadia = await newSignedInContext(browser, TRAINER, { viewport: DESKTOP });
	const trainer = nadia.page;
	await trainingPage(trainer);
	await trainer.getByLabel('Scénario', { exact: true }).selectOption({ label: 'Une instance multi-acteurs où les bénévoles doivent être entendus (FR)' });
	await trainer.getByLabel('Nom de la session').fill('Instance e2e');
	await trainer.getByRole('button', { name: 'Lancer' }).click();
	await expect(trainer.getByRole('heading', { level: 1, name: 'Instance e2e' })).toBeVisible();
	const sessionUrl = trainer.url();
	const code = (await trainer.locator('.code').textContent())!.trim();

	// Julien joins first and chairs; Amina is the secretary.
	const julien = await newSignedInContext(browser, 'julien', { viewport: DESKTOP });
	await join(julien.page, code);
	await expect(julien.page.getByRole('heading', { level: 2, name: /Présidente de séance/ })).toBeVisible();
	const amina = await newSignedInContext(browser, 'amina', { viewport: PHONE });
	await join(amina.page, code);
	await expect(amina.page.getByRole('heading', { level: 2, name: /Secrétaire/ })).toBeVisible();
	// Trainees do not get the watch page.
	await expect(julien.page.getByRole('link', { name: 'Observer le tour en direct' })).toHaveCount(0);
	expect((await julien.page.goto(`${sessionUrl}/watch`))?.status()).toBe(403);

	await julien.page.goto(sessionUrl);
	await julien.page.getByRole('link', { name: 'Entrer dans l’instance simulée' }).click();
	await julien.page.waitForURL(/\/b\/[a-z0-9]+$/);
	const body = new URL(julien.page.url()).pathname;
	const room = `${body}/meetings/${meetingOf(body.split('/').pop()!)}/room`;

	// The chair opens the meeting and checks both in; Amina raises her hand on the first item and speaks.
	await julien.page.goto(room);
	await amina.page.goto(room);
	for (const p of [julien.page, amina.page]) await expect(p.getByRole('status').filter({ hasText: 'En direct' })).toBeVisible();
	await julien.page.getByRole('button', { name: 'Ouvrir la séance' }).click();
	await expect(amina.page.getByTestId('meeting-status')).toHaveText('En cours');
	for (const name of ['Julien P.', 'Amina B.']) await julien.page.getByRole('button', { name: `Pointer l’arrivée de ${name}` }).click();
	await julien.page.getByRole('button', { name: 'Point suivant' }).click();
	await expect(amina.page.getByTestId('current-item')).toContainText('Ouverture et quorum');
	await amina.page.getByRole('button', { name: 'Lever la main' }).click();
	await expect(julien.page.getByTestId('queue')).toContainText('Amina B.');

	// The trainer watches: the page shows who is present and whose hand is up; she notes an observation (plain form).
	await trainer.goto(sessionUrl);
	await trainer.getByRole('link', { name: 'Observer le tour en direct' }).click();
	await expect(trainer.getByRole('heading', { level: 1, name: /^Observer/ })).toBeVisible();
	const roomSection = trainer.locator('section').filter({ has: trainer.getByRole('heading', { name: 'La salle de réunion' }) });
	await expect(roomSection).toContainText('Présents (2)');
	await expect(roomSection.getByRole('listitem').filter({ hasText: 'Amina B.' })).toBeVisible();
	await checkPage(trainer, 'practice-watch');
	await trainer.getByLabel('Nouvelle observation').fill(OBSERVATION);
	await trainer.getByRole('button', { name: 'Noter l’observation' }).click();
	await expect(trainer.getByText('Observation notée.')).toBeVisible();
	await expect(trainer.getByText(OBSERVATION).first()).toBeVisible();

	// The chair gives Amina the floor, then moves to the motion and puts it to the vote; Amina votes for.
	await julien.page.getByRole('button', { name: 'Donner la parole au suivant' }).click();
	await expect(amina.page.getByTestId('current-speaker')).toContainText('Amina B.');
	await julien.page.getByRole('button', { name: 'Point suivant' }).click();
	await expect(julien.page.getByTestId('current-item')).toContainText('témoignages des bénévoles');
	await julien.page.getByRole('button', { name: 'Point suivant' }).click();
	await expect(julien.page.getByTestId('current-item')).toContainText(MOTION);
	await julien.page.getByRole('button', { name: 'Mettre au vote' }).click();
	const motion = julien.page.getByTestId('motion').first();
	await expect(motion).toHaveAttribute('data-status', 'open');
	await amina.page.getByTestId('motion').first().getByRole('link', { name: 'Voter' }).click();
	await amina.page.getByRole('radio', { name: 'Pour' }).check();
	await amina.page.getByRole('button', { name: 'Je vote' }).click();
	await expect(amina.page.getByText(/Votre vote est enregistré/)).toBeVisible();
	await motion.getByRole('button', { name: 'Clore le vote' }).click();
	await expect(motion).toHaveAttribute('data-status', 'closed');

	// A reload of the watch page shows what happened since, the closed motion with its count.
	await trainer.reload();
	const votes = trainer.locator('section').filter({ has: trainer.getByRole('heading', { name: 'Les votes' }) });
	await expect(votes.getByRole('heading', { name: MOTION })).toBeVisible();
	await expect(trainer.locator('section').filter({ has: trainer.getByRole('heading', { name: /^Ce qui se passe/ }) })).toContainText('prise de parole');

	// The debrief of run 1: the meeting items, Amina's speech by role, the motion's vote and the observation.
	await trainer.goto(sessionUrl);
	await trainer.getByRole('link', { name: 'Débriefing du tour 1' }).click();
	await expect(trainer.getByRole('heading', { level: 1, name: 'Débriefing du tour 1' })).toBeVisible();
	const speaking = trainer.locator('section').filter({ has: trainer.getByRole('heading', { name: 'Temps de parole par rôle' }) });
	await expect(speaking).toContainText('Secrétaire');
	await expect(trainer.getByRole('heading', { level: 3, name: MOTION })).toBeVisible();
	await expect(trainer.locator('article').filter({ has: trainer.getByRole('heading', { name: MOTION }) }).getByRole('row', { name: /Pour/ })).toContainText('1');
	const timeline = trainer.locator('ol.timeline');
	await expect(timeline.filter({ hasText: 'point de l’ordre du jour' }).first()).toBeVisible();
	await expect(trainer.getByText(OBSERVATION).first()).toBeVisible();
	await checkPage(trainer, 'practice-debrief-meeting');

	await Promise.all([nadia.context.close(), julien.context.close(), amina.context.close()]);
});
