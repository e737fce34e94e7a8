/**
 * Build-time (Node, never in the browser): which message keys each page's browser code can show.
 *
 * The browser gets no catalogue file: the root layout's server `load` sends the texts of the page's
 * keys, in the language being read (`messagesFor` in `./index`). This scan finds those keys: from the
 * page's `+page.svelte` and `+page.ts`, every `+layout.svelte`, `+layout.ts` and `+error.svelte` above
 * it, it follows imports (static and dynamic, `$lib/…` and relative, never `$lib/server`) and collects
 * every string literal that is a key, and every literal or template start ending in `.` that begins
 * keys (`t(\`board.status.${s}\`)` takes every `board.status.*`). Too many keys cost a few bytes; a
 * missing one is caught in the browser, which then fetches the whole catalogue (`./index`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const sourceFile = /\.(svelte|ts|js)$/;
const importRe = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\1/g;
// A key-like word right after a quote, before a quote or a template's `${`: no tokenising, so that an
// apostrophe in a comment or in markup cannot hide the literals after it.
const literalRe = /['"`]([A-Za-z][\w.-]*)(?=(['"`]|\$\{))/g;

function resolveImport(spec: string, from: string, lib: string): string | null {
	let base: string;
	if (spec.startsWith('$lib/')) base = join(lib, spec.slice(5));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	else return null;
	if (base.startsWith(join(lib, 'server') + sep) || base.startsWith(join(lib, 'i18n', 'locales')) || base.startsWith(join(lib, 'i18n', 'messages'))) return null;
	for (const candidate of [base, `${base}.ts`, `${base}.js`, `${base}.svelte.ts`, join(base, 'index.ts')])
		if (existsSync(candidate) && statSync(candidate).isFile() && sourceFile.test(candidate)) return candidate;
	return null;
}

/** The keys one file can show: literal keys, and every key under a literal prefix ending in a dot. */
function keysIn(text: string, keys: readonly string[], known: ReadonlySet<string>, into: Set<string>) {
	for (const m of text.matchAll(literalRe)) {
		const literal = m[1]!;
		if (known.has(literal)) into.add(literal);
		// `prefix.${x}…` or 'prefix.' + x: whatever follows, the key starts with the prefix.
		else if ((m[2] === '${' || literal.endsWith('.')) && literal.length > 2) for (const k of keys) if (k.startsWith(literal)) into.add(k);
	}
}

export interface RouteKeys {
	/** Route id (as SvelteKit gives it to `load`, e.g. `/r/[id]/board`) → its keys. */
	routes: Record<string, string[]>;
	/** Every file read, for the dev server to watch. */
	files: string[];
}

export function scanRouteKeys(root: string, keys: readonly string[]): RouteKeys {
	const src = join(root, 'src');
	const routesDir = join(src, 'routes');
	const lib = join(src, 'lib');
	const known = new Set(keys);
	const perFile = new Map<string, { keys: Set<string>; imports: string[] }>();
	const read = (file: string) => {
		let entry = perFile.get(file);
		if (entry) return entry;
		const text = readFileSync(file, 'utf8');
		entry = { keys: new Set(), imports: [] };
		perFile.set(file, entry);
		keysIn(text, keys, known, entry.keys);
		for (const m of text.matchAll(importRe)) {
			const target = resolveImport(m[2]!, file, lib);
			if (target) entry.imports.push(target);
		}
		return entry;
	};
	const reach = (starts: string[]) => {
		const seen = new Set<string>();
		const out = new Set<string>();
		const stack = [...starts];
		while (stack.length) {
			const file = stack.pop()!;
			if (seen.has(file)) continue;
			seen.add(file);
			const { keys: found, imports } = read(file);
			for (const k of found) out.add(k);
			stack.push(...imports);
		}
		return out;
	};
	const routes: Record<string, string[]> = {};
	const walk = (dir: string, inherited: string[]) => {
		const names = readdirSync(dir);
		const here = [...inherited, ...['+layout.svelte', '+layout.ts', '+error.svelte'].filter((n) => names.includes(n)).map((n) => join(dir, n))];
		const page = ['+page.svelte', '+page.ts'].filter((n) => names.includes(n)).map((n) => join(dir, n));
		const id = '/' + relative(routesDir, dir).split(sep).join('/');
		const routeId = id === '/' ? '/' : id;
		if (page.length) routes[routeId] = [...reach([...here, ...page])].sort();
		for (const n of names) if (statSync(join(dir, n)).isDirectory()) walk(join(dir, n), here);
		// What a page without a route (a 404) shows: the layouts and the error page.
		if (dir === routesDir) routes[''] = [...reach(here)].sort();
	};
	walk(routesDir, []);
	return { routes, files: [...perFile.keys()] };
}
