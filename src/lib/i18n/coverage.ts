import type { Locale } from './index';

/**
 * Which pages are fully written in a language other than French. Arabic covers the tenant journeys
 * (join, sign in, home, residence, board, proposal, vote, results, notifications, account); the rest
 * (administration, governance meetings, training, public pages, pages added later) shows French with a
 * notice. English covers everything.
 */
const arabicPages: RegExp[] = [
	/^\/$/,
	/^\/(login|logout|forgot|reset|welcome|join|invite|account|notifications|unsubscribe|locale)(\/|$)/,
	/^\/r\/[^/]+(\/(board|consultations)(\/|$).*)?$/,
	/^\/c\/[^/]+(\/results)?\/?$/,
	/^\/b\/[^/]+\/?$/
];

export function translatedPage(locale: Locale, pathname: string): boolean {
	if (locale !== 'ar') return true;
	return arabicPages.some((re) => re.test(pathname));
}
