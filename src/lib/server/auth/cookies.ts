import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { config } from '../config';
import { SESSION_COOKIE, type Session } from './session';

export const LOCALE_COOKIE = 'locale';

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

export function setLocaleCookie(cookies: Cookies, locale: string, url: URL) {
	cookies.set(LOCALE_COOKIE, locale, { path: '/', httpOnly: false, sameSite: 'lax', secure: secure(url), maxAge: 365 * 24 * 3600 });
}

/**
 * Signing in (or joining, or redeeming a code) on a device that already holds a session ends that
 * session on the server: the old cookie must not stay a valid key once it is replaced.
 */
export function beginSession(event: RequestEvent, created: { token: string; session: Session }) {
	const previous = event.locals.sessionId;
	// Through the service, so the old session's live sockets are closed too (session.ended on the bus).
	if (previous && previous !== created.session.id) event.locals.services.auth.signOut(previous);
	event.locals.sessionId = created.session.id;
	setSessionCookie(event.cookies, created.token, created.session.expiresAt, event.url);
}
