import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileMessage } from './src/lib/i18n/compile.js';
import { scanRouteKeys } from './src/lib/i18n/route-keys.js';
import { createHash } from 'node:crypto';
import { iconDataOf, inlineIcons, lucideImports, spriteOf, styledClasses, type IconData } from './src/build/inline-icons.js';
import { serverUnevalKeep } from './src/build/uneval-keep.js';
import { oneBytePage } from './src/build/one-byte-page.js';
import { pageParts } from './src/build/page-parts.js';

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

/**
 * lucide icons written as `<svg>` markup into each component (src/build/inline-icons.ts). In the
 * built app each icon is a `<use>` of one sprite of every icon the sources import (an immutable,
 * hashed asset the browser caches once), so the icons' drawings are not in the pages' scripts either;
 * in development (and tests) each `<svg>` carries its own drawing.
 */
function lucideIcons(): Plugin {
	const dir = join(process.cwd(), 'node_modules/@lucide/svelte/dist/icons');
	const load = (icon: string): IconData => {
		// `icons/x.js` re-exports a component: `x.svelte`, or the one of the icon's new name.
		const entry = join(dir, `${icon}.js`);
		const target = /from\s+["'](\.\/[\w-]+\.svelte)["']/.exec(readFileSync(entry, 'utf8'))?.[1];
		if (!target) throw new Error(`inline-icons: no lucide icon ${icon}`);
		return iconDataOf(readFileSync(join(dir, target), 'utf8'));
	};
	let build = false;
	let sprite: { source: string; href: string; styled: Set<string> } | null = null;
	// Every icon the sources import, and lucide's classes their styles name, read before any file is
	// transformed, so that the server's build and the browser's write the same address and markup.
	const theSprite = () => {
		if (sprite) return sprite;
		const names = new Set<string>();
		const styles: string[] = [];
		const walk = (folder: string) => {
			for (const entry of readdirSync(folder, { withFileTypes: true })) {
				const path = join(folder, entry.name);
				if (entry.isDirectory()) walk(path);
				else if (entry.name.endsWith('.svelte') || entry.name.endsWith('.css')) {
					const source = readFileSync(path, 'utf8');
					styles.push(source);
					if (entry.name.endsWith('.svelte')) for (const icon of lucideImports(source).values()) names.add(icon);
				}
			}
		};
		walk(join(process.cwd(), 'src'));
		const source = spriteOf([...names].map(load));
		const hash = createHash('sha256').update(source).digest('hex').slice(0, 8);
		// A short address (a board page names it ~600 times), still under SvelteKit's immutable folder.
		return (sprite = { source, href: `/_app/immutable/i.${hash}.svg`, styled: styledClasses(styles) });
	};
	return {
		name: 'tib-inline-icons',
		enforce: 'pre',
		configResolved(config) {
			build = config.command === 'build';
		},
		async transform(code, id) {
			if (!id.endsWith('.svelte') || id.includes('/node_modules/') || !code.includes('@lucide/svelte/icons/')) return null;
			const out = await inlineIcons(code, async (icon) => load(icon), build ? theSprite().href : undefined, build ? theSprite().styled : undefined);
			return out === null ? null : { code: out, map: null };
		},
		generateBundle() {
			if (build && this.environment.config.consumer === 'client') this.emitFile({ type: 'asset', fileName: theSprite().href.slice(1), source: theSprite().source });
		}
	};
}

/**
 * The code every page runs, in one script instead of a dozen (issue 15, goal 4): Svelte's runtime,
 * SvelteKit's client (with devalue), Vite's preload helper, the i18n runtime, the live connection's
 * loader and the few components of the root layout. They are on every first load anyway; as separate
 * files each was gzipped on its own (~2 KB more in all). Parts of Svelte's runtime that only some
 * pages use (transitions and animations, input and size bindings, `{@html}`, `<svelte:element>`) stay
 * out of it and come with those pages.
 *
 * Svelte's package does not declare its modules free of side effects, so a page that imports
 * `svelte/internal/client` would depend on every module that barrel re-exports, and they would all be
 * bundled together; only the modules a compiled component imports for their effect (the flags, the
 * version stamp and, from Svelte 5.59 on, `init-operations`, which sets up the DOM accessors that
 * hydration walks with: without it no page hydrates) have any.
 */
function frameworkChunk(): Plugin {
	const svelte = /[\\/]node_modules[\\/]svelte[\\/]src[\\/]/;
	const withEffects = /[\\/]internal[\\/](flags[\\/]|disclose-version|init-operations)/;
	const everyPage = new RegExp(
		[
			/[\\/]node_modules[\\/](svelte|@sveltejs[\\/]kit|devalue|clsx|esm-env)[\\/]/,
			/vite[\\/]preload-helper/,
			/\0i18n-bundled-browser/,
			/[\\/]@formatjs[\\/]icu-messageformat-parser[\\/]no-parser/,
			/[\\/]src[\\/]lib[\\/]i18n[\\/](index|format|context\.svelte|compile)\.ts$/,
			/[\\/]src[\\/]lib[\\/]client[\\/]socket\.ts$/,
			/[\\/]src[\\/]lib[\\/]client[\\/]collab[\\/]offline-copies\.ts$/,
			/[\\/]src[\\/]lib[\\/]components[\\/]form-message\.svelte$/
		]
			.map((r) => r.source)
			.join('|')
	);
	const somePages = /[\\/]svelte[\\/]src[\\/](animate|easing)[\\/]|[\\/]internal[\\/]client[\\/](loop|timing|dom[\\/]elements[\\/]transitions|dom[\\/]elements[\\/]bindings[\\/](input|size)|dom[\\/]blocks[\\/](html|svelte-element))\.js$/;
	// The board's parts that its proposal pages show too (and its projector): one script, not four.
	const boardAndProposal = /[\\/]src[\\/]lib[\\/](components[\\/]board[\\/](category-icon|move-menu|live-status)\.svelte|client[\\/]board-live\.svelte\.ts)$/;
	return {
		name: 'tib-framework-chunk',
		applyToEnvironment: (environment) => environment.config.consumer === 'client',
		options(options) {
			const own = options.treeshake;
			if (own === false) return null;
			const moduleSideEffects = (id: string) => (svelte.test(id) && !withEffects.test(id) ? false : undefined);
			return { ...options, treeshake: { ...(typeof own === 'object' ? own : {}), moduleSideEffects } };
		},
		outputOptions(options) {
			return {
				...options,
				codeSplitting: {
					groups: [
						{ name: 'framework', test: (id: string) => everyPage.test(id) && !somePages.test(id) },
						{ name: 'board', test: boardAndProposal }
					]
				}
			};
		}
	};
}

/**
 * SvelteKit gives every server-rendered page an ETag: a djb2 hash of the whole HTML, computed in
 * JavaScript on the main thread (~2 ms for the board of 120 ideas, the largest single cost of that
 * page after rendering it; issue 15, goal 5). It can never serve a 304 here: each page carries the
 * request's CSP nonce (svelte.config.js `csp`, every page has SvelteKit's inline bootstrap script),
 * so no two responses have the same HTML, and signed-in pages are `no-store` anyway. The server's
 * build drops that one statement. If SvelteKit changes it, the build fails here rather than quietly
 * hashing again: look at `page/render.js` and update the statement below.
 */
function noPageEtag(): Plugin {
	const file = /[\\/]@sveltejs[\\/]kit[\\/]src[\\/]runtime[\\/]server[\\/]page[\\/]render\.js$/;
	const statement = 'headers.set(\'etag\', `"${hash(transformed)}"`);';
	return {
		name: 'tib-no-page-etag',
		applyToEnvironment: (environment) => environment.config.consumer === 'server',
		transform(code, id) {
			if (!file.test(id.split('?')[0]!)) return null;
			if (!code.includes(statement)) this.error(`tib-no-page-etag: SvelteKit's page renderer no longer has ${statement}`);
			return { code: code.replace(statement, ''), map: null };
		}
	};
}

/**
 * Svelte's server renderer (5.57) runs the `onDestroy` callbacks of a render by walking its tree of
 * renderers with nested generators (`yield*` at every level): on the board of 120 ideas that walk
 * allocated ~0.5 MB per page (an iterator result per renderer and per level it passes through, 14 % of
 * all the page's allocations, measured with V8's sampling heap profiler) and ~0.3 ms of the main
 * thread's CPU, for a page that registers no such callback (issue 15, goal 5). Svelte 5.59 walks the
 * same tree with a plain recursive function; that release also grows the browser's runtime by ~4 KB
 * gzip, which would take the board, proposal and vote pages past their 60 KB (goal 4). So the server's
 * build takes that one change from 5.59 (the same order: deepest component first, each with its own
 * callbacks and then its non-component children's in document order). If Svelte's code is no longer
 * the one below (an upgrade), the build fails here: from 5.59 on, remove this plugin.
 */
function serverOnDestroyWalk(): Plugin {
	const file = /[\\/]svelte[\\/]src[\\/]internal[\\/]server[\\/]renderer\.js$/;
	// One callback, as the renderer calls it (its errors kept for after the walk), in both versions.
	const call = `			try {
				cleanup();
			} catch (error) {
				if (!suppress_errors && !has_error) {
					first_error = error;
					has_error = true;
				}
			}
`;
	// The generators' loop, which is replaced (the generator methods stay, unused).
	const run = `		for (const cleanup of this.#collect_on_destroy()) {\n${call}		}\n`;
	const walk = `		const visit = (renderer, callbacks) => {
			if (renderer.#is_component_body) callbacks = [];
			if (renderer.#on_destroy) for (const fn of renderer.#on_destroy) callbacks.push(fn);
			for (const child of renderer.#out) {
				if (child instanceof Renderer) visit(child, callbacks);
			}
			if (!renderer.#is_component_body) return;
			for (const cleanup of callbacks) {\n${call}			}
		};
		visit(this, []);
`;
	return {
		name: 'tib-server-on-destroy-walk',
		applyToEnvironment: (environment) => environment.config.consumer === 'server',
		transform(code, id) {
			if (!file.test(id.split('?')[0]!)) return null;
			if (!code.includes(run)) this.error("tib-server-on-destroy-walk: Svelte's server renderer no longer walks its callbacks with generators (Svelte 5.59 or later?): remove this plugin");
			return { code: code.replace(run, walk), map: null };
		}
	};
}

export default defineConfig({
	plugins: [realtimeDevServer(), catalogueChunksInBrowser(), routeMessageKeys(), lucideIcons(), frameworkChunk(), noPageEtag(), serverOnDestroyWalk(), pageParts(), serverUnevalKeep(), oneBytePage(), sveltekit()],
	// devalue (what SvelteKit writes a page's data with) goes through the server build's plugins, for
	// serverUnevalKeep and oneBytePage (src/build/); left external, adapter-node would bundle it untouched.
	ssr: { noExternal: ['devalue'] },
	build: {
		modulePreload: {
			// The router's table of pages (`entry/app.js`, on every first load) would list, for each of the
			// ~80 pages, every script that page imports, so that a client-side navigation fetches them at
			// once: ~2 KB gzip of file names on every first load (issue 15, goal 4). It keeps each page's
			// styles (Vite needs them to load a page's CSS); the scripts then arrive through the page's own
			// imports, and the page a link leads to is already fetched on hover (`data-sveltekit-preload-data`).
			resolveDependencies: (_file, deps, { hostId }) => (/(^|\/)entry\/app\.[\w-]+\.js$/.test(hostId) ? [] : deps)
		}
	},
	test: {
		include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		// Password hashes at scrypt N = 2^12 instead of 2^17 (config.ts): the same code, ~30 times cheaper
		// per sign-in. password.test.ts hashes once at the default cost, which is 17.
		env: { PASSWORD_HASH_COST: '12' },
		testTimeout: 20_000,
		hookTimeout: 30_000,
		pool: 'forks',
		// Vitest's default is one worker less than the cores: a single worker on a 2-core machine. Most
		// files wait on PostgreSQL's fsyncs, sockets and child processes rather than compute, so two run
		// side by side (each test app has its own SQLite file or PostgreSQL database, ports are spare ones).
		maxWorkers: 2,
		// Each worker keeps the modules it has loaded from one test file to the next, as the server process
		// does, instead of importing them all again for each of the ~110 files (~1.5 s per file of a worker's
		// time). Every file builds its own test app, database and servers (testing/index.ts); what modules
		// keep between files is caches. 264 s -> 192-208 s here, every test passing also in shuffled order
		// (`--sequence.shuffle.files`). `--isolate` runs a suspect file alone in fresh modules.
		isolate: false
	}
});
