import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { compileMessage, literal } from './compile';
import { messagesFor } from './index';
import { scanRouteKeys } from './route-keys';

const dir = join(import.meta.dirname, 'messages');
const load = (locale: string) =>
	Object.assign(
		{},
		...readdirSync(dir)
			.filter((f) => f.endsWith(`.${locale}.json`))
			.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
	) as Record<string, string>;
const fr = load('fr');
const en = load('en');
const ar = load('ar');
const { routes } = scanRouteKeys(resolve(import.meta.dirname, '../../..'), Object.keys(fr));

describe('the keys each page is sent (route-keys.ts)', () => {
	it('finds the board’s literal keys, keys built from a prefix, and the root layout’s and error page’s', () => {
		const board = new Set(routes['/r/[id]/board']);
		// Literal keys in the page and its components.
		for (const k of ['board.count', 'board.drag', 'board.dnd.instruction', 'board.live.online', 'notifications.title', 'nav.skip', 'error.title'])
			expect(board, k).toContain(k);
		// `t(\`board.status.${s}\`)`: every status.
		for (const k of Object.keys(fr).filter((key) => key.startsWith('board.status.'))) expect(board).toContain(k);
		// Nothing from pages the board does not import (meetings, minutes).
		expect([...board].some((k) => k.startsWith('meetings.') || k.startsWith('minutes.'))).toBe(false);
	});

	it('follows dynamic imports: the proposal page has the co-editor’s keys, and a 404 has the layout’s', () => {
		expect(routes['/r/[id]/board/p/[pid]']).toContain('collab.readOnly');
		expect(routes['/c/[cid]']?.length).toBeGreaterThan(20);
		expect(routes['']).toContain('error.notFound');
	});
});

describe('what the browser is sent (messagesFor, compile.ts)', () => {
	it('sends each key once, from the catalogue the page is read in, French where Arabic has no text', () => {
		const keys = ['board.title', 'board.count'];
		expect(messagesFor({ locale: 'en', easyRead: false }, keys)).toEqual({ en: { 'board.title': en['board.title'], 'board.count': compileMessage(en['board.count']!) } });
		const frOnly = Object.keys(fr).find((k) => ar[k] === undefined)!;
		const arabic = messagesFor({ locale: 'ar', easyRead: false }, ['board.title', frOnly]);
		expect(Object.keys(arabic.ar ?? {})).toEqual(['board.title']);
		expect(Object.keys(arabic.fr ?? {})).toEqual([frOnly]);
	});

	it('compiles every message so that the browser, without a parser, formats it as the server does', () => {
		for (const [locale, catalogue] of [['fr-FR', fr], ['en-GB', en], ['ar', ar]] as const) {
			for (const [key, text] of Object.entries(catalogue)) {
				const compiled = compileMessage(text);
				if (typeof compiled === 'string') {
					// Plain text: ICU quoting resolved exactly as the formatter resolves it.
					expect(new IntlMessageFormat(literal(compiled), locale).format(), key).toBe(new IntlMessageFormat(text, locale).format());
				} else {
					expect(compiled, key).toEqual(new IntlMessageFormat(text, locale).getAst());
				}
			}
		}
	});
});
