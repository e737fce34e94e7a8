import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { createI18n, localeFromAcceptLanguage } from './index';

const dir = join(import.meta.dirname, 'messages');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (locale: string) =>
	Object.assign({}, ...files.filter((f) => f.endsWith(`.${locale}.json`)).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))) as Record<string, string>;
const fr = load('fr');
const en = load('en');

function argumentsOf(elements: MessageFormatElement[], out = new Set<string>()): Set<string> {
	for (const el of elements) {
		if (el.type !== TYPE.literal && el.type !== TYPE.pound && 'value' in el) out.add(String(el.value));
		if ('options' in el) for (const option of Object.values(el.options)) argumentsOf(option.value, out);
	}
	return out;
}

describe('i18n catalogues', () => {
	it('have the same keys in French and English', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
	});

	it('use the same ICU arguments in both languages, and every message parses', () => {
		for (const key of Object.keys(fr)) {
			const a = [...argumentsOf(parse(fr[key]!))].sort();
			const b = [...argumentsOf(parse(en[key]!))].sort();
			expect(b, key).toEqual(a);
		}
	});

	it('cover every key the code uses', () => {
		const used = new Set<string>();
		const walk = (d: string) => {
			for (const entry of readdirSync(d, { withFileTypes: true })) {
				const p = join(d, entry.name);
				if (entry.isDirectory()) walk(p);
				else if (/\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
					for (const m of readFileSync(p, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
			}
		};
		walk(join(import.meta.dirname, '..', '..'));
		const missing = [...used].filter((k) => !(k in fr));
		expect(missing).toEqual([]);
	});

	it('follow French typography: no plain space before : ; ? !', () => {
		const bad = Object.entries(fr).filter(([, v]) => / [:;?!]/.test(v));
		expect(bad).toEqual([]);
	});

	it('format plurals, numbers and dates per locale', () => {
		const f = createI18n('fr');
		const e = createI18n('en');
		expect(f.t('residence.dwellings', { count: 1 })).toBe('1 logement');
		expect(f.t('residence.dwellings', { count: 120 })).toBe('120 logements');
		expect(e.t('residence.dwellings', { count: 1 })).toBe('1 dwelling');
		expect(f.money(1200)).toBe('1\u202f200\u00a0€');
		expect(f.date(new Date(Date.UTC(2026, 10, 22, 12)))).toBe('22 nov. 2026');
		expect(e.date(new Date(Date.UTC(2026, 10, 22, 12)))).toBe('22 Nov 2026');
	});

	it('picks the first supported language of Accept-Language', () => {
		expect(localeFromAcceptLanguage('de-DE,en;q=0.8,fr;q=0.5')).toBe('en');
		expect(localeFromAcceptLanguage('fr-FR,fr;q=0.9')).toBe('fr');
		expect(localeFromAcceptLanguage('de-DE')).toBeNull();
		expect(localeFromAcceptLanguage(undefined)).toBeNull();
	});
});
