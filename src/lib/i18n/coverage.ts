import type { Locale } from './index';

/**
 * Which pages are fully written in a language other than French. Arabic covers joining, signing in,
 * home, account and the residence page so far; the rest
 * (administration, governance meetings, training, public pages, pages added later) shows French with a
 * notice. English covers everything.
 */
const arabicPages: RegExp[] = [
	/^\/$/,
	/^\/(login|logout|reset|welcome|join|invite|locale)(\/|$)/,
	/^\/account\/?$/,
	// Board, proposal, vote, results and notifications join this list once boards.ar.json, votes.ar.json,
	// notifications.ar.json and trust.ar.json are complete (see ARABIC_COMPLETE in catalogue.test.ts).
	/^\/r\/[^/]+\/?$/,
	/^\/b\/[^/]+\/?$/
];

export function translatedPage(locale: Locale, pathname: string): boolean {
	if (locale !== 'ar') return true;
	return arabicPages.some((re) => re.test(pathname));
}
