import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import fr from './messages/minutes.fr.json';
import en from './messages/minutes.en.json';

describe('minutes catalogue', () => {
	it('has the same keys in French and English, each a valid ICU message', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
		for (const [locale, messages] of [['fr', fr], ['en', en]] as const)
			for (const [key, message] of Object.entries(messages)) expect(() => new IntlMessageFormat(message, locale), `${locale} ${key}`).not.toThrow();
	});
});
