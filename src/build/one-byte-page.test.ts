import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { render } from 'svelte/server';
import { parseAst } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OneByte from './fixtures/one-byte.svelte';
import { oneByteDevalue, oneByteEscaping, oneByteTemplates, oneByteUneval } from './one-byte-page';

/** Whether V8 stores `s` one byte per character (its serialiser tags such a string '"', a two-byte one 'c'). */
function oneByte(s: string): boolean {
	const bytes = serialize(s);
	let i = 2;
	while (bytes[i] === 0) i++;
	return bytes[i] === 0x22;
}

/** What a browser reads back from the HTML text or attribute value (the references escape_html writes). */
const decoded = (html: string) =>
	html.replace(/&#(\d+);|&amp;|&lt;|&quot;/g, (ref, code?: string) => (code ? String.fromCodePoint(Number(code)) : ref === '&amp;' ? '&' : ref === '&lt;' ? '<' : '"'));

const arabic = 'اقترح السكان مقاعد قرب الملعب';
const french = 'Des bancs à l’ombre — 8\u202f000 € 👍';

/**
 * The server's build writes its pages one byte per character (src/build/one-byte-page.ts): Svelte's
 * escape_html and devalue's strings name the characters above U+00FF, and compiled components' static
 * text too. Svelte's and devalue's own sources go through the same transforms here.
 */
describe('pages one byte per character (oneBytePage)', () => {
	let dir: string;
	let escape: (value: unknown, isAttr?: boolean) => string;
	let stringifyString: (s: string) => string;
	let devalueString: (s: string) => string;
	let uneval: (value: unknown) => string;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'tib-one-byte-'));
		const svelte = dirname(createRequire(import.meta.url).resolve('svelte/package.json'));
		writeFileSync(join(dir, 'escaping.js'), oneByteEscaping(readFileSync(join(svelte, 'src', 'escaping.js'), 'utf8')));
		escape = ((await import(pathToFileURL(join(dir, 'escaping.js')).href)) as { escape_html: typeof escape }).escape_html;
		const devalue = join(dirname(createRequire(import.meta.url).resolve('devalue')), 'src');
		cpSync(devalue, join(dir, 'devalue'), { recursive: true });
		const utils = join(dir, 'devalue', 'utils.js');
		writeFileSync(utils, oneByteDevalue(readFileSync(utils, 'utf8')));
		const unevalFile = join(dir, 'devalue', 'uneval.js');
		writeFileSync(unevalFile, oneByteUneval(readFileSync(unevalFile, 'utf8')));
		const transformed = (await import(pathToFileURL(utils).href)) as { stringify_string_one_byte: typeof stringifyString; stringify_string: typeof stringifyString };
		stringifyString = transformed.stringify_string_one_byte;
		devalueString = transformed.stringify_string;
		uneval = ((await import(pathToFileURL(unevalFile).href)) as { uneval: typeof uneval }).uneval;
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('escape_html names each character above U+00FF, an emoji as one, and still escapes markup', () => {
		const out = escape(french);
		expect(out).toBe('Des bancs à l&#8217;ombre &#8212; 8&#8239;000 &#8364; &#128077;');
		expect(decoded(out)).toBe(french);
		expect(oneByte(out)).toBe(true);
		expect(escape('<script>alert("l’")</script> & co', true)).toBe('&lt;script>alert(&quot;l&#8217;&quot;)&lt;/script> &amp; co');
		expect(escape('a < b & c "d"')).toBe('a &lt; b &amp; c "d"');
		expect(escape(null)).toBe('');
	});

	it('escape_html leaves a text in another script as it is, but names a short one (a language’s name)', () => {
		expect(escape(`<b>${arabic}</b>`)).toBe(`&lt;b>${arabic}&lt;/b>`);
		expect(escape('العربية')).toBe('&#1575;&#1604;&#1593;&#1585;&#1576;&#1610;&#1577;');
	});

	it('devalue’s uneval writes such characters as \\u escapes that read back the same, in a one-byte string', () => {
		const out = stringifyString(french);
		expect(out).not.toMatch(/[\u0100-\uffff]/);
		expect(oneByte(out)).toBe(true);
		expect(JSON.parse(out)).toBe(french);
		expect(new Function(`return ${stringifyString('</script>\u2028’')}`)()).toBe('</script>\u2028’');
		// A line separator alone (devalue's own escape) gives a one-byte string too.
		expect(oneByte(stringifyString('Première ligne\u2028seconde ligne, assez longue'))).toBe(true);
		expect(stringifyString(arabic)).toBe(`"${arabic}"`);
		// The page's inline data (uneval) uses it; __data.json and form answers (stringify) do not.
		const data = { title: 'L’Aventurière', story: arabic };
		expect(uneval(data)).toBe(`{title:"L\\u2019Aventurière",story:"${arabic}"}`);
		expect(new Function(`return ${uneval(data)}`)()).toEqual(data);
		expect(devalueString('L’Aventurière')).toBe('"L’Aventurière"');
	});

	it('names the static text of a compiled component, not its code', () => {
		const code = 'function C($$renderer) { const dash = "—"; $$renderer.push(`<p>a — ${$.escape(dash)} → 👍</p>`); }';
		const out = oneByteTemplates(code, parseAst);
		expect(out).toContain('`<p>a &#8212; ${$.escape(dash)} &#8594; &#128077;</p>`');
		expect(out).toContain('const dash = "—"');
		const script = '$$renderer.push(`<script>const a = "—";</script>`)';
		expect(oneByteTemplates(script, parseAst)).toBe(script);
	});

	it('a component rendered by the server build (through the plugin) is one byte per character and reads the same', () => {
		const props = { title: 'L’Aventurière', cost: '1\u202f200 €', story: arabic, link: '/r/x?q=été’' };
		const { body } = render(OneByte, { props });
		expect(body).toContain('Coût &#8212; 1&#8239;200 &#8364;');
		expect(body).toContain(`<p lang="ar">${arabic}</p>`);
		expect(decoded(body.replace(/<!--.*?-->/g, ''))).toContain(`<a href="/r/x?q=été’">L’Aventurière → 👍</a>`);
		const { body: french } = render(OneByte, { props: { ...props, story: 'Près de l’aire de jeux' } });
		expect(french).not.toMatch(/[\u0100-\uffff]/);
		expect(oneByte(french)).toBe(true);
	});

	it('refuses a Svelte or devalue whose code changed (an upgrade), so that the build says so', () => {
		expect(() => oneByteEscaping('export function escape_html() {}')).toThrow(/Svelte upgraded/);
		expect(() => oneByteDevalue('export function stringify_string() {}')).toThrow(/devalue upgraded/);
		expect(() => oneByteUneval("import { stringify_string } from './utils.js';")).toThrow(/devalue upgraded/);
	});
});
