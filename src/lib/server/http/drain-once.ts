import type { ServerResponse } from 'node:http';

/**
 * `res.once('drain', fn)` behind the `compression` middleware, made to fire once.
 *
 * SvelteKit writes a page's body chunk by chunk and, when a write says the buffer is full, waits with
 * `res.once('drain', next)`. `compression` sends `res.on('drain')` to its zlib stream but leaves
 * `removeListener` on the response (expressjs/compression#135, #152), so the `once` wrapper never comes
 * off: each wait added one more listener to the stream, and each later drain ran every `next` again,
 * side by side on the same reader. A large page (the board of a residence with hundreds of ideas,
 * 1.7 MB) logged "MaxListenersExceededWarning: 11 drain listeners added to [Gzip]" at each request.
 * Here one listener, added at the first wait, runs the waiting callbacks once each. Call it after
 * `compression` has wrapped the response (its `on` then reaches the stream, or the response itself
 * when the body is not compressed).
 */
export function drainOnceThroughCompression(res: ServerResponse): void {
	const waiting: ((...args: unknown[]) => void)[] = [];
	let listening = false;
	const once = res.once;
	res.once = function (this: ServerResponse, event: string | symbol, listener: (...args: unknown[]) => void) {
		if (event !== 'drain') return once.call(this, event, listener);
		waiting.push(listener);
		if (!listening) {
			listening = true;
			res.on('drain', (...args: unknown[]) => {
				for (const fn of waiting.splice(0)) fn(...args);
			});
		}
		return this;
	} as ServerResponse['once'];
}
