import type { Locale } from './index';

/**
 * Which pages are fully written in a language other than French. Arabic covers joining, signing in,
 * home, account, e-mail settings, notifications and the residence page so far; the rest
 * (administration, governance meetings, training, public pages, pages added later) shows French with a
 * notice. English covers everything.
 */
const arabicPages: RegExp[] = [
	/^\/$/,
	/^\/(login|logout|reset|welcome|join|invite|locale)(\/|$)/,
	/^\/account(\/notifications)?\/?$/,
	/^\/(notifications|forgot|unsubscribe)(\/|$)/,
	// Board, proposal, vote and results join this list once votes.ar.json is complete too (the board shows
	// linked votes); see ARABIC_COMPLETE in catalogue.test.ts.
	/^\/r\/[^/]+\/?$/,
	/^\/b\/[^/]+\/?$/
];

export function translatedPage(locale: Locale, pathname: string): boolean {
	if (locale !== 'ar') return true;
	return arabicPages.some((re) => re.test(pathname));
}
