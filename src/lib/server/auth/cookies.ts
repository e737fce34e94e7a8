import type { Cookies } from '@sveltejs/kit';
import { config } from '../config';
import { SESSION_COOKIE } from './session';

export const LOCALE_COOKIE = 'locale';

function secure(url: URL): boolean {
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
