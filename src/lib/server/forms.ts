import { error, fail, isRedirect, type RequestEvent } from '@sveltejs/kit';
import { ForbiddenError } from '$lib/domain/policy';
import { translator } from '$lib/i18n';
import { UserError } from './services/errors';
import { ValidationError } from './services/validate';
import { isDatabaseUnavailable } from './db/errors';
import { log } from './log';

export interface FormFailure {
	error: string;
	fields: Record<string, string>;
	values: Record<string, string>;
}

/** A form field as text, or undefined (a file or a missing field): services' zod schemas decide the rest. */
export function formText(data: FormData, name: string): string | undefined {
	const v = data.get(name);
	return typeof v === 'string' ? v : undefined;
}

/** Plain fields of a form, without secrets, to refill it after an error. */
export function formValues(data: FormData, secret: string[] = ['password', 'current', 'next', 'confirm']) {
	const values: Record<string, string> = {};
	for (const [key, value] of data) if (typeof value === 'string' && !secret.includes(key)) values[key] = value;
	return values;
}

/**
 * Runs a form action's service call and turns the errors a user can cause into a localised
 * `fail()` that the page shows beside the form. Anything else is a real bug and propagates.
 */
export async function act<T>(event: RequestEvent, data: FormData, fn: () => Promise<T> | T) {
	const t = translator(event.locals.locale, event.locals.easyRead);
	try {
		return await fn();
	} catch (err) {
		if (isRedirect(err)) throw err;
		const values = formValues(data);
		const failure = (status: number, error: string, fields: Record<string, string> = {}) =>
			fail(status, { error, fields, values } as FormFailure);
		if (err instanceof ValidationError)
			return failure(400, t('error.checkForm'), Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, t(v)])));
		if (err instanceof UserError) return failure(err.status, t(err.code, err.values));
		if (err instanceof ForbiddenError) return failure(403, t(err.reason === 'readOnly' ? 'practice.readOnly' : 'error.forbidden'));
		if (isDatabaseUnavailable(err)) return failure(503, t(unavailable(event, err)));
		throw err;
	}
}

/** For load functions: a user's mistake becomes a localised error page, never a 500. */
export async function load<T>(event: RequestEvent, fn: () => Promise<T> | T): Promise<T> {
	const t = translator(event.locals.locale, event.locals.easyRead);
	try {
		return await fn();
	} catch (err) {
		if (err instanceof UserError) error(err.status, { message: t(err.code, err.values), code: err.code });
		if (err instanceof ForbiddenError)
			error(event.locals.user ? 403 : 401, {
				message: t(!event.locals.user ? 'error.signInRequired' : err.reason === 'readOnly' ? 'practice.readOnly' : 'error.forbidden'),
				code: 'forbidden'
			});
		if (isDatabaseUnavailable(err)) error(503, { message: t(unavailable(event, err)), code: 'error.unexpected' });
		throw err;
	}
}

/** Logged on one line without the query or its parameters (they may carry personal data). */
function unavailable(event: RequestEvent, err: unknown): 'error.unexpected' {
	const code = (err as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (err as { code?: unknown }).code;
	log.warn('database unavailable: request refused with "try again"', { requestId: event.locals.requestId, path: event.url.pathname, code: String(code ?? 'unknown') });
	return 'error.unexpected';
}

export function clientIp(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

/**
 * Only a path on this site: never an open redirect. Browsers read `/\evil.example` as
 * `//evil.example` and strip tabs and newlines before resolving, so those are refused outright and
 * the rest is resolved against our own origin and kept only if it stays there.
 */
export function safeRedirect(value: unknown, base: URL | string = 'http://localhost/'): string {
	if (typeof value !== 'string' || !value.startsWith('/')) return '/';
	const cleaned = value.replace(/[\t\n\r]/g, '');
	if (cleaned.startsWith('//') || cleaned.includes('\\') || /%5c|%2f%2f/i.test(cleaned)) return '/';
	try {
		const origin = new URL(base).origin;
		const target = new URL(cleaned, origin);
		const path = target.pathname + target.search + target.hash;
		// Resolution can itself produce a protocol-relative path ('/.//evil.example' → '//evil.example').
		return target.origin === origin && !path.startsWith('//') ? path : '/';
	} catch {
		return '/';
	}
}
