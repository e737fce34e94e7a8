import { bundled } from './bundled';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { compileMessage, literal, type Compiled } from './compile';
import { formatMessage } from './format';
import { keepSerialisation } from '../kept-serialisation';

// One catalogue per capability and language, merged per language in `locales/`; French is the
// reference for the key set. Arabic covers the tenant journeys (not meetings, minutes, practice) and
// falls back to French elsewhere; easy-read French (FALC) rewrites the core journeys and falls back to
// plain French. The server has every language from the start (`bundled.ts`); the browser loads the
// languages of the page being read with `loadReading`, before the first render.

export const locales = ['fr', 'en', 'ar'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'fr';
/** Each language's own name, as its readers write it (the language menu shows these). */
export const localeNames: Record<Locale, string> = { fr: 'Français', en: 'English', ar: 'العربية' };

export type MessageKey = keyof (typeof import('./locales/fr'))['default'];
export type MessageValues = Record<string, string | number | Date | boolean>;

/** What a page is shown in: a language, and for French whether the easy-read version is on. */
export interface Reading {
	locale: Locale;
	easyRead: boolean;
}

/** Server: ICU sources (strings). Browser: compiled messages (plain text, or syntax trees; see compile.ts). */
type Catalogue = Partial<Record<string, Compiled>>;
type CatalogueName = Locale | 'fr-falc';
const catalogues: Partial<Record<CatalogueName, Catalogue>> = { ...bundled };
/** The catalogues held whole (on the server: all of them). Elsewhere only the texts a page was sent. */
const complete = new Set(Object.keys(bundled) as CatalogueName[]);
/** In the browser every catalogue is compiled (no parser there); on the server they are sources. */
const compiled = complete.size === 0;

const chunks: Record<CatalogueName, () => Promise<{ default: Catalogue }>> = {
	fr: () => import('./locales/fr'),
	en: () => import('./locales/en'),
	ar: () => import('./locales/ar'),
	'fr-falc': () => import('./locales/fr-falc')
};

const listeners = new Set<() => void>();
/** Called whenever texts arrive in the browser (components show them again: see `I18nState`). */
export function onMessages(listener: () => void): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}
function arrived() {
	// A text formatted before its catalogue arrived would otherwise stay cached as its key.
	for (const perReading of formatters.values()) perReading.clear();
	messagesCache = new WeakMap();
	for (const listener of listeners) listener();
}

function needed(reading: Reading): CatalogueName[] {
	const names: CatalogueName[] = ['fr', reading.locale];
	if (easyReadApplies(reading.locale, reading.easyRead)) names.push('fr-falc');
	return names;
}

/**
 * Makes the whole catalogues a reading needs available: its language, French (every fallback ends
 * there) and, for easy-read French, the FALC catalogue. Immediate where they are already there (always
 * on the server); in the browser, fetches each language's chunk once. The browser needs them only when
 * a page shows a key it was not sent (`messagesFor`), which `formatterFor` does by itself.
 */
export async function loadReading(reading: Reading): Promise<void> {
	const missing = needed(reading).filter((name) => !complete.has(name));
	if (missing.length === 0) return;
	await Promise.all(
		missing.map(async (name) => {
			const whole = (await chunks[name]()).default;
			catalogues[name] = { ...catalogues[name], ...whole };
			complete.add(name);
		})
	);
	arrived();
}

/** The texts of some keys in a reading, as the browser needs them: each key once, compiled, from the catalogue it is read from. */
export type Messages = Partial<Record<CatalogueName, Record<string, Compiled>>>;

const compiledCache = new Map<string, Compiled>();
function compiledText(name: CatalogueName, key: string, text: Compiled): Compiled {
	if (typeof text !== 'string') return text;
	const cacheKey = `${name}\u0000${key}`;
	let out = compiledCache.get(cacheKey);
	if (out === undefined) compiledCache.set(cacheKey, (out = compileMessage(text)));
	return out;
}

/**
 * The answers of `messagesFor`, per list of keys (a route's list is one array for the life of the
 * process) and reading: the root layout asks on every page, for a handful of lists and readings.
 * Emptied whenever texts arrive (`arrived`), so an answer never outlives the catalogues it was read from.
 */
let messagesCache = new WeakMap<readonly string[], Map<string, Messages>>();

/** On the server: the texts of `keys` for a reading (what `sourceOf` would pick), to send to the browser. */
export function messagesFor(reading: Reading, keys: readonly string[]): Messages {
	const easy = easyReadApplies(reading.locale, reading.easyRead);
	let perReading = messagesCache.get(keys);
	if (!perReading) messagesCache.set(keys, (perReading = new Map()));
	const readingKey = `${reading.locale}${easy ? '-falc' : ''}`;
	let out = perReading.get(readingKey);
	// Written into each page's data once, then reused (kept-serialisation.ts): frozen from here on.
	if (!out) perReading.set(readingKey, (out = keepSerialisation(readMessages(easy, reading.locale, keys))));
	return out;
}

