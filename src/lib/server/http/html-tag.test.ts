import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HTML_TAG, htmlTagFor } from './html-tag';

describe('the opening <html> tag of pages', () => {
	it('is written in src/app.html exactly as the hook looks for it', () => {
		expect(readFileSync('src/app.html', 'utf8')).toContain(DEFAULT_HTML_TAG);
	});

	it('is left as it is for the default reading, and names the language, direction and easy read otherwise', () => {
		expect(htmlTagFor('fr', false)).toBeNull();
		expect(htmlTagFor('fr', true)).toBe('<html lang="fr" dir="ltr" data-easy-read="true">');
		expect(htmlTagFor('en', false)).toBe('<html lang="en" dir="ltr" data-easy-read="false">');
		expect(htmlTagFor('ar', false)).toBe('<html lang="ar" dir="rtl" data-easy-read="false">');
	});
});
