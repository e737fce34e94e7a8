import { parseAst, type Plugin } from 'vite';
import { unevalFile } from './uneval-keep.js';

/**
 * A page the server renders is one JavaScript string, built from many pieces and turned into bytes in
 * one go: V8 stores it with one byte per character when every character of every piece is at most
 * U+00FF (Latin-1: French letters included), else with two bytes per character throughout. A single
 * typographic apostrophe (’), dash (—) or narrow no-break space of a French text made the board of 120
 * ideas a two-byte string: ~530 KB to copy into one block (fresh memory from the system on every page)
 * and to encode, instead of ~265 KB, a fifth of a board page's main-thread time (issue 15).
 *
 * So, in the server's build only, the page's pieces name such characters instead of holding them;
 * what the browser shows, what a screen reader reads and what the page's script gets are the same:
 * - Svelte's `escape_html` (every text and attribute value a component writes) writes a character
 *   above U+00FF as a numeric character reference (`’` as `&#8217;`), an emoji as one reference to
 *   its code point;
 * - the static text of compiled components (the markup written in `.svelte` files) does the same;
 * - devalue's strings in the page's data (its inline script, written by `uneval`) write one as a
 *   `\u2019` escape, which JavaScript reads back as the character (`__data.json` and the answers of
 *   form actions, written by devalue's `stringify`, are left as they are: they are not part of a page).
 * A text written in another script (Arabic: three such characters in a row, in a string of 16 or
 * more) is left as it is: its page is a two-byte string anyway, and naming each of its letters would
 * only make the page larger.
 */

/**
 * A text in another script, left as it is: three characters above Latin-1 in a row, in a string of 16
 * characters or more. Shorter ones are named all the same (a language's name in the language switch,
 * "العربية", is on every page: left as it is, every page would be a two-byte string).
 */
const WIDE_RUN = '/[\\u0100-\\uffff]{3}/';
const WIDE_TEXT = 16;
/**
 * A copy of a string of Latin-1 characters stored one byte per character: the pieces of a string that
 * held a wider character are slices of it, stored two bytes per character like it, and a single one
 * makes the whole page two-byte. The UTF-8 decoder looks at the characters themselves.
 */
const ONE_BYTE = '((decoder, encoder) => (str) => decoder.decode(encoder.encode(str)))(new TextDecoder(), new TextEncoder())';

// ---------------------------------------------------------------------------------------------------
// Svelte's escape_html (svelte/src/escaping.js), as in Svelte 5.57, and its replacement.

export const escapingFile = /[\\/]svelte[\\/]src[\\/]escaping\.js$/;

const svelteEscape = `const ATTR_REGEX = /[&"<]/g;
const CONTENT_REGEX = /[&<]/g;

/**
 * @template V
 * @param {V} value
 * @param {boolean} [is_attr]
 */
export function escape_html(value, is_attr) {
	const str = String(value ?? '');

	const pattern = is_attr ? ATTR_REGEX : CONTENT_REGEX;
	pattern.lastIndex = 0;

	let escaped = '';
	let last = 0;

	while (pattern.test(str)) {
		const i = pattern.lastIndex - 1;
		const ch = str[i];
		escaped += str.substring(last, i) + (ch === '&' ? '&amp;' : ch === '"' ? '&quot;' : '&lt;');
		last = i + 1;
	}

	return escaped + str.substring(last);
}
`;

const oneByteEscape = `const ATTR_REGEX = /[&"<]/g;
const CONTENT_REGEX = /[&<]/g;
const ATTR_WIDE_REGEX = /[&"<\\u0100-\\uffff]/g;
const CONTENT_WIDE_REGEX = /[&<\\u0100-\\uffff]/g;
const WIDE_RUN = ${WIDE_RUN};
const WIDE_TEXT = ${WIDE_TEXT};
const one_byte = ${ONE_BYTE};

/**
 * Svelte's escape_html, which also names each character above U+00FF (src/build/one-byte-page.ts).
 * @template V
 * @param {V} value
 * @param {boolean} [is_attr]
 */
export function escape_html(value, is_attr) {
	const str = String(value ?? '');

	let pattern = is_attr ? ATTR_WIDE_REGEX : CONTENT_WIDE_REGEX;
	pattern.lastIndex = 0;

	let escaped = '';
	let last = 0;
	let named = false;

	while (pattern.test(str)) {
		const i = pattern.lastIndex - 1;
		const ch = str.charCodeAt(i);
		if (ch > 0xff) {
			if (str.length >= WIDE_TEXT && WIDE_RUN.test(str)) {
				// A text in another script: from here on only what Svelte escapes.
				pattern = is_attr ? ATTR_REGEX : CONTENT_REGEX;
				pattern.lastIndex = i;
				continue;
			}
			const code = str.codePointAt(i);
			named = true;
			escaped += str.substring(last, i) + '&#' + code + ';';
			last = i + (code > 0xffff ? 2 : 1);
			pattern.lastIndex = last;
		} else {
			escaped += str.substring(last, i) + (ch === 38 ? '&amp;' : ch === 34 ? '&quot;' : '&lt;');
			last = i + 1;
		}
	}

	return named ? one_byte(escaped + str.substring(last)) : escaped + str.substring(last);
}
`;

/** Svelte's escaping module with the one-byte escape_html; throws if Svelte's changed (an upgrade). */
export function oneByteEscaping(code: string): string {
	if (!code.includes(svelteEscape)) throw new Error("tib-one-byte-page: Svelte's escape_html changed (Svelte upgraded?): compare it with src/build/one-byte-page.ts");
	return code.replace(svelteEscape, oneByteEscape);
}

// ---------------------------------------------------------------------------------------------------
// devalue's stringify_string (devalue/src/utils.js), as in devalue 5.9, and its replacement.