function readMessages(easy: boolean, locale: Locale, keys: readonly string[]): Messages {
	const out: Messages = {};
	for (const key of keys) {
		let name: CatalogueName = defaultLocale;
		if (easy && catalogues['fr-falc']?.[key] !== undefined) name = 'fr-falc';
		else if (catalogues[locale]?.[key] !== undefined) name = locale;
		const text = catalogues[name]?.[key];
		if (text !== undefined) (out[name] ??= {})[key] = compiledText(name, key, text);
	}
	return out;
}

/** In the browser: adds texts the server sent (a no-op where the catalogues are whole). */
export function installMessages(messages: Messages | undefined): void {
	if (!messages) return;
	let added = false;
	for (const [name, texts] of Object.entries(messages) as [CatalogueName, Record<string, Compiled>][]) {
		if (complete.has(name)) continue;
		catalogues[name] = { ...catalogues[name], ...texts };
		added = true;
	}
	if (added) arrived();
}

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export const textDirection = (locale: Locale): 'ltr' | 'rtl' => (locale === 'ar' ? 'rtl' : 'ltr');

/** Easy-read French exists only in French: in another language the switch has no effect. */
export const easyReadApplies = (locale: Locale, easyRead: boolean) => easyRead && locale === 'fr';

/** Picks the first supported language of an Accept-Language header, by quality. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
	if (!header) return null;
	const ranked = header
		.split(',')
		.map((part) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) || 0 : 1 };
		})
		.filter((entry) => entry.lang && entry.q > 0)
		.sort((a, b) => b.q - a.q);
	for (const { lang } of ranked) if (isLocale(lang)) return lang;
	return null;
}

/**
 * The BCP 47 tag given to `Intl`. Arabic keeps Western digits ("ar-u-nu-latn"): the tenants who
 * read Arabic here mostly come from the Maghreb, where 1, 2, 3 are the digits in use, and they match
 * the numbers on letters, doors and bills.
 */
export const intlTag = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : locale === 'ar' ? 'ar-u-nu-latn' : 'en-GB');

/** The text of a key in a reading, with the language's fallback (French), or null if French lacks it too. */
export function sourceOf(reading: Reading, key: string): { text: Compiled; locale: Locale } | null {
	if (easyReadApplies(reading.locale, reading.easyRead)) {
		const easy = catalogues['fr-falc']?.[key];
		if (easy !== undefined) return { text: easy, locale: 'fr' };
	}
	const own = catalogues[reading.locale]?.[key];
	if (own !== undefined) return { text: own, locale: reading.locale };
	const french = catalogues[defaultLocale]?.[key];
	return french === undefined ? null : { text: french, locale: defaultLocale };
}

/** A message ready to format: its syntax tree, and the `Intl` locale it is formatted in. */
interface Formatter {
	ast: MessageFormatElement[];
	tag: string;
}
/**
 * Formatters per reading, then per key: a page formats hundreds of texts (the board: several per
 * card), and a key looked up as it is (a literal, its hash kept) is cheaper than a key made of the
 * reading and the key for each text. A translator holds its reading's map (`arrived` empties them).
 */
const formatters = new Map<string, Map<string, Formatter>>();
let fetching: Promise<void> | null = null;

function formattersOf(reading: Reading): Map<string, Formatter> {
	const readingKey = `${reading.locale}${easyReadApplies(reading.locale, reading.easyRead) ? '-falc' : ''}`;
	let perReading = formatters.get(readingKey);
	if (!perReading) formatters.set(readingKey, (perReading = new Map()));
	return perReading;
}

function formatterFor(reading: Reading, key: MessageKey, perReading: Map<string, Formatter>): Formatter {
	let formatter = perReading.get(key);
	if (!formatter) {
		const source = sourceOf(reading, key);
		// A key this page was not sent (see route-keys.ts): fetch the whole catalogues, then show it again.
		if (source === null && needed(reading).some((name) => !complete.has(name))) {
			fetching ??= loadReading(reading)
				.catch(() => undefined)
				.finally(() => (fetching = null));
		}
		// A French fallback inside an Arabic page is formatted with French plural rules.
		const text = source?.text ?? String(key);
		// In the browser a string is plain text already (compile.ts), never parsed; on the server, an ICU source.
		const ast = typeof text === 'string' ? (compiled ? text : compileMessage(text)) : text;
		formatter = { ast: typeof ast === 'string' ? literal(ast) : ast, tag: intlTag(source?.locale ?? reading.locale) };
		perReading.set(key, formatter);
	}
	return formatter;
}

