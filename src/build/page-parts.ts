import type { Plugin } from 'vite';

/**
 * A page the server renders, sent in parts rather than as one string (issue 15, goal 5).
 *
 * Svelte's server renderer appends every piece of a page's HTML to one string, and SvelteKit turns
 * that string into bytes in one go. V8 must first copy the pieces into one block: for the board of
 * 120 ideas, ~270 KB. A string that large is a "large object" in V8: it gets memory of its own from
 * the system (fresh pages the kernel maps in, ~70 page faults) and gives it back at the next
 * collection. On this machine that was a fifth of the page's main-thread time. Measured on the built
 * board page, 50 concurrent readers, three rounds taking turns: 135 / 149 / 137 pages/s as one
 * string, 216 / 191 / 179 in parts; main-thread CPU 6.0–6.3 ms a page against 4.2–5.2; 74–78 minor
 * page faults a page against 4–7.
 *
 * So, in the server's build only:
 * - Svelte's renderer (`renderer.js`), in the render of a whole page that asks for it (SvelteKit's
 *   page renderer, below, through the render's context; not the inner renders of an option's value
 *   or a title), moves the page's HTML so far into a list of parts each time it passes `PART_CHARS`
 *   characters. Each part stays under V8's large-object size (128 KB, even at
 *   two bytes a character); the page is the parts followed by what remains, in order. The render's
 *   result carries the parts (`parts`), and so does the legacy wrapper SvelteKit renders its root
 *   component with (`legacy-server.js`).
 * - SvelteKit's page renderer (`page/render.js`) lays out the page around a placeholder where the
 *   parts go (a random text drawn once per process, that no page can hold by chance or by design),
 *   then encodes the text before it, each part and the text after it apart. The response is the
 *   same bytes, with its `content-length`, sent as a stream of those pieces.
 *
 * `transformPageChunk` still gets the page without the parts: its head, the start of `<body>` and
 * what follows the parts (this app's only one rewrites the `<html lang>` tag; hooks.server.ts).
 * A page under `PART_CHARS` characters has no parts and goes out as before. Each replacement checks
 * the exact code it replaces: if Svelte or SvelteKit change it (an upgrade), the build fails here
 * rather than quietly sending pages another way. Tested in page-parts.test.ts (Svelte's renderer,
 * transformed, against an untouched copy) and by the built server in tests/e2e/board.spec.ts (the
 * demo's board, one part and the rest, read whole and used).
 */

/**
 * The render-context key by which SvelteKit's page renderer asks for parts. Only a render that asks
 * gets them, so a renderer transformed without its caller (or the reverse) renders as before.
 */
export const PARTS_KEY = 'tib.page-parts';

/** Characters of HTML per part: 48 Ki, under V8's 128 KB large-object size even two bytes a character. */
export const PART_CHARS = 49_152;

export const rendererFile = /[\\/]svelte[\\/]src[\\/]internal[\\/]server[\\/]renderer\.js$/;
export const legacyFile = /[\\/]svelte[\\/]src[\\/]legacy[\\/]legacy-server\.js$/;
export const kitRenderFile = /[\\/]@sveltejs[\\/]kit[\\/]src[\\/]runtime[\\/]server[\\/]page[\\/]render\.js$/;

/** Replace `from` (which must occur exactly once) with `to`, or throw naming what changed. */
function replaceOnce(code: string, from: string, to: string, what: string): string {
	const first = code.indexOf(from);
	if (first < 0 || code.indexOf(from, first + 1) >= 0) throw new Error(`tib-page-parts: ${what} changed (Svelte or SvelteKit upgraded?): compare it with src/build/page-parts.ts`);
	return code.slice(0, first) + to + code.slice(first + from.length);
}

// ---------------------------------------------------------------------------------------------------
// Svelte 5.57's server renderer.

