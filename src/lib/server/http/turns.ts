/**
 * Requests take turns: at most one is started per turn of the event loop, in the order they arrived.
 *
 * Node's event loop (libuv) accepts ONE new connection per turn, and a turn of a busy server runs every
 * request that is ready: with 50 readers on keep-alive connections each turn renders ten pages or more,
 * so a room of phones arriving together is let in one phone per 60–100 ms, and the last one waits
 * seconds while the readers already in are served again and again (measured with the pages bench: the
 * first page of a new connection was the whole slow tail, up to 2.8 s at a p50 of 260 ms). Starting
 * one request per turn keeps each turn to one page, so a new connection is accepted after at most one
 * page and joins the same queue as everyone else, first come first served.
 *
 * A request is started when its turn comes; the rest of its work (reading the database, rendering,
 * compressing, writing) goes on as before. The queue costs an idle server one `setImmediate` per
 * request. server.ts sends pages and form actions through it; socket.io answers its own requests, and
 * built files (no page work) are sent at once.
 */
import type { IncomingMessage } from 'node:http';

/**
 * Whether no one waits any more for this request's answer: its connection was closed, or half-closed
 * (Node then ends the socket's writing side and aborts the request), while it waited for its turn.
 */
export const readerGone = (req: IncomingMessage) => req.destroyed || !req.socket.writable;

export function createTurns() {
	interface Waiting {
		start: () => void;
		gone?: () => boolean;
	}
	const waiting: (Waiting | undefined)[] = [];
	let head = 0;
	let scheduled = false;

	const next = () => {
		scheduled = false;
		// The first that is still wanted: one that gave up while waiting does not take a turn.
		let found: Waiting | undefined;
		while (!found && head < waiting.length) {
			const entry = waiting[head];
			// Its slot lets go of the request at once (the array is trimmed only now and then).
			waiting[head++] = undefined;
			if (entry && !entry.gone?.()) found = entry;
		}
		if (head === waiting.length) {
			waiting.length = 0;
			head = 0;
		} else {
			if (head >= 1024) {
				waiting.splice(0, head);
				head = 0;
			}
			// The next one is started in the next turn: I/O (a new connection, a finished compression
			// or write) is handled between the two.
			schedule();
		}
		found?.start();
	};
	const schedule = () => {
		if (scheduled) return;
		scheduled = true;
		setImmediate(next);
	};

	return {
		/** Starts `start` when its turn comes, unless `gone()` says by then that no one waits for it. */
		take(start: () => void, gone?: () => boolean) {
			waiting.push({ start, gone });
			schedule();
		},
		/** How many requests wait for their turn. */
		get waiting() {
			return waiting.length - head;
		}
	};
}