export const devalueUtilsFile = /[\\/]devalue[\\/]src[\\/]utils\.js$/;

const devalueString = `export function stringify_string(str) {
	let result = '';
	let last_pos = 0;
	const len = str.length;

	for (let i = 0; i < len; i += 1) {
		const char = str[i];
		const replacement = get_escaped_char(char);
		if (replacement) {
			result += str.slice(last_pos, i) + replacement;
			last_pos = i + 1;
		}
	}

	return \`"\${last_pos === 0 ? str : result + str.slice(last_pos)}"\`;
}`;

const oneByteString = `const WIDER = /[\\u0100-\\uffff]/;
const WIDE_RUN = ${WIDE_RUN};
const WIDE_TEXT = ${WIDE_TEXT};
const one_byte = ${ONE_BYTE};

/**
 * devalue's stringify_string, which also escapes each character above U+00FF, for \`uneval\` alone (the
 * page's inline data; \`__data.json\` and form answers keep devalue's): src/build/one-byte-page.ts.
 */
export function stringify_string_one_byte(str) {
	let result = '';
	let last_pos = 0;
	const len = str.length;
	// Whether this string's characters above U+00FF are to be escaped (one scan; most strings have none).
	const wider = WIDER.test(str) && !(len >= WIDE_TEXT && WIDE_RUN.test(str));
	let named = false;

	for (let i = 0; i < len; i += 1) {
		const char = str[i];
		let replacement = get_escaped_char(char);
		if (wider && char > '\\u00ff') {
			// devalue escapes U+2028 and U+2029 itself; every other such character is escaped here.
			replacement ||= '\\\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
			named = true;
		}
		if (replacement) {
			result += str.slice(last_pos, i) + replacement;
			last_pos = i + 1;
		}
	}

	if (last_pos === 0) return \`"\${str}"\`;
	return \`"\${named ? one_byte(result + str.slice(last_pos)) : result + str.slice(last_pos)}"\`;
}`;

/** devalue's utilities with stringify_string_one_byte beside stringify_string; throws if devalue's changed (an upgrade). */
export function oneByteDevalue(code: string): string {
	if (!code.includes(devalueString)) throw new Error("tib-one-byte-page: devalue's stringify_string changed (devalue upgraded?): compare it with src/build/one-byte-page.ts");
	return code.replace(devalueString, `${devalueString}\n\n${oneByteString}`);
}

/** How devalue's uneval.js imports the function it writes strings with. */
const unevalImport = `	stringify_key,
	stringify_string,
	valid_array_indices
} from './utils.js';`;

/** devalue's uneval.js writing its strings with stringify_string_one_byte; throws if its imports changed. */
export function oneByteUneval(code: string): string {
	if (!code.includes(unevalImport)) throw new Error("tib-one-byte-page: devalue's uneval no longer imports stringify_string as expected (devalue upgraded?): compare it with src/build/one-byte-page.ts");
	return code.replace(unevalImport, unevalImport.replace('\tstringify_string,', '\tstringify_string_one_byte as stringify_string,'));
}

// ---------------------------------------------------------------------------------------------------
// The static text of compiled components: the template literals a server component pushes.

interface Node {
	type: string;
	start: number;
	end: number;
	[key: string]: unknown;
}

/** Each character above U+00FF of a piece of HTML, as a numeric character reference. */
const namedWide = (html: string) => html.replace(/[\u0100-\u{10FFFF}]/gu, (c) => `&#${c.codePointAt(0)};`);

/**
 * A compiled server component's code with the static HTML of its `$$renderer.push(`…`)` templates in
 * one-byte characters. A template holding a `<script` or `<style` element is left as it is (their
 * text is not read for character references).
 */
export function oneByteTemplates(code: string, parse: (code: string) => unknown): string {
	if (!/[\u0100-\uffff]/.test(code)) return code;
	const edits: { start: number; end: number; text: string }[] = [];
	const visit = (node: unknown) => {
		if (!node || typeof node !== 'object') return;
		if (Array.isArray(node)) return node.forEach(visit);
		const n = node as Node;
		if (n.type === 'CallExpression') {
			const callee = n.callee as Node & { property?: { name?: string } };
			const [first] = n.arguments as Node[];
			if (callee.type === 'MemberExpression' && callee.property?.name === 'push' && first?.type === 'TemplateLiteral') {
				const quasis = first.quasis as (Node & { value: { raw: string } })[];
				if (!quasis.some((q) => /<(script|style)\b/i.test(q.value.raw)))
					for (const q of quasis) if (/[\u0100-\uffff]/.test(q.value.raw)) edits.push({ start: q.start, end: q.end, text: namedWide(code.slice(q.start, q.end)) });
			}
		}
		for (const [key, value] of Object.entries(n)) if (key !== 'type' && key !== 'start' && key !== 'end') visit(value);
	};
	visit(parse(code));
	let out = code;
	for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
	return out;
}

export function oneBytePage(): Plugin {
	return {
		name: 'tib-one-byte-page',
		enforce: 'post',
		applyToEnvironment: (environment) => environment.config.consumer === 'server',
		transform(code, id) {
			const file = id.split('?')[0]!;
			try {
				if (escapingFile.test(file)) return { code: oneByteEscaping(code), map: null };
				if (devalueUtilsFile.test(file)) return { code: oneByteDevalue(code), map: null };
				if (unevalFile.test(file)) return { code: oneByteUneval(code), map: null };
				if (file.endsWith('.svelte') && code.includes('$$renderer')) {
					const out = oneByteTemplates(code, parseAst);
					return out === code ? null : { code: out, map: null };
				}
			} catch (err) {
				this.error((err as Error).message);
			}
			return null;
		}
	};
}
