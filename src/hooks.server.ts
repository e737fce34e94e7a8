import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { defaultLocale, easyReadApplies, localeFromAcceptLanguage, translator } from '$lib/i18n';
import { app, shared, startApp } from '$lib/server/app';
import { config } from '$lib/server/config';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth/session';
import { setSessionCookie, readingFromCookies, setReadingCookies } from '$lib/server/auth/cookies';
import { log } from '$lib/server/log';
import { addReadinessCheck } from '$lib/server/health';
import { isDatabaseUnavailable } from '$lib/server/db/errors';
import { attachRealtime } from '$lib/server/realtime/hub';
import { startScheduler } from '$lib/server/scheduler';
import { discardUnreadBody, guardFormBody } from '$lib/server/http/body';
import { securityHeaders } from '$lib/server/http/headers';
import { DEFAULT_HTML_TAG, htmlTagFor } from '$lib/server/http/html-tag';
import { HTTP_SERVER_KEY, REALTIME_KEY } from '$lib/server/process-slots';


/** Runs migrations at start and attaches socket.io to the process's HTTP server (see src/server.ts). */
export const init: ServerInit = async () => {
	const services = await startApp();
	const g = globalThis as Record<symbol, unknown>;
	const httpServer = g[HTTP_SERVER_KEY] as HttpServer | undefined;
	if (httpServer && !g[REALTIME_KEY]) {
		// With REDIS_URL, socket.io's rooms and broadcasts span every node (Redis Streams adapter).
		const realtime = attachRealtime(httpServer, services, { origin: config().ORIGIN, adapter: shared().socketAdapter?.() });
		g[REALTIME_KEY] = realtime;
		// Ready for the load balancer once the adapter has joined the cluster's channels and reads its stream (shared/index.ts).
		const cluster = shared().socketReadiness?.(realtime.io);
		if (cluster) addReadinessCheck(cluster);
		// Scheduled openings and closings: one scheduler per server process, beside the doors.
		const stop = startScheduler(services);
		httpServer.on('close', stop);
	}
};

const services: Handle = ({ event, resolve }) => {
	event.locals.requestId = randomUUID();
	event.locals.services = app();
	return resolve(event);
};

const session: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(SESSION_COOKIE);
	event.locals.user = null;
	event.locals.sessionId = null;
	if (token) {
		const { data, clock } = event.locals.services.deps;
		const result = await validateSessionToken(data, clock, token);
		if (result.session && result.user) {
			event.locals.user = result.user;
			event.locals.sessionId = result.session.id;
			if (result.renewed) setSessionCookie(event.cookies, token, result.session.expiresAt, event.url);
		} else {
			event.cookies.delete(SESSION_COOKIE, { path: '/' });
		}
	}
	return resolve(event);
};

/**
 * The device's choice first (its cookie), so two devices of one person can read two languages; a device
 * with no choice yet takes the account's (and keeps it from then on), then the browser's languages, then
 * French. Easy-read French follows the same order.
 */
const locale: Handle = ({ event, resolve }) => {
	const device = readingFromCookies(event.cookies);
	const user = event.locals.user;
	event.locals.locale =
		device.locale ?? user?.locale ?? localeFromAcceptLanguage(event.request.headers.get('accept-language')) ?? defaultLocale;
	event.locals.easyRead = device.easyRead ?? user?.easyRead ?? false;
	// A signed-in device without its own choice keeps what it shows now, so a later switch on another
	// device (which changes the account's default) does not switch this one.
	if (user && (device.locale === null || device.easyRead === null))
		setReadingCookies(event.cookies, { locale: event.locals.locale, easyRead: event.locals.easyRead }, event.url);
	// src/app.html's <html> tag is the default reading's: other readings replace it (see html-tag.ts).
	// A large page's body reaches transformPageChunk without its parts (src/build/page-parts.ts): fine
	// for the <html> tag, which comes before them; not for a change to the page's content.
	const tag = htmlTagFor(event.locals.locale, easyReadApplies(event.locals.locale, event.locals.easyRead));
	return resolve(event, tag === null ? undefined : { transformPageChunk: ({ html }) => html.replace(DEFAULT_HTML_TAG, tag) });
};

/** After the session and locale are known: a malformed form body is the client's 400, never our 500. */
const forms: Handle = async ({ event, resolve }) => {
	guardFormBody(event);
	const response = await resolve(event);
	await discardUnreadBody(event.request);
	return response;
};

const headers: Handle = async ({ event, resolve }) => securityHeaders(event, await resolve(event));

export const handle = sequence(headers, services, session, locale, forms);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const requestId = event.locals.requestId ?? randomUUID();
	// SvelteKit's own 4xx (no such action, a form posted as JSON: 415) are the client's doing: one
	// line, no stack. Only a 5xx is our bug and gets the stack.
	// The database out of reach (PostgreSQL restarting, SQLite busy past its timeout) is not a bug:
	// one warning line, without the query or its parameters; the page says "try again in a moment".
	if (status >= 500 && isDatabaseUnavailable(error)) log.warn('database unavailable', { requestId, path: event.url.pathname, code: (error as { code?: unknown }).code ?? null });
	else if (status >= 500) log.error('unexpected error', { requestId, path: event.url.pathname, err: error instanceof Error ? error.stack : String(error) });
	else if (status !== 404) log.info('refused request', { requestId, path: event.url.pathname, status, message });
	const t = translator(event.locals.locale ?? defaultLocale, event.locals.easyRead ?? false);
	return { message: status === 404 ? message : status < 500 ? t('security.badRequest') : 'error.unexpected', requestId };
};
