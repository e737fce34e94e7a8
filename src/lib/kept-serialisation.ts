/**
 * Values the server sends with every page but that never change once made (the texts of a route in a
 * language: i18n `messagesFor`), registered so that SvelteKit's server writes each one into a page's
 * data once and then reuses what it wrote (vite.config.ts `serverUnevalKeep`, src/build/uneval-keep.ts):
 * serialising the board's ~7 KB of texts, an object tree of ~400 parts, was a tenth of a board page's
 * main-thread time (issue 15). A registered value is frozen, deeply, so that what was written cannot go
 * stale. In the browser nothing reads the registry.
 */
export const KEPT_SERIALISATION = Symbol.for('tib.devalue.kept');

/** The registry's entry: `js` once written (`busy` while it is being written). */
export interface KeptEntry {
	js?: string;
	busy?: boolean;
}

type Registry = WeakMap<object, KeptEntry>;

const registry = (): Registry => ((globalThis as { [KEPT_SERIALISATION]?: Registry })[KEPT_SERIALISATION] ??= new WeakMap());

function freezeDeep(value: unknown): void {
	if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
	Object.freeze(value);
	for (const inner of Object.values(value)) freezeDeep(inner);
}

/** Registers `value` (plain data only: objects, arrays, strings, numbers, booleans, null) and freezes it. */
export function keepSerialisation<T extends object>(value: T): T {
	freezeDeep(value);
	if (!registry().has(value)) registry().set(value, {});
	return value;
}

/** The registry's entry for `value`, if it was registered (tests). */
export const keptEntry = (value: object): KeptEntry | undefined => registry().get(value);
