/**
 * Production entry: one HTTP server for SvelteKit pages and socket.io. The server is left in a
 * global slot before the SvelteKit handler loads, so that hooks.server.ts `init` attaches socket.io
 * to it (one copy of every module, shared by both doors).
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { loadConfig, ConfigError } from './lib/server/config';

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

const server = createServer();
(globalThis as Record<symbol, unknown>)[Symbol.for('tib.httpServer')] = server;

const { handler } = (await import(pathToFileURL(resolve('build/handler.js')).href)) as {
	handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
};

server.on('request', (req, res) => {
	// socket.io answers its own path; everything else is SvelteKit's.
	if (req.url?.startsWith('/socket.io/')) return;
	handler(req, res);
});

server.listen(cfg.PORT, cfg.HOST, () => {
	const shown = cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST;
	console.log(`Listening on ${cfg.ORIGIN ?? `http://${shown}:${cfg.PORT}`}`);
});

const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