const collect = `	#collect_content(content = { head: '', body: '' }) {
		for (const item of this.#out) {
			if (typeof item === 'string') {
				content[this.type] += item;
			} else if (item instanceof Renderer) {`;

const collectInParts = `	#collect_content(content = { head: '', body: '' }) {
		for (const item of this.#out) {
			if (typeof item === 'string') {
				content[this.type] += item;
				if (content.parts !== undefined && content.body.length > ${PART_CHARS}) {
					content.parts.push(content.body);
					content.body = '';
				}
			} else if (item instanceof Renderer) {`;

const wholeRender = `result = Renderer.#close_render(renderer.#collect_content(), renderer);`;
const wholeRenderInParts = `result = Renderer.#close_render(renderer.#collect_content(options.context?.get?.('${PARTS_KEY}') === true ? { head: '', body: '', parts: [] } : undefined), renderer);`;

const closed = `		return {
			head,
			body,
			hashes: {`;
const closedWithParts = `		return {
			head,
			body,
			parts: content.parts,
			hashes: {`;

const bodyGetter = `	get body() {
		return this.#get().body;
	}`;
const partsGetter = `${bodyGetter}

	get parts() {
		return this.#get().parts;
	}`;

const syncThen = `				html: result.body,
				hashes: { script: [] }`;
const syncThenWithParts = `				html: result.body,
				parts: result.parts,
				hashes: { script: [] }`;

export function partsInRenderer(code: string): string {
	let out = replaceOnce(code, collect, collectInParts, "Svelte's renderer #collect_content");
	out = replaceOnce(out, wholeRender, wholeRenderInParts, "Svelte's renderer #render");
	out = replaceOnce(out, closed, closedWithParts, "Svelte's renderer #close_render");
	out = replaceOnce(out, bodyGetter, partsGetter, "Svelte's RenderResult body getter");
	return replaceOnce(out, syncThen, syncThenWithParts, "Svelte's RenderResult then");
}

// ---------------------------------------------------------------------------------------------------
// Svelte 5.57's legacy wrapper (`asClassComponent`), which SvelteKit renders its root component with.

const legacyHtml = `				html: {
					get: () => result.body
				},`;
const legacyHtmlAndParts = `${legacyHtml}
				parts: {
					get: () => result.parts
				},`;
const legacyThen = `								head: munged.head,
								html: munged.html
							});`;
const legacyThenWithParts = `								head: munged.head,
								html: munged.html,
								parts: munged.parts
							});`;

export function partsInLegacy(code: string): string {
	const out = replaceOnce(code, legacyHtml, legacyHtmlAndParts, "Svelte's asClassComponent result");
	return replaceOnce(out, legacyThen, legacyThenWithParts, "Svelte's asClassComponent then");
}

// ---------------------------------------------------------------------------------------------------
// SvelteKit 2.70's page renderer.

const kitContext = `			context: new Map([
				[
					'__request__',
					{
						page: props.page
					}
				]
			]),`;
const kitContextAsking = `			context: new Map([
				[
					'__request__',
					{
						page: props.page
					}
				],
				['${PARTS_KEY}', true]
			]),`;

const kitDestructure = `				const { head, html, css, hashes } = /** @type {ReturnType<typeof options.root.render>} */ (
					options.async ? await rendered : rendered
				);

				if (hashes) {
					csp.add_script_hashes(hashes.script);
				}

				return { head, html, css, hashes };`;
const kitDestructureWithParts = `				const { head, html, css, hashes, parts } = /** @type {ReturnType<typeof options.root.render>} */ (
					options.async ? await rendered : rendered
				);

				if (hashes) {
					csp.add_script_hashes(hashes.script);
				}

				return { head, html, css, hashes, parts };`;

const kitBody = `	let body = rendered.html;`;
const kitBodyAndParts = `	/** @type {string[]} */
	const tib_parts = rendered.parts ?? [];
	let body = rendered.html;`;

