import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepSerialisation, keptEntry } from '$lib/kept-serialisation';
import { messagesFor } from '$lib/i18n';
import { keepInUneval } from './uneval-keep';

type Uneval = (value: unknown, replacer?: (thing: unknown) => string | void) => string;

/**
 * The server's build makes devalue's `uneval` reuse what it wrote for a registered value
 * (src/build/uneval-keep.ts). Here devalue's own source goes through the same transform, next to an
 * untouched copy: a page's data must come out as it did, and the kept text must be what is used.
 */
describe('devalue uneval with kept values (serverUnevalKeep)', () => {
	// devalue's entry is index.js beside src/ (its exports leave package.json out).
	const source = join(dirname(createRequire(import.meta.url).resolve('devalue')), 'src');
	let dir: string;
	let kept: Uneval;
	let plain: Uneval;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'tib-uneval-'));
		cpSync(source, join(dir, 'plain'), { recursive: true });
		cpSync(source, join(dir, 'kept'), { recursive: true });
		const file = join(dir, 'kept', 'uneval.js');
		writeFileSync(file, keepInUneval(readFileSync(file, 'utf8')));
		kept = ((await import(pathToFileURL(file).href)) as { uneval: Uneval }).uneval;
		plain = ((await import(pathToFileURL(join(dir, 'plain', 'uneval.js')).href)) as { uneval: Uneval }).uneval;
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	const texts = () => ({
		fr: {
			'board.card.by': [{ type: 0, value: 'par ' }, { type: 1, value: 'name' }],
			'app.name': 'Tableau des initiatives',
			'board.dnd.started': 'Carte « </script><!-- » prise\u2028'
		}
	});

	it('writes a page with kept texts exactly as devalue does, however often', () => {
		const messages = keepSerialisation(texts());
		const page = () => ({ type: 'data', data: { locale: 'fr', messages, cards: [['a', 'Des bancs', 1]] } });
		const expected = plain(page());
		for (let i = 0; i < 3; i++) expect(kept(page())).toBe(expected);
		expect(expected).not.toContain('</script');
	});

	it('writes a kept value met twice in both places, the same data once evaluated', () => {
		const messages = keepSerialisation(texts());
		const page = { locale: 'fr', messages, again: messages };
		const out = kept(page);
		expect(out.split('Tableau des initiatives').length).toBe(3);
		expect(new Function(`return ${out}`)()).toEqual(page);
	});

	it('puts the kept text in place from the second page on', () => {
		const messages = keepSerialisation(texts());
		kept({ messages });
		expect(keptEntry(messages)?.js).toBe(plain(texts()));
		keptEntry(messages)!.js = '"the kept text"';
		expect(kept({ locale: 'fr', messages })).toBe('{locale:"fr",messages:"the kept text"}');
	});

	it('leaves values that were not registered, and SvelteKit’s replacer, as they were', () => {
		const value = { cards: [texts()], at: new Date(0) };
		expect(kept(value)).toBe(plain(value));
		const replacer = (thing: unknown) => (thing instanceof Date ? 'app.decode("Date", 0)' : undefined);
		expect(kept(value, replacer)).toBe(plain(value, replacer));
	});

	it('freezes what it keeps, so that the text cannot go stale', () => {
		const messages = keepSerialisation(texts());
		expect(() => {
			(messages.fr as Record<string, unknown>)['app.name'] = 'changed';
		}).toThrow(TypeError);
		expect(Object.isFrozen(messages.fr['board.card.by'][0])).toBe(true);
	});

	it('is what the layout sends: the texts of a route are registered', () => {
		const messages = messagesFor({ locale: 'fr', easyRead: false }, ['app.name', 'board.card.by']);
		expect(keptEntry(messages)).toBeDefined();
		expect(Object.isFrozen(messages)).toBe(true);
	});

	it('refuses a devalue whose walk changed (an upgrade), so that the build says so', () => {
		expect(() => keepInUneval('export function uneval() {}')).toThrow(/devalue upgraded/);
	});
});
