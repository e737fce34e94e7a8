import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compile, parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

/**
 * Svelte 5 drops the whitespace at the start and at the end of a block's content:
 * `{date}{#if place} · {place}{/if}` renders "12 déc.· Bottière", and `{name}{#if admin} <span
 * class="badge">…` glues the badge to the name. A space meant to be read goes before the block. This
 * walks every template of the app and names each block that begins or ends with a space on the same
 * line as its content (a block whose content starts on a new line is laid out, not spaced).
 */
type Node = { type: string; start: number; data?: string; [key: string]: unknown };

const FRAGMENTS = ['fragment', 'consequent', 'alternate', 'body', 'fallback', 'pending', 'then', 'catch'];

function lostSpaces(source: string): number[] {
	const ast = parse(source, { modern: true }) as unknown as { fragment: Node };
	const found: number[] = [];
	const visit = (node: Node) => {
		for (const key of FRAGMENTS) {
			const nodes = (node[key] as { nodes?: Node[] } | null | undefined)?.nodes;
			if (!nodes) continue;
			const [first, last] = [nodes[0], nodes[nodes.length - 1]];
			if (node.type.endsWith('Block') && first && last) {
				// A space (not a line break) before the content, or a lone space before an element.
				if (first.type === 'Text' && /^[ \t]+(\S|$)/.test(first.data ?? '') && (/\S/.test(first.data ?? '') || nodes.length > 1)) found.push(first.start);
				if (last !== first && last.type === 'Text' && /^[^\n]*?[ \t]+$/.test(last.data ?? '') && (/\S/.test(last.data ?? '') || nodes.length > 1)) found.push(last.start);
			}
			for (const child of nodes) visit(child);
		}
	};
	visit({ type: 'Root', start: 0, fragment: ast.fragment });
	return found;
}

function templates(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return templates(path);
		return entry.name.endsWith('.svelte') ? [path] : [];
	});
}

describe('spaces at the edge of a block', () => {
	it('Svelte drops them (why this check exists)', () => {
		const html = (src: string) => compile(`<script>let { a, b } = $props();</script><p>x${src}</p>`, { generate: 'server' }).js.code;
		expect(html('{#if a} · {b}{/if}')).not.toContain('--> ·');
		expect(html(' {#if a}· {b}{/if}')).toContain('<p>x ');
	});

	it('the check finds a lost space, and not a block laid out on its own lines', () => {
		expect(lostSpaces('<p>{d}{#if p} · {p}{/if}</p>')).toHaveLength(1);
		expect(lostSpaces('<p>{n}{#if a} <span>b</span>{/if}</p>')).toHaveLength(1);
		expect(lostSpaces('<p>{#each l as i}{i} {/each}</p>')).toHaveLength(1);
		expect(lostSpaces('<p>{d} {#if p}· {p}{/if}</p>')).toHaveLength(0);
		expect(lostSpaces('{#if a}\n\t<p>b</p>\n{:else}\n\t<p>c</p>\n{/if}')).toHaveLength(0);
	});

	it('no template of the app loses one', () => {
		const lost = templates('src').flatMap((file) => {
			const source = readFileSync(file, 'utf8');
			return lostSpaces(source).map((at) => `${relative('.', file)}:${source.slice(0, at).split('\n').length}`);
		});
		expect(lost).toEqual([]);
	});
});
