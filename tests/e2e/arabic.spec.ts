import { expect, test, type Page } from '@playwright/test';
import { checkPage, newSignedInContext, PHONE } from './fixtures';

// The tenant journeys in Arabic, right to left: the board, an idea, the votes and a result, at 360 and
// 1280 px (axe, no horizontal overflow; screenshots in test-results/screens/arabic-* with E2E_SCREENS=1). The language is
// set by this device's cookie only, so Amina's account keeps French for the other specs.

const GARDEN = 'Un jardin partagé au pied du bâtiment B';

async function inArabic(page: Page) {
	await page.context().addCookies([{ name: 'locale', value: 'ar', url: test.info().project.use.baseURL! }]);
	await page.goto('/');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
	return (await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href'))!;
}

/** A page fully written in Arabic: right to left, no "not translated" notice, axe clean at both widths. */
async function arabicPage(page: Page, name: string) {
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('note').filter({ hasText: 'غير مترجمة' })).toHaveCount(0);
	await checkPage(page, `arabic-${name}`);
}

test.describe('Arabic, right to left, on the tenant journeys', () => {
	// Each page is checked with axe at two widths: generous on a busy machine, not a timing goal.
	test.beforeEach(() => test.setTimeout(180_000));

	test('the board and an idea', async ({ browser }) => {
		const { context, page } = await newSignedInContext(browser, 'amina', { viewport: PHONE });
		const residence = await inArabic(page);
		await page.goto(`${residence}/board`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^لوحة الأفكار/);
		await expect(page.getByRole('link', { name: 'اقتراح فكرة' })).toBeVisible();
		await arabicPage(page, 'board');

		// At 1280 px every column shows; user text keeps its own direction inside the Arabic layout.
		await page.getByRole('link', { name: GARDEN, exact: true }).click();
		await expect(page.getByRole('heading', { level: 1, name: GARDEN })).toBeVisible();
		await expect(page.getByRole('heading', { name: 'التعليقات' })).toBeVisible();
		await arabicPage(page, 'idea');

		await page.goto(`${residence}/board/new`);
		await expect(page.getByRole('heading', { level: 1, name: 'اقتراح فكرة' })).toBeVisible();
		await arabicPage(page, 'propose');
		await context.close();
	});

	test('the votes: a graded vote, a ranking and a result', async ({ browser }) => {
		const { context, page } = await newSignedInContext(browser, 'amina', { viewport: PHONE });
		const residence = await inArabic(page);
		await page.goto(`${residence}/consultations`);
		await expect(page.getByRole('heading', { level: 1, name: 'التصويتات والاستشارات' })).toBeVisible();
		await arabicPage(page, 'votes');

		await page.setViewportSize(PHONE);
		await page.getByRole('link', { name: /Quel banc devant l’entrée du bâtiment A/ }).first().click();
		await expect(page.getByRole('heading', { level: 1, name: /Quel banc/ })).toBeVisible();
		await expect(page.getByText('الحكم بالأغلبية').first()).toBeVisible();
		await arabicPage(page, 'vote-grades');

		await page.goto(`${residence}/consultations`);
		await page.getByRole('link', { name: /Priorités 2027/ }).first().click();
		await expect(page.getByRole('heading', { level: 1, name: /Priorités 2027/ })).toBeVisible();
		await expect(page.getByText('ترتيب (طريقة شولتسه)').first()).toBeVisible();
		await arabicPage(page, 'vote-ranking');
		// The ranking still works right to left: rank two answers, then take the first one out again.
		await page.setViewportSize(PHONE);
		await expect(page.getByText('لا شيء مرتّب بعد.')).toBeVisible();
		await page.getByRole('button', { name: /في المرتبة 1$/ }).first().click();
		await page.getByRole('button', { name: /في المرتبة 2$/ }).first().click();
		await expect(page.getByText('لا شيء مرتّب بعد.')).toHaveCount(0);
		await expect(page.getByRole('button', { name: /^إخراج «.*» من الترتيب$/ })).toHaveCount(2);
		await page.getByRole('button', { name: /^إخراج «.*» من الترتيب$/ }).first().click();
		await expect(page.getByRole('button', { name: /^إخراج «.*» من الترتيب$/ })).toHaveCount(1);

		await page.goto(`${residence}/consultations`);
		await page.getByRole('link', { name: /Fête des voisins/ }).first().click();
		await expect(page.getByText('هذا التصويت مغلق.')).toBeVisible();
		await page.getByRole('link', { name: 'رؤية النتائج' }).click();
		await expect(page.getByRole('heading', { name: 'النتائج' }).first()).toBeVisible();
		await arabicPage(page, 'vote-results');

		await page.goto('/notifications');
		await expect(page.getByRole('heading', { level: 1, name: 'الإشعارات' })).toBeVisible();
		await arabicPage(page, 'notifications');
		await context.close();
	});
});
