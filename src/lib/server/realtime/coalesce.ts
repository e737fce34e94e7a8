/**
 * Runs a task at most once per key and window: calls made while one is pending fold into it.
 * Presence lists go to a whole room; without this a crowd arriving at once costs one full list per
 * arrival to everyone already there (N² messages for N people), which stalls a busy server.
 */
export function createCoalescer(windowMs: number) {
	const pending = new Map<string, ReturnType<typeof setTimeout>>();
	return {
		schedule(key: string, task: () => void) {
			if (pending.has(key)) return;
			pending.set(
				key,
				setTimeout(() => {
					pending.delete(key);
					task();
				}, windowMs)
			);
		},
		/** Cancels everything pending (server shutdown). */
		clear() {
			for (const timer of pending.values()) clearTimeout(timer);
			pending.clear();
		}
	};
}

export type Coalescer = ReturnType<typeof createCoalescer>;

/** How long presence changes are gathered before the room hears about them. */
export const PRESENCE_WINDOW_MS = 250;
