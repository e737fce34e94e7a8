import type { Cookies } from '@sveltejs/kit';
import { secure } from './auth/cookies';

/**
 * The passphrase a newcomer just chose, carried to the welcome page once so she can write it down
 * or let the browser save it. Only the welcome page can read it (path), it is gone after one view,
 * and in any case after ten minutes; it never reaches scripts (httpOnly).
 */
const NAME = 'welcome_pass';
const PATH = '/welcome';

export function setWelcomePassphrase(cookies: Cookies, passphrase: string, url: URL) {
	cookies.set(NAME, passphrase.slice(0, 200), { path: PATH, httpOnly: true, sameSite: 'strict', secure: secure(url), maxAge: 600 });
}

export function takeWelcomePassphrase(cookies: Cookies): string | null {
	const value = cookies.get(NAME) ?? null;
	if (value !== null) cookies.delete(NAME, { path: PATH });
	return value;
}