const kitTemplateBody = `	const html = options.templates.app({
		head: head.build(),
		body,`;
const kitTemplateBodyAfterParts = `	const html = options.templates.app({
		head: head.build(),
		body: tib_parts.length ? TIB_PARTS_PLACE + body : body,`;

const kitText = `	return !chunks
		? text(transformed, {
				status,
				headers
			})`;
const kitTextInParts = `	// The page's text, with its parts where the placeholder is (one piece without parts).
	const tib_pieces = tib_parts.length ? tib_in_parts(transformed, tib_parts) : [transformed];
	return !chunks
		? tib_parts.length
			? tib_response(tib_pieces, status, headers)
			: text(transformed, {
					status,
					headers
				})`;

const kitStreamStart = `controller.enqueue(text_encoder.encode(transformed + '\\n'));`;
const kitStreamStartInParts = `for (const piece of tib_pieces) controller.enqueue(text_encoder.encode(piece));
						controller.enqueue(text_encoder.encode('\\n'));`;

const kitHelpers = `
/** Where a page's parts go in its layout: drawn once per process, so no page's text can hold it. */
const TIB_PARTS_PLACE = \`\\u0001tib-parts-\${crypto.randomUUID()}\\u0001\`;

/**
 * @param {string} page the laid-out page, the placeholder in it once
 * @param {string[]} parts
 */
function tib_in_parts(page, parts) {
	const at = page.indexOf(TIB_PARTS_PLACE);
	if (at < 0) throw new Error('tib-page-parts: the placeholder for the page\\'s parts is missing (did transformPageChunk drop it?)');
	return [page.slice(0, at), ...parts, page.slice(at + TIB_PARTS_PLACE.length)];
}

/**
 * The page's pieces, each encoded apart, as one response of the same bytes.
 * @param {string[]} pieces
 * @param {number} status
 * @param {Headers} headers
 */
function tib_response(pieces, status, headers) {
	const encoded = pieces.map((piece) => text_encoder.encode(piece));
	let length = 0;
	for (const bytes of encoded) length += bytes.byteLength;
	headers.set('content-length', String(length));
	return new Response(
		new ReadableStream({
			start(controller) {
				for (const bytes of encoded) if (bytes.byteLength) controller.enqueue(bytes);
				controller.close();
			},
			type: 'bytes'
		}),
		{ status, headers }
	);
}
`;

const kitImportLine = `import { text_encoder } from '../../utils.js';`;

export function partsInKit(code: string): string {
	let out = replaceOnce(code, kitContext, kitContextAsking, "SvelteKit's render_response (the render's context)");
	out = replaceOnce(out, kitDestructure, kitDestructureWithParts, "SvelteKit's render_response (the root's render)");
	out = replaceOnce(out, kitBody, kitBodyAndParts, "SvelteKit's render_response (the body)");
	out = replaceOnce(out, kitTemplateBody, kitTemplateBodyAfterParts, "SvelteKit's render_response (the template)");
	out = replaceOnce(out, kitText, kitTextInParts, "SvelteKit's render_response (the response)");
	out = replaceOnce(out, kitStreamStart, kitStreamStartInParts, "SvelteKit's render_response (the streamed response)");
	return replaceOnce(out, kitImportLine, `${kitImportLine}\n${kitHelpers}`, "SvelteKit's render.js imports");
}

export function pageParts(): Plugin {
	return {
		name: 'tib-page-parts',
		applyToEnvironment: (environment) => environment.config.consumer === 'server',
		transform(code, id) {
			const file = id.split('?')[0]!;
			try {
				if (rendererFile.test(file)) return { code: partsInRenderer(code), map: null };
				if (legacyFile.test(file)) return { code: partsInLegacy(code), map: null };
				if (kitRenderFile.test(file)) return { code: partsInKit(code), map: null };
			} catch (err) {
				this.error((err as Error).message);
			}
			return null;
		}
	};
}
