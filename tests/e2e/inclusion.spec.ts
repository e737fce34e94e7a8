import { expect, test, type Browser, type Page } from '@playwright/test';
import { checkPage, newSignedInContext } from './fixtures';
import { client, readable, residenceId, rowCounts } from './http';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser';

// Chromium's fake microphone (a beeping tone) with no permission prompt, and playback without a click
// (for the voice comments); the rest of this file runs the same browser.
test.use({
	launchOptions: {
		executablePath: CHROMIUM_PATH,
		args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required']
	}
});

const GARDEN = 'Un jardin partagé au pied du bâtiment B';

/** The garden idea's page, reached from the home page as a member would. */
async function openGarden(page: Page) {
	await page.goto('/');
	const residence = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	await page.goto(`${residence}/board`);
	await page.getByRole('link', { name: GARDEN, exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: GARDEN })).toBeVisible();
	return page.url();
}

/** Plays an <audio> for real and reports how far it got and how long the browser says it is. */
async function play(page: Page, index: number) {
	return page.getByTestId('voice-comment').nth(index).locator('audio').evaluate(async (audio: HTMLAudioElement) => {
		audio.muted = true;
		await audio.play();
		await new Promise((r) => setTimeout(r, 700));
		audio.pause();
		return { currentTime: audio.currentTime, duration: audio.duration, error: audio.error?.code ?? null };
	});
}

