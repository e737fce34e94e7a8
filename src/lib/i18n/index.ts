import { IntlMessageFormat } from 'intl-messageformat';
import coreFr from './messages/core.fr.json';
import coreEn from './messages/core.en.json';
import boardsFr from './messages/boards.fr.json';
import boardsEn from './messages/boards.en.json';
import votesFr from './messages/votes.fr.json';
import votesEn from './messages/votes.en.json';
import collabFr from './messages/collab.fr.json';
import collabEn from './messages/collab.en.json';
import accessFr from './messages/access.fr.json';
import accessEn from './messages/access.en.json';
import notificationsFr from './messages/notifications.fr.json';
import notificationsEn from './messages/notifications.en.json';
import meetingsFr from './messages/meetings.fr.json';
import meetingsEn from './messages/meetings.en.json';
import trustFr from './messages/trust.fr.json';
import trustEn from './messages/trust.en.json';
import securityFr from './messages/security.fr.json';
import securityEn from './messages/security.en.json';
import minutesFr from './messages/minutes.fr.json';
import minutesEn from './messages/minutes.en.json';
import practiceFr from './messages/practice.fr.json';
import practiceEn from './messages/practice.en.json';

// One catalogue pair per capability, merged here; French is the reference for the key set.
const fr = { ...coreFr, ...boardsFr, ...votesFr, ...collabFr, ...accessFr, ...notificationsFr, ...meetingsFr, ...trustFr, ...securityFr, ...minutesFr, ...practiceFr };
const en = { ...coreEn, ...boardsEn, ...votesEn, ...collabEn, ...accessEn, ...notificationsEn, ...meetingsEn, ...trustEn, ...securityEn, ...minutesEn, ...practiceEn };

export const locales = ['fr', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'fr';

export type MessageKey = keyof typeof fr;
export type MessageValues = Record<string, string | number | Date | boolean>;

const catalogues: Record<Locale, Record<string, string>> = { fr, en };

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

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

const formatters = new Map<string, IntlMessageFormat>();

function formatterFor(locale: Locale, key: MessageKey): IntlMessageFormat {
	const cacheKey = `${locale}\u0000${key}`;
	let formatter = formatters.get(cacheKey);
	if (!formatter) {
		const source = catalogues[locale][key] ?? catalogues[defaultLocale][key] ?? String(key);
		formatter = new IntlMessageFormat(source, locale === 'fr' ? 'fr-FR' : 'en-GB');
		formatters.set(cacheKey, formatter);
	}
	return formatter;
}

export type Translate = (key: MessageKey, values?: MessageValues) => string;

export function translator(locale: Locale): Translate {
	return (key, values) => String(formatterFor(locale, key).format(values));
}

const intlLocale = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

/** Formatting helpers that follow the locale's conventions ("22 nov. 2026", "1 200 €"). */
export function createFormatters(locale: Locale) {
	const tag = intlLocale(locale);
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
	t: Translate;
}

export function createI18n(locale: Locale): I18n {
	return { locale, t: translator(locale), ...createFormatters(locale) };
}
