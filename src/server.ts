/**
 * Production entry: one HTTP server for SvelteKit pages and socket.io. The server is left in a
 * global slot before the SvelteKit handler loads, so that hooks.server.ts `init` attaches socket.io
 * to it (one copy of every module, shared by both doors).
 */
import compression from 'compression';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import zlib from 'node:zlib';
import { loadConfig, ConfigError, OWASP_PASSWORD_HASH_COST } from './lib/server/config';
import { APP_KEY, HTTP_SERVER_KEY, REALTIME_KEY } from './lib/server/process-slots';
import { drainOnceThroughCompression } from './lib/server/http/drain-once';
import { createTurns, readerGone } from './lib/server/http/turns';

let cfg;
try {
	cfg = loadConfig();
} catch (err) {
	if (err instanceof ConfigError) {
		console.error(err.message);
		process.exit(1);
	}
	throw err;
}
if (cfg.PASSWORD_HASH_COST < OWASP_PASSWORD_HASH_COST) {
	console.warn(`PASSWORD_HASH_COST=${cfg.PASSWORD_HASH_COST} is below OWASP's minimum for scrypt (${OWASP_PASSWORD_HASH_COST}): passwords are cheaper to guess. Only for test suites.`);
}

// Without ORIGIN, adapter-node assumes https and would refuse every form POST made over plain http
// (local demo, a LAN box in a community room). We then tell it the real protocol of each connection,
// overwriting whatever a client sent in that header. Behind a TLS proxy, set ORIGIN.
const PROTO_HEADER = 'x-tib-connection-proto';
const deriveProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (deriveProtocol) process.env.PROTOCOL_HEADER = PROTO_HEADER;

// Proposal photos may weigh up to 8 MB (the proposals service re-checks the limit); adapter-node's
// default body limit is 512 KB. An explicit BODY_SIZE_LIMIT in the environment still wins.
process.env.BODY_SIZE_LIMIT ??= '10M';

const server = createServer();
(globalThis as Record<symbol, unknown>)[HTTP_SERVER_KEY] = server;
// An idle keep-alive connection stays open 65 s (Node's default: 5 s). A load balancer or a browser
// that sends its next request on a connection just as this side closes it gets a reset, not an
// answer: behind a proxy that keeps idle connections up to a minute (HAProxy's `timeout server 60s`
// in src/cli/haproxy.ts, nginx, a cloud load balancer) that is an occasional 502. The side that
// closes idle connections must be the proxy, so this one waits longer. Unfinished requests are
// still cut by Node's headersTimeout (60 s) and requestTimeout (300 s); a stop closes idle
// connections at once (`shutdown`).
server.keepAliveTimeout = 65_000;

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
let handler: Handler;
try {
	// Loading the handler runs hooks.server.ts `init`: the database is opened and migrated here.
	({ handler } = (await import(pathToFileURL(resolve('build/handler.js')).href)) as { handler: Handler });
} catch (err) {
	console.error(`Cannot start: ${err instanceof Error ? err.message : String(err)}`);
	process.exit(1);
}

/**
 * Pages and JSON are sent gzip- or brotli-compressed when the browser accepts it (the board of 120
 * ideas is ~340 KB of HTML, ~40 KB compressed: a phone gets it sooner, and the server's socket takes
 * it in one write instead of several turns behind other pages). zlib works off the main thread.
 * Static files come precompressed from adapter-node and are left as they are ("already encoded"),
 * as are audio and images (not compressible).
 */
const compress = compression({
	threshold: 1024,
	// Brotli at quality 1 with a 512 KB window (the largest page is ~350 KB): each response's encoder
	// then holds ~1 MB instead of the default 4 MB window's share. Quality 1 is brotli's fast one-pass
	// mode: on the board of 120 ideas (336 KB) it costs the server ~0.5 ms of CPU for 17 KB where
	// quality 4 (the previous setting) cost ~1.5 ms for 15 KB, and gzip level 6 ~1.4 ms for 18 KB
	// (issue 15, goal 5: the page's CPU per request is what bounds pages per second).
	brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_LGWIN]: 19 } }
}) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

// One page started per turn of the event loop, first come first served (turns.ts: without it a busy
// server lets new connections in one per turn, behind every page of the connections already in).
// Built files (scripts, styles, icons under /_app/immutable/) are sent at once: they cost no page
// work, and taking turns would only add a turn to each of the dozens a first visit asks for.
const turns = createTurns();
const IMMUTABLE = '/_app/immutable/';

server.on('request', (req, res) => {
	// socket.io answers its own path; everything else is SvelteKit's.
	if (req.url?.startsWith('/socket.io/')) return;
	if (deriveProtocol) req.headers[PROTO_HEADER] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
	// RFC 8058 one-click unsubscribe: mail providers POST from their own servers with no Origin header,
	// which SvelteKit's CSRF check refuses. On that one path the signed token in the URL is the whole
	// authority (and the action only turns e-mails off), so the request is given our own origin.
	if (req.method === 'POST' && !req.headers.origin && req.url?.startsWith('/unsubscribe/')) {
		const proto = req.headers[(process.env.PROTOCOL_HEADER ?? '').toLowerCase()] ?? 'https';
		req.headers.origin = process.env.ORIGIN ?? `${String(proto)}://${req.headers.host ?? 'localhost'}`;
	}
	const serve = () =>
		compress(req, res, () => {
			// SvelteKit's waits for 'drain' fire once each behind compression (drain-once.ts).
			drainOnceThroughCompression(res);
			handler(req, res);
		});
	if (req.url?.startsWith(IMMUTABLE)) serve();
	// A reader who gave up while waiting for the turn (closed the tab, lost the network) is not served.
	else turns.take(serve, () => readerGone(req));
});

server.on('error', (err: NodeJS.ErrnoException) => {
	if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
		console.error(`Cannot listen on ${cfg.HOST}:${cfg.PORT} (${err.code === 'EADDRINUSE' ? 'the port is already in use' : 'permission denied'}). Stop the other server or set PORT to another port.`);
		process.exit(1);
	}
	throw err;
});

server.listen(cfg.PORT, cfg.HOST, () => {
	const shown = cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST;
	console.log(`Listening on ${cfg.ORIGIN ?? `http://${shown}:${cfg.PORT}`}`);
});

/** What hooks.server.ts and app.ts leave in their global slots (process-slots.ts), as used here. */
interface Running {
	realtime?: { io: { disconnectSockets(close: boolean): void } };
	services?: { consultations: { flushBallotBox(): Promise<void> }; settled(): Promise<void> };
}

/**
 * SIGTERM or SIGINT (a restart, a deploy): stop taking connections; hang up the live sockets (browsers
 * reconnect, to another node or to this one once it is back, and recover what they missed); write the
 * votes still waiting in the ballot box, so that their voters get their answer, with the clean-up of the
 * files it owes; let the answers in flight go out (5 s at most), then exit. `server.close()` alone waited
 * for every socket to end: with one phone on a board, the server never stopped until it was killed.
 */
let stopping = false;
async function shutdown() {
	if (stopping) return;
	stopping = true;
	const g = globalThis as Record<symbol, unknown>;
	const running: Running = { realtime: g[REALTIME_KEY] as Running['realtime'], services: g[APP_KEY] as Running['services'] };
	const closed = new Promise<void>((resolve) => server.close(() => resolve()));
	running.realtime?.io.disconnectSockets(true);
	try {
		await running.services?.consultations.flushBallotBox();
		await running.services?.settled();
	} catch (err) {
		console.error('Stopping: the waiting votes could not all be written', err);
	}
	server.closeIdleConnections();
	await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