async function voiceContext(browser: Browser, username: string) {
	return newSignedInContext(browser, username);
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

test.describe('language and easy-read, per device and per person', () => {
	test('two devices of one person keep their own language; a new device starts in the account’s', async ({ browser }) => {
		const a = await newSignedInContext(browser, 'josiane');
		const b = await newSignedInContext(browser, 'josiane');
		await expect(heading(a.page)).toHaveText('Bonjour Josiane L.');
		await a.page.getByRole('button', { name: 'English' }).click();
		await expect(heading(a.page)).toHaveText('Hello Josiane L.');
		// The other device was signed in already: it keeps French.
		await b.page.reload();
		await expect(heading(b.page)).toHaveText('Bonjour Josiane L.');
		await expect(b.page.locator('html')).toHaveAttribute('lang', 'fr');
		// A device she signs in on afterwards starts in her account's language.
		const c = await newSignedInContext(browser, 'josiane');
		await expect(heading(c.page)).toHaveText('Hello Josiane L.');
		// Arabic on that device: right to left, and the first device stays in English.
		await c.page.getByRole('button', { name: 'العربية' }).click();
		await expect(c.page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(heading(c.page)).toHaveText('مرحبًا \u2068Josiane L.\u2069');
		await a.page.reload();
		await expect(heading(a.page)).toHaveText('Hello Josiane L.');
		await expect(a.page.locator('html')).toHaveAttribute('dir', 'ltr');
		// Back to French everywhere (the account's default too), so other tests find her in French.
		await c.page.getByRole('button', { name: 'Français' }).click();
		await a.page.getByRole('button', { name: 'Français' }).click();
		await expect(heading(a.page)).toHaveText('Bonjour Josiane L.');
		for (const d of [a, b, c]) await d.context.close();
	});

	test('easy-read French is switched on from the header, on this device only', async ({ browser }) => {
		const a = await newSignedInContext(browser, 'josiane');
		const b = await newSignedInContext(browser, 'josiane');
		const toggle = a.page.getByRole('button', { name: 'Facile à lire' });
		await expect(toggle).toHaveAttribute('aria-pressed', 'false');
		await toggle.click();
		await expect(a.page.getByRole('button', { name: 'Facile à lire' })).toHaveAttribute('aria-pressed', 'true');
		await expect(a.page.locator('html')).toHaveAttribute('data-easy-read', 'true');
		await b.page.reload();
		await expect(b.page.locator('html')).toHaveAttribute('data-easy-read', 'false');
		await a.page.getByRole('button', { name: 'Facile à lire' }).click();
		await expect(a.page.getByRole('button', { name: 'Facile à lire' })).toHaveAttribute('aria-pressed', 'false');
		for (const d of [a, b]) await d.context.close();
	});

	test('a guest switches to Arabic without JavaScript, and the untranslated pages say so', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/');
		await page.getByRole('button', { name: 'العربية' }).click();
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(heading(page)).toHaveText('معًا نحسّن حيّنا');
		await expect(page.getByRole('note')).toHaveCount(0);
		await page.goto('/o/reseau-des-lieux-collectifs-de-proximite');
		await expect(page.getByRole('note')).toHaveText('هذه الصفحة غير مترجمة بعد، لذلك تظهر بالفرنسية.');
		await context.close();
		// The same page with JavaScript (axe needs it), from the cookie the switch left.
		const js = await browser.newContext();
		await js.addCookies([{ name: 'locale', value: 'ar', url: test.info().project.use.baseURL! }]);
		const jsPage = await js.newPage();
		await jsPage.goto('/');
		await checkPage(jsPage, 'inclusion-landing-ar');
		await js.close();
	});
});

test.describe('voice comments', () => {
	test('karim plays the voice comment amina left, with its written summary; a recording made in the browser reaches him too', async ({ browser }) => {
		test.setTimeout(120_000);
		const karim = await voiceContext(browser, 'karim');
		await openGarden(karim.page);
		const section = karim.page.locator('#voice-comments');
		await expect(section.getByRole('heading', { name: 'Commentaires vocaux (1)' })).toBeVisible();
		await expect(section.getByTestId('voice-comment').first()).toContainText('Amina B.');
		await expect(section.getByText('Résumé écrit par l’équipe d’animation')).toBeVisible();
		const seeded = await play(karim.page, 0);
		expect(seeded.error).toBeNull();
		expect(seeded.currentTime).toBeGreaterThan(0.2);
		expect(seeded.duration).toBeGreaterThan(5);

		// Amina records a new one with the (fake) microphone: hold, speak, let go, listen, send.
		const amina = await voiceContext(browser, 'amina');
		const url = await openGarden(amina.page);
		const hold = amina.page.getByRole('button', { name: 'Maintenir pour parler' });
		await hold.scrollIntoViewIfNeeded();
		const box = (await hold.boundingBox())!;
		await amina.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await amina.page.mouse.down();
		await expect(amina.page.getByText(/Enregistrement… \d+ s sur 120 s/)).toBeVisible();
		await amina.page.waitForTimeout(2500);
		await amina.page.mouse.up();
		await expect(amina.page.getByTestId('voice-preview')).toBeVisible();
		await amina.page.getByRole('button', { name: 'Envoyer mon message vocal' }).first().click();
		await expect(amina.page.getByRole('status').filter({ hasText: 'Votre message vocal est envoyé.' })).toBeVisible();
		await expect(amina.page.getByRole('heading', { name: 'Commentaires vocaux (2)' })).toBeVisible();
		await checkPage(amina.page, 'inclusion-voice-proposal');

		await karim.page.goto(url);
		await expect(karim.page.getByRole('heading', { name: 'Commentaires vocaux (2)' })).toBeVisible();
		const recorded = await play(karim.page, 1);
		expect(recorded.error).toBeNull();
		expect(recorded.currentTime).toBeGreaterThan(0.2);
		// The sound as served: WebM, and nothing from the recorder's tool name left in it.
		const src = await karim.page.getByTestId('voice-comment').nth(1).locator('audio').getAttribute('src');
		const res = await karim.page.request.get(src!);
		expect(res.status()).toBe(200);
		expect(res.headers()['content-type']).toBe('audio/webm');
		expect((await res.body()).includes(Buffer.from('Chrome'))).toBe(false);
		// Amina removes her new one.
		amina.page.once('dialog', (d) => void d.accept());
		await amina.page.getByTestId('voice-comment').nth(1).getByRole('button', { name: 'Supprimer ce message vocal' }).click();
		await expect(amina.page.getByRole('heading', { name: 'Commentaires vocaux (1)' })).toBeVisible();
		expect((await karim.page.request.get(src!)).status()).toBe(404);
		await amina.context.close();
		await karim.context.close();
	});

	test('attacks: someone outside the residence neither hears nor posts; a fake file without JavaScript gets a clear message; nothing is stored', async ({ browser }) => {
		const karim = await client('karim');
		const home = await residenceId(karim);
		const board = await (await karim.get(`/r/${home}/board`)).text();
		const proposal = new RegExp(`href="/r/${home}/board/p/([A-Za-z0-9_-]+)"[^>]*>${GARDEN}`).exec(board)?.[1];
		expect(proposal).toBeTruthy();
		const page = await (await karim.get(`/r/${home}/board/p/${proposal}`)).text();
		const sound = /src="(\/voice\/[A-Za-z0-9_-]+)"/.exec(page)?.[1];
		expect(sound).toBeTruthy();
		expect((await karim.get(sound!)).status()).toBe(200);
		const ranged = await karim.get(sound!, { headers: { range: 'bytes=0-99' } });
		expect(ranged.status()).toBe(206);
		expect((await ranged.body()).length).toBe(100);

		const fatou = await client('fatou');
		const guest = await client();
		let before = rowCounts();
		expect((await fatou.get(sound!)).status()).toBe(404);
		expect((await guest.get(sound!)).status()).toBe(404);
		const wav = Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1');
		const upload = await fatou.post('/voice?/post', {
			multipart: { targetType: 'proposal', targetId: proposal!, redirectTo: '/', audio: { name: 'voice.wav', mimeType: 'audio/wav', buffer: wav } }
		});
		expect(upload.status()).toBe(404);
		expect(readable(await upload.text())).toContain('Cette page n’existe pas ou plus.');
		expect(rowCounts()).toEqual(before);

		// Without JavaScript: a text file named like a recording.
		const context = await browser.newContext({ javaScriptEnabled: false });
		const nojs = await context.newPage();
		await nojs.goto('/login');
		await nojs.getByLabel('Adresse e-mail ou identifiant').fill('karim');
		await nojs.getByLabel('Mot de passe ou phrase de passe').fill('demo-demo-2026');
		await nojs.getByRole('button', { name: 'Se connecter' }).click();
		await nojs.goto(`/r/${home}/board/p/${proposal}`);
		before = rowCounts();
		await nojs.getByLabel('Ou choisir un enregistrement (ou enregistrer avec le téléphone)').setInputFiles({ name: 'message.webm', mimeType: 'audio/webm', buffer: Buffer.from('ceci n’est pas un son') });
		await nojs.locator('#voice-comments .file').getByRole('button', { name: 'Envoyer mon message vocal' }).click();
		await expect(nojs.getByRole('alert')).toHaveText('Ce fichier n’est pas un enregistrement audio que nous savons lire (WebM, Ogg, WAV ou M4A). Rien n’a été enregistré.');
		await nojs.getByRole('link', { name: 'Revenir à la page précédente' }).click();
		await expect(nojs.getByRole('heading', { level: 1, name: GARDEN })).toBeVisible();
		expect(rowCounts()).toEqual(before);
		await context.close();
	});
});

test.describe('listen instead of read', () => {
	test('the “listen” button shows only where the browser has a voice for the page’s language, and reads the text in it', async ({ browser }) => {
		// This browser as it is: headless Chromium often has no voice at all; the button follows what it has.
		const plain = await newSignedInContext(browser, 'karim');
		await openGarden(plain.page);
		const hasFrench = await plain.page.evaluate(
			() =>
				new Promise<boolean>((resolve) => {
					const check = () => speechSynthesis.getVoices().some((v) => v.lang.toLowerCase().startsWith('fr'));
					if (check()) resolve(true);
					speechSynthesis.addEventListener('voiceschanged', () => resolve(check()));
					setTimeout(() => resolve(check()), 1500);
				})
		);
		await expect(plain.page.getByTestId('listen')).toHaveCount(hasFrench ? 1 : 0);
		await plain.context.close();

		// A browser with a French voice (and an English one): the button appears and reads in French.
		const voiced = await newSignedInContext(browser, 'karim');
		await voiced.context.addInitScript(() => {
			const voices = [
				{ lang: 'en-GB', name: 'English', localService: true, default: false, voiceURI: 'en' },
				{ lang: 'fr-FR', name: 'Amélie', localService: true, default: true, voiceURI: 'fr' }
			];
			const spoken: { text: string; lang: string }[] = [];
			Object.defineProperty(window, '__spoken', { value: spoken });
			const synth = Object.assign(new EventTarget(), {
				getVoices: () => voices,
				speak: (u: SpeechSynthesisUtterance) => spoken.push({ text: u.text, lang: u.lang }),
				cancel: () => {},
				speaking: false
			});
			Object.defineProperty(window, 'speechSynthesis', { value: synth });
			// The real constructor refuses a voice that is not one of the browser's own.
			class Utterance {
				voice: unknown = null;
				lang = '';
				rate = 1;
				onend: unknown = null;
				onerror: unknown = null;
				constructor(readonly text: string) {}
			}
			Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance });
		});
		await openGarden(voiced.page);
		const listen = voiced.page.getByRole('button', { name: `Écouter : ${GARDEN}` });
		await expect(listen).toBeVisible();
		await listen.click();
		await expect(listen).toHaveAttribute('aria-pressed', 'true');
		const spoken = await voiced.page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken);
		expect(spoken).toHaveLength(1);
		expect(spoken[0]!.lang).toBe('fr-FR');
		expect(spoken[0]!.text).toContain(GARDEN);
		expect(spoken[0]!.text).toContain('récupérateur d’eau de pluie');
		// In Arabic there is no Arabic voice here: the button goes away rather than read French words.
		await voiced.page.getByRole('button', { name: 'العربية' }).click();
		await expect(voiced.page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(voiced.page.getByTestId('listen')).toHaveCount(0);
		await voiced.page.getByRole('button', { name: 'Français' }).click();
		await voiced.context.close();
	});
});
