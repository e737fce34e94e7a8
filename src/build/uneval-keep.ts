import type { Plugin } from 'vite';
import { KEPT_SERIALISATION } from '../lib/kept-serialisation.js';

/**
 * The server's build teaches devalue's `uneval` (what SvelteKit writes a page's data into its HTML
 * with) to reuse what it wrote for a value registered by `keepSerialisation` (src/lib/kept-serialisation.ts)
 * instead of walking and writing it again on every page: the first time such a value is met, it is
 * written on its own with `uneval` itself and the text kept in the registry's entry; from then on that
 * text is put in place, as `uneval` does for what SvelteKit's transport hooks return. A registered value
 * is plain, frozen data, so the text is the one `uneval` would write. Nothing else changes: a value not
 * registered is walked and written as before. The browser's build and `devalue.stringify` (the
 * `__data.json` of client-side navigation) are left as they are.
 */
export const unevalFile = /[\\/]devalue[\\/]src[\\/]uneval\.js$/;

/** The start of `uneval`'s walk over a value's parts (devalue 5.x), before which the check goes. */
const walkStart = `	function walk(thing) {
		if (!is_primitive(thing)) {
`;

const check = `			const kept = globalThis[Symbol.for(${JSON.stringify(Symbol.keyFor(KEPT_SERIALISATION))})]?.get(thing);
			if (kept !== undefined && !kept.busy) {
				if (kept.js === undefined) {
					kept.busy = true;
					try {
						const js = uneval(thing);
						// Kept one byte per character when it can be (src/build/one-byte-page.ts): written from
						// slices of the texts, it is stored two bytes per character as soon as one of them held
						// a wider character, even one it names.
						kept.js = /[\\u0100-\\uffff]/.test(js) ? js : new TextDecoder().decode(new TextEncoder().encode(js));
					} finally {
						kept.busy = false;
					}
				}
				custom.set(thing, kept.js);
				return;
			}
`;

/** devalue's `uneval.js` with the check; throws if its walk no longer starts as expected (an upgrade). */
export function keepInUneval(code: string): string {
	if (!code.includes(walkStart) || !code.includes('custom.set(thing, str);'))
		throw new Error("tib-server-uneval-keep: devalue's uneval no longer walks a value as this plugin expects (devalue upgraded?): check src/build/uneval-keep.ts against it");
	return code.replace(walkStart, walkStart + check);
}

export function serverUnevalKeep(): Plugin {
	return {
		name: 'tib-server-uneval-keep',
		applyToEnvironment: (environment) => environment.config.consumer === 'server',
		transform(code, id) {
			if (!unevalFile.test(id.split('?')[0]!)) return null;
			try {
				return { code: keepInUneval(code), map: null };
			} catch (err) {
				this.error((err as Error).message);
			}
		}
	};
}
