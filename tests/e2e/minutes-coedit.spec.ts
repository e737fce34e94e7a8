import { expect, test, type Page } from '@playwright/test';
import { DESKTOP, newSignedInContext } from './fixtures';
import { io } from 'socket.io-client';
import { BASE_URL, client, lcpCommitteeId } from './http';

/**
 * Minutes drafted live (issue 11): during a meeting the chair names a co-editor; the secretary and
 * the co-editor type into the same section from two browsers and each sees the other's words. Once
 * the secretary submits, the text is frozen: the page shows it read-only and the live document
 * refuses the co-editor (joined read-only; a keystroke from her stale page is not kept).
 */

const CHAIR = 'sophie.leroy@lcp.demo';
const SECRETARY = 'marc.guerin@lcp.demo';
const CO_EDITOR = 'fatou';

const general = (page: Page) => page.getByRole('textbox', { name: 'Généralités' });

test('the secretary and a co-editor draft the minutes together; after submission an edit is refused', async ({ browser }) => {
	test.slow();
	const body = lcpCommitteeId();
	// The chair schedules and opens a meeting (over HTTP: the meeting screens have their own tests).
	const chairApi = await client(CHAIR);
	const scheduled = await chairApi.post(`/b/${body}/meetings?/schedule`, { form: { title: 'Comité de rédaction e2e', startsAt: `${new Date().toISOString().slice(0, 10)}T18:00`, durationMin: '60', place: '', description: '' } });
	expect(scheduled.status()).toBe(303);
	const meetingPath = scheduled.headers()['location']!;
	expect((await chairApi.post(`${meetingPath}/room?/open`, { form: {} })).status()).toBeLessThan(400);
	const minutesUrl = `${meetingPath}/minutes`;

	// The chair names Fatou co-editor on the minutes page.
	const chair = await newSignedInContext(browser, CHAIR, { viewport: DESKTOP });
	await chair.page.goto(minutesUrl);
	await chair.page.getByLabel('Nommer un co-rédacteur').selectOption({ label: 'Fatou S.' });
	await chair.page.getByRole('button', { name: 'Nommer', exact: true }).click();
	await expect(chair.page.getByTestId('co-editors')).toContainText('Fatou S.');

	// A member who does not write them reads that the minutes are written by others (the note spoke of
	// an idea's author), and that a part is empty rather than an empty box; the words come live.
	const reader = await newSignedInContext(browser, 'elise.morel@nantes.demo', { viewport: DESKTOP });
	await reader.page.goto(minutesUrl);
	await expect(reader.page.getByText('Lecture seule\u00a0: le procès-verbal est rédigé par le ou la secrétaire, la présidence et les co-rédacteurs nommés.').first()).toBeVisible();
	await expect(reader.page.getByText(/l’idée/)).toHaveCount(0);
	const generalSection = reader.page.locator('section', { has: reader.page.getByRole('heading', { name: 'Généralités' }) });
	await expect(generalSection.getByText('Rien d’écrit dans cette partie pour l’instant.')).toBeVisible();

	const secretary = await newSignedInContext(browser, SECRETARY, { viewport: DESKTOP });
	const coEditor = await newSignedInContext(browser, CO_EDITOR, { viewport: DESKTOP });
	for (const { page } of [secretary, coEditor]) {
		await page.goto(minutesUrl);
		await expect(general(page)).toHaveAttribute('aria-readonly', 'false');
	}
	// Each types in the same section; each sees the other's words.
	await general(secretary.page).click();
	await secretary.page.keyboard.type('Séance ouverte à 18 h par la présidente.');
	await expect(general(coEditor.page)).toContainText('Séance ouverte à 18 h par la présidente.');
	await general(coEditor.page).click();
	await coEditor.page.keyboard.press('Control+End');
	await coEditor.page.keyboard.type(' Fatou note les présents.');
	await expect(general(secretary.page)).toContainText('Fatou note les présents.');
	// (The other's caret shows with their name inside the text box, so each part is checked on its own.)
	await expect(general(coEditor.page)).toContainText('Fatou note les présents.');
	await expect(general(secretary.page)).toContainText('Séance ouverte à 18 h par la présidente.');
	await expect(general(reader.page)).toContainText('Séance ouverte à 18 h par la présidente.');
	await expect(generalSection.getByText('Rien d’écrit dans cette partie pour l’instant.')).toHaveCount(0);

	// The meeting closes; the secretary submits the draft without an amendment window.
	expect((await chairApi.post(`${meetingPath}/room?/close`, { form: {} })).status()).toBeLessThan(400);
	await secretary.page.reload();
	await secretary.page.getByLabel('Période d’amendement (jours)').fill('0');
	await secretary.page.getByRole('button', { name: 'Soumettre aux participants' }).click();
	await expect(secretary.page.getByTestId('minutes-status')).toHaveText('Soumis, en attente d’adoption');
	await expect(secretary.page.getByTestId('minutes-text')).toContainText('Séance ouverte à 18 h par la présidente. Fatou note les présents.');

	// The co-editor's live document is read-only now: joining says so, and an update is refused.
	const cookie = (await coEditor.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
	const socket = io(BASE_URL, { extraHeaders: { cookie, origin: BASE_URL }, transports: ['websocket'], forceNew: true, reconnection: false });
	try {
		const doc = `minutes:${meetingPath.split('/').at(-1)}:general`;
		const joined = await socket.timeout(10_000).emitWithAck('collab.join', { doc });
		expect(joined).toMatchObject({ ok: true, data: { readOnly: true } });
	} finally {
		socket.disconnect();
	}
	// Whatever her stale page still sends is not kept: a fresh load shows the submitted text only.
	await coEditor.page.keyboard.type(' Ajout après soumission.');
	await coEditor.page.goto(minutesUrl);
	await expect(coEditor.page.getByTestId('minutes-text')).toContainText('Fatou note les présents.');
	await expect(coEditor.page.getByTestId('minutes-text')).not.toContainText('Ajout après soumission');
	await expect(coEditor.page.getByRole('textbox', { name: 'Généralités' })).toHaveCount(0);

	for (const c of [chair, secretary, coEditor, reader]) await c.context.close();
	await chairApi.dispose();
});
