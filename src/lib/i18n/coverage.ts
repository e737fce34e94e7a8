import type { Locale } from './index';

/**
 * Which pages are fully written in a language other than French. Arabic covers joining, signing in,
 * home, account, e-mail settings, notifications, the residence page, the ideas board, the votes and
 * answering a perception survey by its one-time link; the rest
 * (administration, governance meetings, training, public pages, pages added later) shows French with a
 * notice. English covers everything.
 */
const arabicPages: RegExp[] = [
	/^\/$/,
	/^\/(login|logout|reset|welcome|join|invite|locale)(\/|$)/,
	/^\/account(\/notifications)?\/?$/,
	/^\/(notifications|forgot|unsubscribe)(\/|$)/,
	// Board, proposal, plan, projector, votes and their results: boards, votes, safeguards and trust are
	// complete in Arabic (ARABIC_COMPLETE in catalogue.test.ts).
	/^\/r\/[^/]+\/?$/,
	/^\/r\/[^/]+\/(board|consultations)(\/|$)/,
	/^\/b\/[^/]+\/consultations(\/|$)/,
	/^\/c\/[^/]+(\/(results|manage|edit))?\/?$/,
	/^\/help\/recount\/?$/,
	/^\/b\/[^/]+\/?$/,
	// Answering a survey by one-time link, and its thank-you page: the tenant's part of the indicators
	// catalogue is in Arabic (SURVEY_ANSWER in catalogue.test.ts); the staff survey pages are not.
	/^\/q\//
];

export function translatedPage(locale: Locale, pathname: string): boolean {
	if (locale !== 'ar') return true;
	return arabicPages.some((re) => re.test(pathname));
}
