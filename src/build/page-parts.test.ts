import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile } from 'svelte/compiler';
import { parseAst } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PART_CHARS, PARTS_KEY, partsInKit, partsInLegacy, partsInRenderer } from './page-parts';

type Rendered = { head: string; html: string; parts?: string[] };
type Root = { render(props: object, options?: { context?: Map<unknown, unknown> }): Rendered & PromiseLike<Rendered> };

/**
 * The server's build has Svelte's renderer hand a large page over in parts (src/build/page-parts.ts).
 * Here Svelte's own source goes through the same transforms, next to an untouched copy, and renders
 * the same component as SvelteKit renders its root (through the legacy wrapper, asking by the
 * render's context): the parts followed by the rest must be the page the untouched copy renders.
 */
describe('a page rendered in parts (pageParts)', () => {
	const svelte = dirname(createRequire(import.meta.url).resolve('svelte/package.json'));
	// Not among the files @sveltejs/kit exports: read where npm put it.
	const kitRender = resolve('node_modules/@sveltejs/kit/src/runtime/server/page/render.js');
	let dir: string;
	const roots: Record<'plain' | 'parts', Root> = {} as never;

	// Each item's text holds a wide character (the page then is a two-byte string) and a quote.
	const component = `<script>let { items } = $props();</script>
<h1>Tableau</h1>
<ul>{#each items as item}<li title={item}><a href="/p/{item}">{item} — « idée »</a>{#if item.endsWith('7')}<em>!</em>{/if}</li>{/each}</ul>
<p>fin</p>`;

	beforeAll(async () => {
		// Inside node_modules, so that the copies' own imports (devalue, esm-env) resolve as Svelte's do.
		mkdirSync(resolve('node_modules/.cache'), { recursive: true });
		dir = mkdtempSync(resolve('node_modules/.cache/tib-page-parts-'));
		const code = compile(component, { generate: 'server', filename: 'Big.svelte' }).js.code;
		for (const name of ['plain', 'parts'] as const) {
			const copy = join(dir, name);
			cpSync(join(svelte, 'src'), join(copy, 'src'), { recursive: true });
			cpSync(join(svelte, 'package.json'), join(copy, 'package.json')); // its `imports` (#client/…) and `type`
			if (name === 'parts') {
				for (const [file, transform] of [
					['src/internal/server/renderer.js', partsInRenderer],
					['src/legacy/legacy-server.js', partsInLegacy]
				] as const)
					writeFileSync(join(copy, file), transform(readFileSync(join(copy, file), 'utf8')));
			}
			writeFileSync(join(copy, 'Big.js'), code.replace("'svelte/internal/server'", `'${pathToFileURL(join(copy, 'src/internal/server/index.js')).href}'`));
			const Big = ((await import(pathToFileURL(join(copy, 'Big.js')).href)) as { default: unknown }).default;
			const legacy = (await import(pathToFileURL(join(copy, 'src/legacy/legacy-server.js')).href)) as { asClassComponent(c: unknown): Root };
			roots[name] = legacy.asClassComponent(Big);
		}
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	const items = (n: number) => Array.from({ length: n }, (_, i) => `idée "${i}" <b>`);
	const asking = () => new Map<unknown, unknown>([[PARTS_KEY, true]]);

	it('gives a large page as parts followed by the rest, the same page in the same order', async () => {
		const page = items(2000);
		const plain = await roots.plain.render({ items: page });
		const split = await roots.parts.render({ items: page }, { context: asking() });
		expect(plain.html.length).toBeGreaterThan(4 * PART_CHARS);
		expect(split.parts!.length).toBeGreaterThanOrEqual(4);
		expect(split.parts!.join('') + split.html).toBe(plain.html);
		// Each part is what had gathered once it passed the limit: over it, by less than one piece.
		for (const part of split.parts!) {
			expect(part.length).toBeGreaterThan(PART_CHARS);
			expect(part.length).toBeLessThan(PART_CHARS + 200);
		}
		expect(split.head).toBe(plain.head);
	});

	it('reads the parts from the result as well as from its promise', () => {
		const result = roots.parts.render({ items: items(1000) }, { context: asking() });
		expect(result.parts!.length).toBeGreaterThan(0);
		expect(result.parts!.join('') + result.html).toBe(roots.plain.render({ items: items(1000) }).html);
	});

	it('renders as before when the caller does not ask, or the page is small', async () => {
		const page = items(2000);
		const plain = await roots.plain.render({ items: page });
		const unasked = await roots.parts.render({ items: page });
		expect(unasked.parts).toBeUndefined();
		expect(unasked.html).toBe(plain.html);
		const small = await roots.parts.render({ items: items(10) }, { context: asking() });
		expect(small.parts).toEqual([]);
		expect(small.html).toBe((await roots.plain.render({ items: items(10) })).html);
	});

	it("SvelteKit's page renderer, transformed, is still valid JavaScript with the response in parts", () => {
		const kit = readFileSync(kitRender, 'utf8');
		const out = partsInKit(kit);
		expect(() => parseAst(out)).not.toThrow();
		expect(out).toContain(`['${PARTS_KEY}', true]`);
		expect(out.match(/tib_response\(/g)).toHaveLength(2);
	});

	it('fails the build, naming the file, when Svelte or SvelteKit changed the code it replaces', () => {
		const renderer = readFileSync(join(svelte, 'src/internal/server/renderer.js'), 'utf8');
		expect(() => partsInRenderer(renderer.replace('content[this.type] += item;', 'content[this.type] = content[this.type] + item;'))).toThrow(/tib-page-parts: Svelte's renderer #collect_content changed/);
		const legacy = readFileSync(join(svelte, 'src/legacy/legacy-server.js'), 'utf8');
		expect(() => partsInLegacy(legacy.replace('html: munged.html', 'html: munged.body'))).toThrow(/tib-page-parts: Svelte's asClassComponent then changed/);
		const kit = readFileSync(kitRender, 'utf8');
		expect(() => partsInKit(kit.replace('let body = rendered.html;', 'let body = rendered.body;'))).toThrow(/tib-page-parts: SvelteKit's render_response \(the body\) changed/);
	});
});
