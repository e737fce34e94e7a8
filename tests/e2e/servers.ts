import { basename, dirname, join } from 'node:path';

/**
 * The end-to-end suite runs in WORKERS Playwright workers, and each worker talks to a server of its
 * own: worker n (Playwright's `parallelIndex`, unique among the workers running at a time) gets the
 * built app on port E2E_PORT + n, on its own freshly seeded SQLite file. So no two tests ever share a
 * server at the same moment, exactly as with one worker, while the two cores both work.
 * One worker by default, as before: notifications.spec.ts counts Amina's unread lines (≤ 5), which
 * depends on which files ran before it on its server; E2E_WORKERS=2 once no spec depends on that.
 */
export const WORKERS = Math.max(1, Number(process.env.E2E_WORKERS ?? 1));
const PORT = Number(process.env.E2E_PORT ?? 4173);
const DB = process.env.E2E_DATABASE_URL ?? 'data/e2e/app.db';

/** This process's server: a worker's own; in the runner (no parallel index), the first. */
const INDEX = Number(process.env.TEST_PARALLEL_INDEX ?? 0);

export const portOf = (n: number) => PORT + n;
/** Server 0 keeps E2E_DATABASE_URL; server n a file beside it whose name `rm -rf ${DB}*` does not match. */
export const databaseOf = (n: number) => (n === 0 ? DB : join(dirname(DB), `w${n}-${basename(DB)}`));

export const PORT_OF_THIS_WORKER = portOf(INDEX);
export const DATABASE_OF_THIS_WORKER = databaseOf(INDEX);
