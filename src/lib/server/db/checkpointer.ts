import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite WAL checkpoints off the main thread. By default the connection that commits also copies the
 * WAL back into the database file once the WAL passes 1,000 pages, inside that COMMIT, with two
 * fsyncs: one commit in twenty on a busy board stopped the event loop for 10–15 ms, and every socket
 * event waiting behind it with it. This worker thread opens its own connection to the same file and
 * runs a PASSIVE checkpoint every `intervalMs`: it copies what no reader still needs, never waits for
 * anyone and never blocks the writer, whose commits then only append to the WAL.
 *
 * Nothing about durability changes: a checkpoint only moves committed pages from the WAL into the
 * file (fsyncing both, the worker's connection being at SQLite's default `synchronous=FULL`). The
 * writer keeps a high `wal_autocheckpoint` as a backstop should this thread stop. The ballot box's
 * own `wal_checkpoint(TRUNCATE)` after a secret flush still runs on the writer, at once: at most it
 * waits for a checkpoint of this thread to finish.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let reported = false;
const timer = setInterval(() => {
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch (err) {
		if (!reported) parentPort.postMessage({ error: String(err) });
		reported = true;
	}
}, workerData.intervalMs);
parentPort.on('message', () => {
	clearInterval(timer);
	db.close();
	parentPort.close();
});
`;

export interface Checkpointer {
	/** Stops the thread after its current checkpoint (its connection closes). */
	close(): Promise<void>;
}

export function startCheckpointer(file: string, options: { intervalMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
	const driver = createRequire(import.meta.url).resolve('better-sqlite3');
	const worker = new Worker(SOURCE, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 250 } });
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
