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

export default defineConfig({
	plugins: [realtimeDevServer(), sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000,
		hookTimeout: 30_000,
		pool: 'forks'
	}
});
