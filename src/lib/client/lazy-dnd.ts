/**
 * svelte-dnd-action (12 KB gzip) only for those who can move cards, and only once the board is on
 * screen: these actions have the library's own signatures, fetch it the first time one is used, and
 * apply it to the element as soon as it is there (with the latest options it was given meanwhile).
 * Nothing here is needed to read the board, or to move a card without JavaScript (the move menu's form).
 */
type Dnd = typeof import('svelte-dnd-action');
type Applied = { update?: (options: never) => void; destroy?: () => void } | void;

let library: Promise<Dnd> | null = null;
export const loadDnd = (): Promise<Dnd> => (library ??= import('svelte-dnd-action'));

function deferred<A extends (node: HTMLElement, ...rest: never[]) => unknown>(pick: (lib: Dnd) => A): A {
	return ((node: HTMLElement, options?: unknown) => {
		let latest = options;
		let applied: Applied;
		let gone = false;
		void loadDnd().then((lib) => {
			if (!gone) applied = (pick(lib) as unknown as (n: HTMLElement, o: unknown) => Applied)(node, latest);
		});
		return {
			update(next: unknown) {
				latest = next;
				(applied?.update as ((o: unknown) => void) | undefined)?.(next);
			},
			destroy() {
				gone = true;
				applied?.destroy?.();
			}
		};
	}) as unknown as A;
}

export const dragHandleZone = deferred((lib) => lib.dragHandleZone);
export const dragHandle = deferred((lib) => lib.dragHandle);

/** The library's screen-reader strings, set once it is loaded (it is global to every zone). */
export function setAriaStrings(strings: Parameters<Dnd['setAriaStrings']>[0]): void {
	void loadDnd().then((lib) => lib.setAriaStrings(strings));
}

/** The library's event constants, without importing it (they are plain strings). */
export const TRIGGERS = {
	DRAG_STARTED: 'dragStarted' as Dnd['TRIGGERS']['DRAG_STARTED'],
	DRAG_STOPPED: 'dragStopped' as Dnd['TRIGGERS']['DRAG_STOPPED']
};
export const SOURCES = { POINTER: 'pointer' as Dnd['SOURCES']['POINTER'], KEYBOARD: 'keyboard' as Dnd['SOURCES']['KEYBOARD'] };
