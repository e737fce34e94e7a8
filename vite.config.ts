import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileMessage } from './src/lib/i18n/compile.js';
import { scanRouteKeys } from './src/lib/i18n/route-keys.js';
import { iconDataOf, inlineIcons } from './src/build/inline-icons.js';

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
 * becomes an empty registry there; the root layout's data brings the texts of the page, compiled
 * (src/lib/i18n/compile.ts), and the whole catalogues of `$lib/i18n/locales/*` (fetched only for a key
 * a page was not sent) are compiled at build time. So the browser needs no ICU parser: it gets the
 * parser package's `no-parser` entry (same element helpers, a `parse` that throws).
 */
function catalogueChunksInBrowser(): Plugin {
	const empty = '\0i18n-bundled-browser';
	const locale = /[\\/]src[\\/]lib[\\/]i18n[\\/]locales[\\/][\w-]+\.ts$/;
	return {
		name: 'tib-i18n-browser-catalogues',
		enforce: 'pre',
		async resolveId(source, importer, options) {
			if (options?.ssr || !importer) return null;
			if (source === './bundled' && /[\\/]src[\\/]lib[\\/]i18n[\\/]index\.ts$/.test(importer)) return empty;
			if (source === '@formatjs/icu-messageformat-parser') return this.resolve('@formatjs/icu-messageformat-parser/no-parser.js', importer, { skipSelf: true });
			return null;
		},
		load(id, options) {
			if (id === empty) return 'export const bundled = {};';
			if (options?.ssr || !locale.test(id)) return null;
			// `locales/fr.ts` merges its JSON imports in order: the same, compiled.
			const source = readFileSync(id, 'utf8');
			const merged: Record<string, string> = {};
			for (const m of source.matchAll(/from '(\.\.\/messages\/[\w.-]+\.json)'/g)) {
				const file = join(dirname(id), m[1]!);
				this.addWatchFile(file);
				Object.assign(merged, JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
			}
			const out = Object.fromEntries(Object.entries(merged).map(([key, text]) => [key, compileMessage(text)]));
			return `export default ${JSON.stringify(out)};`;
		}
	};
}

/**
 * `virtual:i18n-route-keys`: for the server's root layout, the message keys each page's browser code
 * can show (src/lib/i18n/route-keys.ts), so that the browser gets those texts with the page's data.
 */
function routeMessageKeys(): Plugin {
	const id = 'virtual:i18n-route-keys';
	const resolved = `\0${id}`;
	return {
		name: 'tib-i18n-route-keys',
		resolveId: (source) => (source === id ? resolved : null),
		load(loaded) {
			if (loaded !== resolved) return null;
			const root = process.cwd();
			const dir = join(root, 'src/lib/i18n/messages');
			const keys = readdirSync(dir)
				.filter((f) => f.endsWith('.fr.json'))
				.flatMap((f) => Object.keys(JSON.parse(readFileSync(join(dir, f), 'utf8')) as object));
			const { routes, files } = scanRouteKeys(root, keys);
			for (const file of files) this.addWatchFile(file);
			const all = [...new Set(Object.values(routes).flat())].sort();
			const index = new Map(all.map((k, i) => [k, i]));
			const compact = Object.fromEntries(Object.entries(routes).map(([route, ks]) => [route, ks.map((k) => index.get(k))]));
			return `const keys = ${JSON.stringify(all)};\nconst routes = ${JSON.stringify(compact)};\nexport default Object.fromEntries(Object.entries(routes).map(([r, ix]) => [r, ix.map((i) => keys[i])]));\n`;
		}
	};
}

/** lucide icons written as `<svg>` markup into each component (src/build/inline-icons.ts). */
function inlineLucideIcons(): Plugin {
	return {
		name: 'tib-inline-icons',
		enforce: 'pre',
		async transform(code, id) {
			if (!id.endsWith('.svelte') || id.includes('/node_modules/') || !code.includes('@lucide/svelte/icons/')) return null;
			const out = await inlineIcons(code, async (icon) => {
				const resolved = await this.resolve(`@lucide/svelte/icons/${icon}`, id);
				if (!resolved) throw new Error(`inline-icons: no lucide icon ${icon}`);
				// `icons/x` resolves to `x.js`, which re-exports a component (`x.svelte`, or the icon's new name).
				let file = resolved.id.split('?')[0]!;
				const target = /from\s+["'](\.\/[\w-]+\.svelte)["']/.exec(readFileSync(file, 'utf8'))?.[1];
				if (target) file = join(dirname(file), target);
				this.addWatchFile(file);
				return iconDataOf(readFileSync(file, 'utf8'));
			});
			return out === null ? null : { code: out, map: null };
		}
	};
}

export default defineConfig({
	plugins: [realtimeDevServer(), catalogueChunksInBrowser(), routeMessageKeys(), inlineLucideIcons(), sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000,
		hookTimeout: 30_000,
		pool: 'forks'
	}
});
