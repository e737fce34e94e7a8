/**
 * JavaScript on first load (issue 15, goal 4), read from the built app (`npm run build`; the bench
 * builds it when it is older than the sources): for the board, a proposal and a vote page, the gzip
 * size (level 6, what `gzip -c` gives) of every script the browser fetches before the page is usable:
 * SvelteKit's entries, the root layout, the root error page (the router loads it at start) and the
 * page's node, each with its static imports followed through Vite's client manifest — the same files
 * as the page's `modulepreload` links. Against the goal of 60 KB each.
 *
 * Also printed, not counted: what the page's code may fetch later, when used, and what those fetch in
 * turn (dynamic imports: the live connection once the page is on screen, drag and drop for those who
 * move cards, the co-editor's component once the page is on screen and then Tiptap and Yjs),
 * and the texts of the page (its message keys in French) that come with the page's data, not as a
 * script (see src/lib/i18n/route-keys.ts).
 *
 *   npm run bench -- bundle
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildIfStale } from '../cli/build-stale';
import { kb, pageScripts, total } from './first-load';
import { messagesFor } from '../lib/i18n';
import { scanRouteKeys } from '../lib/i18n/route-keys';
import { atMost, type BenchRow } from './row';

export const JS_GOAL_KB = 60;
const OUT = '.svelte-kit/output';
const PAGES: [string, string][] = [
	['board', '/r/[id]/board'],
	['proposal', '/r/[id]/board/p/[pid]'],
	['vote', '/c/[cid]']
];

export async function benchBundle(): Promise<BenchRow[]> {
	buildIfStale();
	if (!existsSync(join(OUT, 'client/.vite/manifest.json'))) throw new Error('no client manifest: run npm run build');
	const dir = resolve('src/lib/i18n/messages');
	const keys = readdirSync(dir)
		.filter((f) => f.endsWith('.fr.json'))
		.flatMap((f) => Object.keys(JSON.parse(readFileSync(join(dir, f), 'utf8')) as object));
	const { routes } = scanRouteKeys(process.cwd(), keys);
	const rows: BenchRow[] = [];
	for (const [name, routeId] of PAGES) {
		const { firstLoad, later } = pageScripts(routeId);
		const first = kb(total(firstLoad));
		const texts = gzipSync(JSON.stringify(messagesFor({ locale: 'fr', easyRead: false }, routes[routeId] ?? []))).byteLength;
		rows.push(
			{ name: `first-load JS, ${name} page (${firstLoad.size} files; goal ≤ ${JS_GOAL_KB} KB gzip)`, value: first, unit: 'KB', goal: atMost(4, JS_GOAL_KB) },
			{ name: `first-load JS, ${name} page: ratio to the goal (≤ 1 meets it)`, value: Math.round((first / JS_GOAL_KB) * 100) / 100, unit: '×' },
			{ name: `  ${name} page: fetched later, when used (${later.size} files, not counted)`, value: kb(total(later)), unit: 'KB' },
			{ name: `  ${name} page: its texts, with the page's data (French, not a script)`, value: kb(texts), unit: 'KB' }
		);
	}
	return rows;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
	const verbose = process.argv.includes('-v');
	const results = await benchBundle();
	const width = Math.max(...results.map((r) => r.name.length));
	for (const r of results) console.log(`${r.name.padEnd(width)}  ${String(r.value).padStart(8)}  ${r.unit}`);
	if (verbose)
		for (const [name, routeId] of PAGES) {
			console.log(`\n${name}: first load, largest files`);
			const { firstLoad } = pageScripts(routeId);
			for (const [file, bytes] of [...firstLoad].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(bytes).padStart(7)}  ${file}`);
		}
	process.exit(0);
}
