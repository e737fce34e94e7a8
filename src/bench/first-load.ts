/**
 * The scripts of a page's first load, read from the built app (`.svelte-kit/output`), for
 * `npm run bench -- bundle` and the size guard in tests/e2e/first-load.spec.ts: SvelteKit's entries,
 * the root layout, the root error page (the router loads it at start) and the page's node, each with
 * its static imports followed through Vite's client manifest (the page's `modulepreload` links), and
 * what the page's code may fetch later, when used (its dynamic imports). Sizes are gzip (level 6, as
 * `gzip -c`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const OUT = '.svelte-kit/output';
const NODES = '.svelte-kit/generated/client-optimized/nodes';

interface ManifestChunk {
	file: string;
	imports?: string[];
	dynamicImports?: string[];
}

/** The client node of a route: the server node whose component is the route's `+page.svelte`. */
function nodeOf(routeId: string): number {
	const entry = `entries/pages${routeId.replace(/\[(\w+)\]/g, '_$1_')}/_page.svelte.js`;
	for (const name of readdirSync(join(OUT, 'server/nodes'))) {
		if (readFileSync(join(OUT, 'server/nodes', name), 'utf8').includes(entry)) return Number(name.replace(/\.js$/, ''));
	}
	throw new Error(`no built node for ${routeId}`);
}

export interface PageScripts {
	firstLoad: Map<string, number>;
	later: Map<string, number>;
}

/** The scripts of a page's first load and those its code may fetch later, file → gzip bytes. */
export function pageScripts(routeId: string): PageScripts {
	const manifest = JSON.parse(readFileSync(join(OUT, 'client/.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
	const size = (file: string) => gzipSync(readFileSync(join(OUT, 'client', file))).byteLength;
	const notCatalogue = (key: string) => !key.includes('src/lib/i18n/locales/');
	const closure = (roots: string[], into: Map<string, number>, skip: ReadonlyMap<string, number>, dynamic = false) => {
		const stack = [...roots];
		while (stack.length) {
			const chunk = manifest[stack.pop()!];
			if (!chunk || into.has(chunk.file) || skip.has(chunk.file)) continue;
			into.set(chunk.file, size(chunk.file));
			stack.push(...(chunk.imports ?? []));
			if (dynamic) stack.push(...(chunk.dynamicImports ?? []).filter(notCatalogue));
		}
	};
	const app = '.svelte-kit/generated/client-optimized/app.js';
	const firstLoad = new Map<string, number>();
	closure(['node_modules/@sveltejs/kit/src/runtime/client/entry.js', app, `${NODES}/0.js`, `${NODES}/1.js`, `${NODES}/${nodeOf(routeId)}.js`], firstLoad, new Map());
	// Dynamic imports of the page's code, and theirs in turn (the co-editor's component, then Tiptap):
	// not the router's table of every page, not the whole catalogues (fetched only if a page shows a
	// key it was not sent).
	const files = new Set(firstLoad.keys());
	const dynamic = Object.entries(manifest)
		.filter(([key, chunk]) => key !== app && files.has(chunk.file))
		.flatMap(([, chunk]) => chunk.dynamicImports ?? [])
		.filter(notCatalogue);
	const later = new Map<string, number>();
	closure(dynamic, later, firstLoad, true);
	return { firstLoad, later };
}

export const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
export const total = (files: Map<string, number>) => [...files.values()].reduce((a, b) => a + b, 0);