export type Translate = (key: MessageKey, values?: MessageValues) => string;

/**
 * In a right-to-left language every text argument (a name, an idea's title, a date already formatted) is
 * wrapped in Unicode first-strong isolates (FSI … PDI), so a French name ending in a full stop or a title
 * with numbers keeps its own direction and does not reorder the Arabic sentence around it. A selector
 * (`{unit, select, household {…} …}`) is a key, not text shown: it is left as it is, or no branch would match.
 */
function isolated(values: MessageValues | undefined, selectors: ReadonlySet<string>): MessageValues | undefined {
	if (!values) return values;
	const out: MessageValues = {};
	for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' && v !== '' && !selectors.has(k) ? isolate('rtl', v) : v;
	return out;
}

/** The arguments a message uses as `select` keys, at any depth (the parser's element type 5 is `select`). */
type AstNode = { type: number; value?: unknown; options?: Record<string, { value: AstNode[] }>; children?: AstNode[] };
const selectorCache = new WeakMap<Formatter, ReadonlySet<string>>();
function selectorsOf(formatter: Formatter): ReadonlySet<string> {
	let found = selectorCache.get(formatter);
	if (found) return found;
	const names = new Set<string>();
	const walk = (nodes: AstNode[]) => {
		for (const n of nodes) {
			if (n.type === 5 && typeof n.value === 'string') names.add(n.value);
			if (n.options) for (const o of Object.values(n.options)) walk(o.value);
			if (n.children) walk(n.children);
		}
	};
	walk(formatter.ast as unknown as AstNode[]);
	found = names;
	selectorCache.set(formatter, found);
	return found;
}

/** The same isolation for text joined outside a message (a list of names through `Intl.ListFormat`). */
export const isolate = (dir: 'ltr' | 'rtl', text: string) => (dir === 'rtl' ? `\u2068${text}\u2069` : text);

export function translator(locale: Locale, easyRead = false): Translate {
	const reading = { locale, easyRead };
	const perReading = formattersOf(reading);
	if (textDirection(locale) === 'rtl')
		return (key, values) => {
			const formatter = formatterFor(reading, key, perReading);
			return formatMessage(formatter.ast, formatter.tag, isolated(values, selectorsOf(formatter)));
		};
	return (key, values) => {
		const formatter = formatterFor(reading, key, perReading);
		return formatMessage(formatter.ast, formatter.tag, values);
	};
}

/**
 * Formatting helpers that follow the locale's conventions ("22 nov. 2026", "1 200 €"). One set per
 * reading (a language, and easy-read French) for the life of the process: building `Intl` formatters is costly (the server built six on
 * every page it rendered) and they hold no state, so every request and component shares them.
 */
export function createFormatters(locale: Locale, easyRead = false): Formatters {
	const key = `${locale}${easyRead ? '-falc' : ''}`;
	let set = formatterSets.get(key);
	if (!set) formatterSets.set(key, (set = buildFormatters(locale, easyRead)));
	return set;
}
export type Formatters = ReturnType<typeof buildFormatters>;
const formatterSets = new Map<string, Formatters>();

/** Dates name their month in full in easy-read French ("7 décembre 2026", not "7 déc. 2026"): FALC writes no abbreviation. */
function buildFormatters(locale: Locale, easyRead: boolean) {
	const tag = intlTag(locale);
	const month = easyRead ? 'long' : 'short';
	const date = new Intl.DateTimeFormat(tag, { day: 'numeric', month, year: 'numeric' });
	const dateTime = new Intl.DateTimeFormat(tag, {
		day: 'numeric',
		month,
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit'
	});
	const time = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit' });
	const number = new Intl.NumberFormat(tag);
	const money = new Intl.NumberFormat(tag, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
	const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
	return {
		date: (d: Date | number) => date.format(d),
		dateTime: (d: Date | number) => dateTime.format(d),
		time: (d: Date | number) => time.format(d),
		number: (n: number) => number.format(n),
		money: (n: number) => money.format(n),
		percent: (n: number) => percent.format(n)
	};
}

export interface I18n extends Formatters {
	locale: Locale;
	easyRead: boolean;
	dir: 'ltr' | 'rtl';
	t: Translate;
}

export function createI18n(locale: Locale, easyRead = false): I18n {
	const easy = easyReadApplies(locale, easyRead);
	return { locale, easyRead: easy, dir: textDirection(locale), t: translator(locale, easy), ...createFormatters(locale, easy) };
}
