import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';

/**
 * In development Vite owns the HTTP server. We leave it in a global slot (the same one src/server.ts
 * fills in production) so that hooks.server.ts `init` attaches socket.io to it the same way.
 */
function realtimeDevServer(): Plugin {
	const expose = (httpServer: unknown) => {
		if (httpServer) (globalThis as Record<symbol, unknown>)[Symbol.for('tib.httpServer')] = httpServer;
	};
	return {
		name: 'tib-realtime-dev',
		configureServer: (server) => expose(server.httpServer),
		configurePreviewServer: (server) => expose(server.httpServer)
	};
}

/**
 * The browser gets no catalogue in its bundle: `$lib/i18n/bundled` (every language, for the server)
 * becomes an empty registry there, and the root layout loads the one language being read.
 */
function catalogueChunksInBrowser(): Plugin {
	const empty = '\0i18n-bundled-browser';
	return {
		name: 'tib-i18n-browser-catalogues',
		enforce: 'pre',
		resolveId(source, importer, options) {
			if (options?.ssr || !importer) return null;
			if (source === './bundled' && /[\\/]src[\\/]lib[\\/]i18n[\\/]index\.ts$/.test(importer)) return empty;
			return null;
		},
		load: (id) => (id === empty ? 'export const bundled = {};' : null)
	};
}

export default defineConfig({
	plugins: [realtimeDevServer(), catalogueChunksInBrowser(), sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000,
		hookTimeout: 30_000,
		pool: 'forks'
	}
});
