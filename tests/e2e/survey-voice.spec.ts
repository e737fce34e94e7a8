import { expect, test, type Browser, type Page } from '@playwright/test';
import { checkPage, DESKTOP, newSignedInContext, PHONE, screenshot } from './fixtures';
import { wavSample } from '../../src/lib/server/uploads/audio-samples';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser';

/**
 * Answers said out loud to a survey (issue 16): a tenant records one with the (fake) microphone through
 * a one-time link, another sends a file without JavaScript; bad files and a spent link get a clear
 * message; the facilitator hears them with the results only once 5 people have answered.
 */
test.use({
	launchOptions: {
		executablePath: CHROMIUM_PATH,
		args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required']
	}
});

const STAFF = 'claire.martin@lmh.demo';
const TITLE = 'Votre avis à voix haute';
const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** Picks an answer for each pictogram question (the last choice of each group). */
async function answerAll(page: Page) {
	for (const group of await page.locator('fieldset.question:not(.voice)').all()) await group.locator('label.choice').last().click();
}

async function noJs(browser: Browser) {
	const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
	return { context, page: await context.newPage() };
}

test('a tenant answers out loud through a one-time link; the facilitator hears it with the results once 5 have answered', async ({ browser }) => {
	test.setTimeout(240_000);
	// Claire makes a survey that ends with a question said out loud, and six links.
	const staff = await newSignedInContext(browser, STAFF, { viewport: DESKTOP });
	await staff.page.goto('/');
	const residence = await staff.page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	await staff.page.goto(`/surveys/residence/${residence!.split('/').pop()}`);
	await staff.page.getByLabel('Titre').fill(TITLE);
	await staff.page.getByLabel('Modèle').selectOption({ label: 'Bien-être dans la résidence' });
	await staff.page.getByLabel('Dernier jour pour répondre').fill(inAMonth());
	await staff.page.getByLabel('Finir par une question ouverte, à dire à voix haute').check();
	await staff.page.getByRole('button', { name: 'Créer l’enquête' }).click();
	await expect(staff.page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
	const surveyUrl = staff.page.url();
	await staff.page.getByLabel('Nombre de liens').fill('6');
	await staff.page.getByRole('button', { name: 'Créer les liens' }).click();
	const links = await staff.page.locator('.ticket .url a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
	expect(links).toHaveLength(6);

	// A tenant on a phone, with JavaScript: answers, holds the button and speaks, listens back, sends.
	const phone = await browser.newContext({ viewport: PHONE });
	const tenant = await phone.newPage();
	await tenant.goto(links[0]!);
	await expect(tenant.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
	await expect(tenant.getByRole('group', { name: /Autre chose à dire/ })).toBeVisible();
	// The hold button appears once the page is hydrated: answering before that, hydration would reset the choices.
	const hold = tenant.getByRole('button', { name: 'Maintenir pour parler' });
	await expect(hold).toBeVisible();
	await answerAll(tenant);
	await hold.scrollIntoViewIfNeeded();
	const box = (await hold.boundingBox())!;
	await tenant.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await tenant.mouse.down();
	await expect(tenant.getByText(/Enregistrement… \d+ s sur 120 s/)).toBeVisible();
	await tenant.waitForTimeout(2500);
	await tenant.mouse.up();
	await expect(tenant.getByTestId('voice-preview')).toBeVisible();
	await checkPage(tenant, 'survey-voice-answer');
	await tenant.getByRole('button', { name: 'Envoyer mes réponses' }).click();
	await expect(tenant).toHaveURL(/\/q\/thanks$/);
	// The link is spent.
	await tenant.goto(links[0]!);
	await expect(tenant.getByText(/Ce lien a déjà servi/)).toBeVisible();
	await phone.close();

	// Without JavaScript: a file that only claims to be a recording is refused, the link still works; then a real one.
	const plain = await noJs(browser);
	await plain.page.goto(links[1]!);
	await answerAll(plain.page);
	await plain.page.getByLabel('Ou choisir un enregistrement (ou enregistrer avec le téléphone)').setInputFiles({ name: 'message.webm', mimeType: 'audio/webm', buffer: Buffer.from('<html>pas un son</html>') });
	await plain.page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
	await expect(plain.page.getByRole('alert')).toHaveText('Ce fichier n’est pas un enregistrement audio que nous savons lire (WebM, Ogg, WAV ou M4A). Rien n’a été enregistré.');
	await screenshot(plain.page, 'survey-voice-refused-nojs-360');
	// Too long (2 min 10 s): refused the same way.
	await answerAll(plain.page);
	await plain.page.getByLabel('Ou choisir un enregistrement (ou enregistrer avec le téléphone)').setInputFiles({ name: 'long.wav', mimeType: 'audio/wav', buffer: Buffer.from(wavSample(130)) });
	await plain.page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
	await expect(plain.page.getByRole('alert')).toHaveText(/^Cet enregistrement est trop long\s: 2 minutes au plus\. Rien n’a été enregistré\.$/);
	await answerAll(plain.page);
	await plain.page.getByLabel('Ou choisir un enregistrement (ou enregistrer avec le téléphone)').setInputFiles({ name: 'telephone.wav', mimeType: 'audio/wav', buffer: Buffer.from(wavSample(2)) });
	await plain.page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
	await expect(plain.page).toHaveURL(/\/q\/thanks$/);
	// Two more answers without a recording: four respondents.
	for (const link of links.slice(2, 4)) {
		await plain.page.goto(link);
		await answerAll(plain.page);
		await plain.page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
		await expect(plain.page).toHaveURL(/\/q\/thanks$/);
	}

	// Four respondents: the facilitator hears nothing yet, and is not told how many recordings wait.
	await staff.page.goto(surveyUrl);
	await staff.page.getByRole('link', { name: 'Écouter les réponses à voix haute' }).click();
	await expect(staff.page.getByRole('heading', { level: 1, name: new RegExp(`^Réponses à voix haute\\s: ${TITLE}$`) })).toBeVisible();
	await expect(staff.page.getByText(/^Moins de 5 personnes ont répondu\s:/)).toBeVisible();
	await expect(staff.page.getByTestId('survey-voice')).toHaveCount(0);
	await expect(staff.page.locator('audio')).toHaveCount(0);
	const voicesUrl = staff.page.url();

	// The fifth answer: now the two recordings are there, and play.
	await plain.page.goto(links[4]!);
	await answerAll(plain.page);
	await plain.page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
	await expect(plain.page).toHaveURL(/\/q\/thanks$/);
	await plain.context.close();

	await staff.page.reload();
	await expect(staff.page.getByText('2 messages vocaux pour 5 réponses')).toBeVisible();
	const items = staff.page.getByTestId('survey-voice');
	await expect(items).toHaveCount(2);
	for (let i = 0; i < 2; i++) {
		const played = await items.nth(i).locator('audio').evaluate(async (audio: HTMLAudioElement) => {
			audio.muted = true;
			await audio.play();
			await new Promise((r) => setTimeout(r, 700));
			audio.pause();
			return { currentTime: audio.currentTime, error: audio.error?.code ?? null };
		});
		expect(played.error).toBeNull();
		expect(played.currentTime).toBeGreaterThan(0.2);
	}
	// A written summary, marked as the team's.
	await items.nth(0).getByText('Résumé et suppression').click();
	await items.nth(0).getByLabel('Résumé écrit (500 caractères au plus)').fill('Demande un banc près de l’entrée.');
	await items.nth(0).getByRole('button', { name: 'Enregistrer le résumé' }).click();
	await expect(staff.page.getByRole('status').filter({ hasText: 'Le résumé est enregistré.' })).toBeVisible();
	await expect(items.nth(0).getByText('Résumé écrit par l’équipe d’animation')).toBeVisible();
	await checkPage(staff.page, 'survey-voice-results');

	// A tenant of the residence does not see the results, so hears nothing.
	const amina = await newSignedInContext(browser, 'amina');
	const refused = await amina.page.goto(voicesUrl);
	expect(refused!.status()).toBe(403);
	const src = await items.nth(0).locator('audio').getAttribute('src');
	expect((await amina.page.request.get(src!)).status()).toBe(403);
	expect((await staff.page.request.get(src!)).status()).toBe(200);
	await amina.context.close();
	await staff.context.close();
});
