import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * SQLite WAL checkpoints off the main thread. By default the connection that commits also copies the
 * WAL back into the database file once the WAL passes 1,000 pages, inside that COMMIT, with two
 * fsyncs: one commit in twenty on a busy board stopped the event loop for 10–15 ms, and every socket
 * event waiting behind it with it. This worker thread opens its own connection to the same file and
 * runs PASSIVE checkpoints: it copies what no reader still needs, never waits for anyone and never
 * blocks the writer, whose commits then only append to the WAL.
 *
 * When: every `intervalMs` the thread reads how far the WAL goes and how far it was copied back (the
 * wal-index in the -shm file: `mxFrame` at offset 16 of its header, `nBackfill` at offset 96, in the
 * machine's byte order, as SQLite's WAL format documents them), and checkpoints once `frames` pages
 * wait to be copied, or once the WAL has stopped growing for `quietMs` with pages still waiting.
 * Not more often: a checkpoint that copies the whole WAL makes the next commit start the WAL over,
 * and SQLite syncs the WAL's new header in that commit, on the main thread, even at
 * `synchronous=NORMAL`. Checkpointing every 250 ms, as this thread first did, put that sync (0.6–0.9
 * ms) in the commit of a board action every 250 ms under load (issue 15); at `frames` = 1,000 it is one
 * commit in every 1,000 pages written, as with SQLite's own threshold. Should the -shm file not be
 * readable, the thread checkpoints at every tick.
 *
 * Nothing about durability changes: a checkpoint only moves committed pages from the WAL into the
 * file (fsyncing both, the worker's connection being at SQLite's default `synchronous=FULL`). The
 * writer keeps a high `wal_autocheckpoint` as a backstop should this thread stop. The ballot box's
 * own `wal_checkpoint(TRUNCATE)` after a secret flush still runs on the writer, at once: at most it
 * waits for a checkpoint of this thread to finish.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { endianness } = require('node:os');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let shm = -1;
try {
	shm = openSync(workerData.file + '-shm', 'r');
} catch {}
const header = Buffer.alloc(100);
const little = endianness() === 'LE';
const word = (offset) => (little ? header.readUInt32LE(offset) : header.readUInt32BE(offset));
/** The WAL's last frame and the last one copied back, or null when the wal-index cannot be read. */
function walIndex() {
	try {
		if (shm < 0 || readSync(shm, header, 0, 100, 0) < 100) return null;
	} catch {
		return null;
	}
	return { last: word(16), copied: word(96) };
}
let seen = -1;
let quietSince = Date.now();
let reported = false;
const timer = setInterval(() => {
	const index = walIndex();
	if (index) {
		const now = Date.now();
		if (index.last !== seen) {
			seen = index.last;
			quietSince = now;
		}
		// Read while the writer restarts the WAL, 'copied' may still be the old WAL's.
		const waiting = index.last >= index.copied ? index.last - index.copied : index.last;
		if (waiting === 0 || (waiting < workerData.frames && now - quietSince < workerData.quietMs)) return;
	}
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch (err) {
		if (!reported) parentPort.postMessage({ error: String(err) });
		reported = true;
	}
}, workerData.intervalMs);
parentPort.on('message', () => {
	clearInterval(timer);
	if (shm >= 0) closeSync(shm);
	db.close();
	parentPort.close();
});
`;

/** When the thread checkpoints (the header comment says why these). */
export interface CheckpointOptions {
	/** How often it looks at the WAL (ms). */
	intervalMs?: number;
	/** Pages waiting to be copied back that make it checkpoint at once (SQLite's own threshold). */
	frames?: number;
	/** A WAL that has not grown for this long (ms) is copied back whatever its size. */
	quietMs?: number;
	onError?: (message: string) => void;
}

export interface Checkpointer {
	/** Stops the thread after its current checkpoint (its connection closes). */
	close(): Promise<void>;
}

export function startCheckpointer(file: string, options: CheckpointOptions = {}): Checkpointer {
	const driver = createRequire(import.meta.url).resolve('better-sqlite3');
	const workerData = { file: resolve(file), driver, intervalMs: options.intervalMs ?? 250, frames: options.frames ?? 1000, quietMs: options.quietMs ?? 1000 };
	const worker = new Worker(SOURCE, { eval: true, workerData });
	// Never what keeps a process alive (a test that forgot to close its app, a CLI that is done).
	worker.unref();
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	worker.on('message', (m: { error?: string }) => {
		if (m.error) options.onError?.(m.error);
	});
	worker.on('error', (err) => options.onError?.(String(err)));
	return {
		async close() {
			// Held while closing: an unref'd thread and timer alone would let a CLI's last `await
			// close()` end with nothing left to run (Node then exits 13, "unsettled top-level await").
			worker.ref();
			worker.postMessage('close');
			const timeout = new Promise<'late'>((resolve) => setTimeout(resolve, 2000, 'late').unref());
			if ((await Promise.race([exited, timeout])) === 'late') await worker.terminate();
		}
	};
}
