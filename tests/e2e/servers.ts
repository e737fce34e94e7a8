import { basename, dirname, join } from 'node:path';

/**
 * The end-to-end suite runs in WORKERS Playwright workers, and each worker talks to a server of its
 * own: worker n (Playwright's `parallelIndex`, unique among the workers running at a time) gets the
 * built app on port E2E_PORT + n, on its own freshly seeded SQLite file. So no two tests ever share a
 * server at the same moment, exactly as with one worker, while the two cores both work.
 * Two workers by default (E2E_WORKERS=1 for one): files are handed to the workers as they free up, so
 * any spec file may follow any subset of the others on its server, and none depends on which did.
 */
export const WORKERS = Math.max(1, Number(process.env.E2E_WORKERS ?? 2));
const PORT = Number(process.env.E2E_PORT ?? 4173);
const DB = process.env.E2E_DATABASE_URL ?? 'data/e2e/app.db';

/** This process's server: a worker's own; in the runner (no parallel index), the first. */
const INDEX = Number(process.env.TEST_PARALLEL_INDEX ?? 0);

export const portOf = (n: number) => PORT + n;
/** Server 0 keeps E2E_DATABASE_URL; server n a file beside it whose name `rm -rf ${DB}*` does not match. */
export const databaseOf = (n: number) => (n === 0 ? DB : join(dirname(DB), `w${n}-${basename(DB)}`));
/**
 * Each server writes its mail (no SMTP_URL: the whole message goes to MAIL_LOG) and its uploads beside
 * its own database, so a spec reading the mail log sees only what its own server sent.
 */
export const mailLogOf = (n: number) => join(dirname(databaseOf(n)), `${basename(databaseOf(n))}.mail.log`);
export const uploadsOf = (n: number) => join(dirname(databaseOf(n)), `${basename(databaseOf(n))}.uploads`);

export const PORT_OF_THIS_WORKER = portOf(INDEX);
export const DATABASE_OF_THIS_WORKER = databaseOf(INDEX);
export const MAIL_LOG_OF_THIS_WORKER = mailLogOf(INDEX);
