import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * Formats a parsed ICU message (compile.ts) with its values: the part of `intl-messageformat` the
 * catalogues use — text, `{arg}`, `{n, number}` and `{n, number, percent}`, `{d, date, medium}`,
 * `{d, time, short}`, `select`, `plural` (cardinal and ordinal, `=n`, `offset:`) and `#` — with the
 * same results, in ~1 KB gzip of the browser's first load instead of ~4 KB (issue 15, goal 4).
 * Tags (`<b>…</b>`) and number or date skeletons are not used by the catalogues and are refused
 * (src/lib/i18n/catalogue.test.ts formats every message).
 */

export type FormatValues = Record<string, string | number | Date | boolean>;

const NAMED: Record<number, Record<string, Intl.NumberFormatOptions | Intl.DateTimeFormatOptions>> = {
	// intl-messageformat's named styles.
	2: { integer: { maximumFractionDigits: 0 }, percent: { style: 'percent' }, currency: { style: 'currency' } },
	3: {
		short: { month: 'numeric', day: 'numeric', year: '2-digit' },
		medium: { month: 'short', day: 'numeric', year: 'numeric' },
		long: { month: 'long', day: 'numeric', year: 'numeric' },
		full: { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }
	},
	4: {
		short: { hour: 'numeric', minute: 'numeric' },
		medium: { hour: 'numeric', minute: 'numeric', second: 'numeric' },
		long: { hour: 'numeric', minute: 'numeric', second: 'numeric', timeZoneName: 'short' },
		full: { hour: 'numeric', minute: 'numeric', second: 'numeric', timeZoneName: 'short' }
	}
};

const intl = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(kind: 'n' | 'd' | 'p', locale: string, options: object | undefined, make: () => T): T {
	const key = `${kind}\u0000${locale}\u0000${JSON.stringify(options ?? {})}`;
	let found = intl.get(key) as T | undefined;
	if (!found) intl.set(key, (found = make()));
	return found;
}
/** A plural's `#` and its rules, per locale without a key to build: a board formats three plurals per card. */
const plainNumbers = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();
function numberFormat(locale: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
	if (options) return cached('n', locale, options, () => new Intl.NumberFormat(locale, options));
	let found = plainNumbers.get(locale);
	if (!found) plainNumbers.set(locale, (found = new Intl.NumberFormat(locale)));
	return found;
}
function pluralRulesOf(locale: string, type: Intl.PluralRuleType | undefined): Intl.PluralRules {
	if (type === 'ordinal') return cached('p', locale, { type }, () => new Intl.PluralRules(locale, { type }));
	let found = pluralRules.get(locale);
	if (!found) pluralRules.set(locale, (found = new Intl.PluralRules(locale)));
	return found;
}

function styleOf(element: { type: number; style?: unknown }, fallback?: string) {
	const style = element.style ?? fallback;
	if (style === undefined || style === null) return undefined;
	const options = typeof style === 'string' ? NAMED[element.type]?.[style] : undefined;
	if (!options) throw new Error(`i18n: unsupported ${element.type === 2 ? 'number' : 'date'} style ${JSON.stringify(style)}`);
	return options;
}

/**
 * The message's text. `pound` is the number `#` stands for inside a plural branch (the plural's
 * value less its offset); like intl-messageformat, a `select` inside that branch does not carry it.
 */
export function formatMessage(message: MessageFormatElement[], locale: string, values?: FormatValues, pound?: number): string {
	let out = '';
	for (const element of message) {
		if (element.type === 0) {
			out += element.value;
			continue;
		}
		if (element.type === 7) {
			if (pound !== undefined) out += numberFormat(locale).format(pound);
			continue;
		}
		if (element.type === 8) throw new Error(`i18n: tags are not supported (<${element.value}>)`);
		const name = element.value;
		if (!values || !(name in values)) throw new Error(`i18n: the message needs a value for "${name}"`);
		const value = values[name]!;
		switch (element.type) {
			case 1:
				out += value === false || value === undefined || value === null ? '' : String(value);
				break;
			case 2:
				out += numberFormat(locale, styleOf(element) as Intl.NumberFormatOptions | undefined).format(value as number);
				break;
			case 3:
			case 4: {
				const options = styleOf(element, element.type === 4 ? 'medium' : undefined) as Intl.DateTimeFormatOptions | undefined;
				out += cached('d', locale, options, () => new Intl.DateTimeFormat(locale, options)).format(value as Date | number);
				break;
			}
			case 5: {
				const branch = (Object.hasOwn(element.options, String(value)) ? element.options[String(value)] : undefined) ?? element.options.other;
				if (!branch) throw new Error(`i18n: no branch "${String(value)}" for "${name}"`);
				out += formatMessage(branch.value, locale, values);
				break;
			}
			case 6: {
				const n = Number(value);
				let branch = Object.hasOwn(element.options, `=${n}`) ? element.options[`=${n}`] : undefined;
				if (!branch) {
					const rule = pluralRulesOf(locale, element.pluralType).select(n - element.offset);
					branch = (Object.hasOwn(element.options, rule) ? element.options[rule] : undefined) ?? element.options.other;
				}
				if (!branch) throw new Error(`i18n: no plural branch for "${name}"`);
				out += formatMessage(branch.value, locale, values, n - element.offset);
				break;
			}
		}
	}
	return out;
}
