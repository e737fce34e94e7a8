/**
 * Icons as markup, not as scripts (issue 15, goal 4): a `.svelte` file's
 * `<ArrowLeft size={18} aria-hidden="true" />`, with `ArrowLeft` imported from
 * `@lucide/svelte/icons/arrow-left`, becomes the `<svg>` that lucide's component renders, written
 * into the file before Svelte compiles it (on the server and in the browser alike, so hydration
 * sees the same markup). Svelte then ships the icon as part of its static template: no component
 * per icon, no chunk per icon, no lucide runtime on a page's first load.
 *
 * Only icons used as tags are inlined; an icon also used as a value (`const icons = { a: Star }`)
 * keeps its import and stays a component. The sources are unchanged, so svelte-check, eslint and
 * editors see lucide's typed components.
 */

/** lucide's `iconData` of one icon: `name`, `node` (`[tag, attributes]` pairs), `aliases`. */
export interface IconData {
	name: string;
	node: [string, Record<string, string | number>][];
	aliases?: string[];
}

const IMPORT = /^[ \t]*import\s+(\w+)\s+from\s+['"]@lucide\/svelte\/icons\/([\w-]+)(?:\.svelte)?['"];?[ \t]*\r?\n?/gm;

/** The icon's data, read from lucide's component source (`const iconData = {...};`). */
export function iconDataOf(componentSource: string): IconData {
	const m = /const iconData = (\{.*?\});\s*\n/s.exec(componentSource);
	if (!m) throw new Error('inline-icons: no iconData in the lucide component');
	return JSON.parse(m[1]!) as IconData;
}

/** The icons a file imports from lucide, local name → icon name. */
export function lucideImports(code: string): Map<string, string> {
	return new Map([...code.matchAll(IMPORT)].map((m) => [m[1]!, m[2]!]));
}

interface Attribute {
	name: string;
	/** The value as written (`"true"`, `{18}`), or null for a bare attribute. */
	value: string | null;
}

/** Reads the attributes of a tag from just after its name; returns them and the end of the tag. */
function readTag(code: string, from: number): { attributes: Attribute[]; end: number; selfClosing: boolean } | null {
	const attributes: Attribute[] = [];
	let i = from;
	const skipSpace = () => {
		while (i < code.length && /\s/.test(code[i]!)) i++;
	};
	const readBraces = () => {
		const start = i;
		let depth = 0;
		for (; i < code.length; i++) {
			const c = code[i]!;
			if (c === '{') depth++;
			else if (c === '}' && --depth === 0) return code.slice(start, ++i);
			else if (c === '"' || c === "'" || c === '`') {
				const close = code.indexOf(c, i + 1);
				if (close < 0) return null;
				i = close;
			}
		}
		return null;
	};
	for (;;) {
		skipSpace();
		if (code.startsWith('/>', i)) return { attributes, end: i + 2, selfClosing: true };
		if (code[i] === '>') return { attributes, end: i + 1, selfClosing: false };
		if (code[i] === '{') {
			const shorthand = readBraces();
			if (!shorthand || !/^\{\s*\w+\s*\}$/.test(shorthand)) return null; // a spread: leave the tag alone
			attributes.push({ name: shorthand.slice(1, -1).trim(), value: shorthand });
			continue;
		}
		const name = /^[\w:-]+/.exec(code.slice(i))?.[0];
		if (!name) return null;
		i += name.length;
		skipSpace();
		if (code[i] !== '=') {
			attributes.push({ name, value: null });
			continue;
		}
		i++;
		skipSpace();
		if (code[i] === '"' || code[i] === "'") {
			const close = code.indexOf(code[i]!, i + 1);
			if (close < 0) return null;
			attributes.push({ name, value: code.slice(i, close + 1) });
			i = close + 1;
		} else if (code[i] === '{') {
			const value = readBraces();
			if (!value) return null;
			attributes.push({ name, value });
		} else return null;
	}
}

/** lucide's defaults; an icon given other values (color, strokeWidth…) stays a component. */
const PRESENTATION = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"';

const escape = (v: string | number) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const drawing = (icon: IconData) => icon.node.map(([tag, attrs]) => `<${tag} ${Object.entries(attrs).map(([k, v]) => `${k}="${escape(v)}"`).join(' ')} />`).join('');

/** One SVG file with a `<symbol id="name">` per icon, for `<use href="sprite#name">`. */
export function spriteOf(icons: IconData[]): string {
	const unique = [...new Map(icons.map((icon) => [icon.name, icon])).values()];
	// lucide's presentation attributes live on each symbol once (they are copied into every <use>, and
	// `currentColor` is the colour where the icon is drawn), not on each of a page's hundreds of icons.
	const symbols = unique
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((icon) => `<symbol id="${icon.name}" viewBox="0 0 24 24" ${PRESENTATION}>${drawing(icon)}</symbol>`);
	return `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join('')}</svg>\n`;
}

/** lucide's classes (`lucide`, `lucide-<name>`) that a style sheet or a component's styles name. */
export function styledClasses(sources: Iterable<string>): Set<string> {
	const out = new Set<string>();
	for (const source of sources) for (const m of source.matchAll(/\.(lucide(?:-[a-z0-9]+)*)(?![\w-])/g)) out.add(m[1]!);
	return out;
}

/**
 * The `<svg>` lucide renders for `icon` with the attributes given to its component. With `sprite`
 * (the address of the sprite, `spriteOf`), the drawing is a `<use>` of the icon's symbol there
 * rather than its paths, and the `<svg>` carries only those of lucide's classes that are in `styled`
 * (`styledClasses`).
 */
export function svgMarkup(icon: IconData, attributes: Attribute[], sprite?: string, styled?: ReadonlySet<string>): string | null {
	let size: string | null = null;
	let extraClass: string | null = null;
	const rest: string[] = [];
	for (const a of attributes) {
		if (a.name === 'size') size = a.value;
		else if (a.name === 'class') extraClass = a.value;
		else if (['color', 'strokeWidth', 'absoluteStrokeWidth', 'width', 'height', 'children'].includes(a.name)) return null;
		else rest.push(a.value === null ? a.name : `${a.name}=${a.value}`);
	}
	if (!attributes.some((a) => a.name.startsWith('aria-') || a.name === 'role' || a.name === 'title')) rest.push('aria-hidden="true"');
	// With the sprite, only lucide's classes that the styles use (`styled`; all of lucide and
	// lucide-<name> when not given): a board has ~600 icons, most of them needing no class at all.
	const classes = (
		sprite ? ['lucide', `lucide-${icon.name}`].filter((c) => !styled || styled.has(c)) : ['lucide', `lucide-${icon.name}`, ...(icon.aliases ?? []).map((a) => `lucide-${a}`), 'lucide-icon']
	).join(' ');
	let classAttr = classes ? `class="${classes}"` : '';
	if (extraClass?.startsWith('{')) classAttr = `class={['${classes}', ${extraClass.slice(1, -1)}]}`;
	else if (extraClass) classAttr = `class="${[classes, extraClass.slice(1, -1)].filter(Boolean).join(' ')}"`;
	// A literal size (`{18}`) is written as text, so that the `<svg>` stays part of the static template.
	const dimension = size === null ? '"24"' : size.replace(/^\{\s*(\d+)\s*\}$/, '"$1"');
	if (sprite) {
		// The symbol brings its viewBox and presentation attributes: the page carries only size, classes and the reference.
		return `<svg ${[`width=${dimension}`, `height=${dimension}`, classAttr, ...rest].filter(Boolean).join(' ')}><use href="${sprite}#${icon.name}" /></svg>`;
	}
	const children = drawing(icon);
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width=${dimension} height=${dimension} viewBox="0 0 24 24" fill="none" stroke="currentColor" ` +
		`stroke-width="2" stroke-linecap="round" stroke-linejoin="round" ${classAttr} ${rest.join(' ')}>${children}</svg>`
	);
}

/**
 * The file with its lucide icon tags written as `<svg>`, and the imports of the icons it no longer
 * uses removed; null when nothing changed. `load` gives an icon's data from its name; `sprite` and
 * `styled` are `svgMarkup`'s.
 */
export async function inlineIcons(code: string, load: (icon: string) => Promise<IconData>, sprite?: string, styled?: ReadonlySet<string>): Promise<string | null> {
	const imports = lucideImports(code);
	if (imports.size === 0) return null;
	let out = code;
	const inlined = new Set<string>();
	for (const [local, icon] of imports) {
		const tag = new RegExp(`<${local}(?=[\\s/>])`, 'g');
		let data: IconData | null = null;
		let result = '';
		let last = 0;
		let complete = true;
		const blocks = [...out.matchAll(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g)].map((b) => [b.index, b.index + b[0].length] as const);
		for (const m of out.matchAll(tag)) {
			if (blocks.some(([from, to]) => m.index >= from && m.index < to)) continue;
			const read = readTag(out, m.index + m[0].length);
			const markup = read?.selfClosing ? svgMarkup((data ??= await load(icon)), read.attributes, sprite, styled) : null;
			if (!read || !markup) {
				complete = false;
				continue;
			}
			result += out.slice(last, m.index) + markup;
			last = read.end;
		}
		if (last === 0) continue;
		out = result + out.slice(last);
		if (complete) inlined.add(local);
	}
	if (out === code) return null;
	// Drop the import of each icon no longer named anywhere else in the file.
	return out.replace(IMPORT, (line: string, local: string) => {
		if (!inlined.has(local)) return line;
		const rest = out.replace(line, '');
		return new RegExp(`\\b${local}\\b`).test(rest) ? line : '';
	});
}
