import { IntlMessageFormat } from 'intl-messageformat';
import coreFr from './messages/core.fr.json';
import coreEn from './messages/core.en.json';
import coreAr from './messages/core.ar.json';
import coreFalc from './messages/core.fr-falc.json';
import boardsFr from './messages/boards.fr.json';
import boardsEn from './messages/boards.en.json';
import boardsAr from './messages/boards.ar.json';
import boardsFalc from './messages/boards.fr-falc.json';
import votesFr from './messages/votes.fr.json';
import votesEn from './messages/votes.en.json';
import votesAr from './messages/votes.ar.json';
import votesFalc from './messages/votes.fr-falc.json';
import collabFr from './messages/collab.fr.json';
import collabEn from './messages/collab.en.json';
import collabAr from './messages/collab.ar.json';
import accessFr from './messages/access.fr.json';
import accessEn from './messages/access.en.json';
import accessAr from './messages/access.ar.json';
import notificationsFr from './messages/notifications.fr.json';
import notificationsEn from './messages/notifications.en.json';
import notificationsAr from './messages/notifications.ar.json';
import meetingsFr from './messages/meetings.fr.json';
import meetingsEn from './messages/meetings.en.json';
import trustFr from './messages/trust.fr.json';
import trustEn from './messages/trust.en.json';
import trustAr from './messages/trust.ar.json';
import securityFr from './messages/security.fr.json';
import securityEn from './messages/security.en.json';
import securityAr from './messages/security.ar.json';
import minutesFr from './messages/minutes.fr.json';
import minutesEn from './messages/minutes.en.json';
import practiceFr from './messages/practice.fr.json';
import practiceEn from './messages/practice.en.json';
import inclusionFr from './messages/inclusion.fr.json';
import inclusionEn from './messages/inclusion.en.json';
import inclusionAr from './messages/inclusion.ar.json';
import inclusionFalc from './messages/inclusion.fr-falc.json';
import indicatorsFr from './messages/indicators.fr.json';
import indicatorsEn from './messages/indicators.en.json';

// One catalogue per capability and language, merged here; French is the reference for the key set.
// Arabic covers the tenant journeys (not meetings, minutes, practice) and falls back to French elsewhere;
// easy-read French (FALC) rewrites the core journeys and falls back to plain French.
const fr = { ...coreFr, ...boardsFr, ...votesFr, ...collabFr, ...accessFr, ...notificationsFr, ...meetingsFr, ...trustFr, ...securityFr, ...minutesFr, ...practiceFr, ...inclusionFr, ...indicatorsFr };
const en = { ...coreEn, ...boardsEn, ...votesEn, ...collabEn, ...accessEn, ...notificationsEn, ...meetingsEn, ...trustEn, ...securityEn, ...minutesEn, ...practiceEn, ...inclusionEn, ...indicatorsEn };
const ar: Partial<Record<string, string>> = { ...coreAr, ...boardsAr, ...votesAr, ...collabAr, ...accessAr, ...notificationsAr, ...trustAr, ...securityAr, ...inclusionAr };
const frFalc: Partial<Record<string, string>> = { ...coreFalc, ...boardsFalc, ...votesFalc, ...inclusionFalc };

export const locales = ['fr', 'en', 'ar'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'fr';
/** Each language's own name, as its readers write it (the language menu shows these). */
export const localeNames: Record<Locale, string> = { fr: 'Français', en: 'English', ar: 'العربية' };

export type MessageKey = keyof typeof fr;
export type MessageValues = Record<string, string | number | Date | boolean>;

/** What a page is shown in: a language, and for French whether the easy-read version is on. */
export interface Reading {
	locale: Locale;
	easyRead: boolean;
}

const catalogues: Record<Locale, Partial<Record<string, string>>> = { fr, en, ar };

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
export function sourceOf(reading: Reading, key: string): { text: string; locale: Locale } | null {
	if (easyReadApplies(reading.locale, reading.easyRead)) {
		const easy = frFalc[key];
		if (easy !== undefined) return { text: easy, locale: 'fr' };
	}
	const own = catalogues[reading.locale][key];
	if (own !== undefined) return { text: own, locale: reading.locale };
	const french = catalogues[defaultLocale][key];
	return french === undefined ? null : { text: french, locale: defaultLocale };
}

const formatters = new Map<string, IntlMessageFormat>();

function formatterFor(reading: Reading, key: MessageKey): IntlMessageFormat {
	const easy = easyReadApplies(reading.locale, reading.easyRead);
	const cacheKey = `${reading.locale}${easy ? '-falc' : ''}\u0000${key}`;
	let formatter = formatters.get(cacheKey);
	if (!formatter) {
		const source = sourceOf(reading, key);
		// A French fallback inside an Arabic page is formatted with French plural rules.
		formatter = new IntlMessageFormat(source?.text ?? String(key), intlTag(source?.locale ?? reading.locale));
		formatters.set(cacheKey, formatter);
	}
	return formatter;
}

export type Translate = (key: MessageKey, values?: MessageValues) => string;

export function translator(locale: Locale, easyRead = false): Translate {
	const reading = { locale, easyRead };
	return (key, values) => String(formatterFor(reading, key).format(values));
}

/** Formatting helpers that follow the locale's conventions ("22 nov. 2026", "1 200 €"). */
export function createFormatters(locale: Locale) {
	const tag = intlTag(locale);
	const date = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric' });
	const dateTime = new Intl.DateTimeFormat(tag, {
		day: 'numeric',
		month: 'short',
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

export interface I18n extends ReturnType<typeof createFormatters> {
	locale: Locale;
	easyRead: boolean;
	dir: 'ltr' | 'rtl';
	t: Translate;
}

export function createI18n(locale: Locale, easyRead = false): I18n {
	const easy = easyReadApplies(locale, easyRead);
	return { locale, easyRead: easy, dir: textDirection(locale), t: translator(locale, easy), ...createFormatters(locale) };
}
