import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { isLocale, type Locale } from '$lib/i18n';
import { config } from '../config';
import { SESSION_COOKIE, type Session } from './session';

export const LOCALE_COOKIE = 'locale';
export const EASY_READ_COOKIE = 'easy-read';

export function secure(url: URL): boolean {
	const setting = config().SESSION_COOKIE_SECURE;
	if (setting === 'auto') return url.protocol === 'https:';
	return setting === 'true';
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, url: URL) {
	cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure(url), expires: expiresAt });
}

export function clearSessionCookie(cookies: Cookies) {
	cookies.delete(SESSION_COOKIE, { path: '/' });
}

const YEAR = 365 * 24 * 3600;

/** This device's own reading choices (null: no choice made on this device yet). */
export function readingFromCookies(cookies: Cookies): { locale: Locale | null; easyRead: boolean | null } {
	const locale = cookies.get(LOCALE_COOKIE);
	const easy = cookies.get(EASY_READ_COOKIE);
	return { locale: isLocale(locale) ? locale : null, easyRead: easy === '1' ? true : easy === '0' ? false : null };
}

export function setReadingCookies(cookies: Cookies, reading: { locale?: Locale; easyRead?: boolean }, url: URL) {
	const options = { path: '/', httpOnly: false, sameSite: 'lax' as const, secure: secure(url), maxAge: YEAR };
	if (reading.locale) cookies.set(LOCALE_COOKIE, reading.locale, options);
	if (reading.easyRead !== undefined) cookies.set(EASY_READ_COOKIE, reading.easyRead ? '1' : '0', options);
}

/**
 * Signing in (or joining, or redeeming a code) on a device that already holds a session ends that
 * session on the server: the old cookie must not stay a valid key once it is replaced.
 */
export async function beginSession(event: RequestEvent, created: { token: string; session: Session }): Promise<void> {
	const previous = event.locals.sessionId;
	// Through the service, so the old session's live sockets are closed too (session.ended on the bus).
	if (previous && previous !== created.session.id) await event.locals.services.auth.signOut(previous);
	event.locals.sessionId = created.session.id;
	setSessionCookie(event.cookies, created.token, created.session.expiresAt, event.url);
}
