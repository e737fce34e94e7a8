/**
 * Emptying SQLite's WAL after a write whose page images must not stay in it (a secret group of votes,
 * an anonymous survey answer): `wal_checkpoint(TRUNCATE)` copies every frame into the database file,
 * syncs it, and truncates the WAL to nothing.
 *
 * It cannot always finish at once:
 * - another connection is checkpointing (the WAL checkpoint thread, checkpointer.ts): SQLite answers
 *   "busy" at once, copying nothing;
 * - a reader holds a snapshot older than the last frames (an export still reading, a backup, an
 *   operator's shell): the frames after it can be neither copied nor dropped until it lets go.
 * TRUNCATE waits for readers through the connection's busy handler: at the writer's `busy_timeout`
 * (then 5 s) a reader holding its snapshot stopped the event loop for 5 s at every secret group, every
 * vote of the server waiting behind it. So the attempt here does not wait: `busy_timeout = 0` for its
 * length, whatever the connection's own (the server's writer runs at 0 anyway since write-lock.ts; a
 * test's or a CLI's connection may not). When it cannot finish, the caller's commit is made durable by an fsync of the WAL (as
 * synchronous=FULL does), and the emptying is tried again, on the event loop, between units of work:
 * 5 ms later, then twice as long each time up to 250 ms, until it finishes. So the WAL is emptied at
 * most that long after the reader lets go or the other checkpoint ends, with no write needed to
 * trigger it; a reader that holds its snapshot for an hour keeps those frames for an hour, which
 * `ballot-box.ts` says in its limits (the group size k is then the whole protection).
 */
import type Database from 'better-sqlite3';
import { syncWalFile, walFileOf } from './data';

/** How an attempt went. */
export type Emptying = 'emptied' | 'checkpointing' | 'pinned' | 'in-transaction' | 'failed';

const FIRST_RETRY_MS = 5;
const LAST_RETRY_MS = 250;

/**
 * One attempt, without waiting for anyone. `checkpointing`: another connection's checkpoint held the
 * lock (SQLite answers busy with log = -1, before looking at the WAL); `pinned`: a reader's snapshot
 * kept frames in the WAL; `failed`: SQLite raised an error (kept for the round's one warning).
 */
export function tryEmptyWal(client: Database.Database): Emptying {
	if (client.inTransaction) return 'in-transaction';
	const timeout = client.pragma('busy_timeout', { simple: true }) as number;
	client.pragma('busy_timeout = 0');
	try {
		const [result] = client.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
		if (result?.busy === 0) return 'emptied';
		return result && result.log < 0 ? 'checkpointing' : 'pinned';
	} catch (err) {
		lastFailure = err;
		return 'failed';
	} finally {
		client.pragma(`busy_timeout = ${timeout}`);
	}
}

interface Retry {
	timer?: ReturnType<typeof setTimeout>;
	delay: number;
	/** Whether this round of retries has said so in the log (once per round: a reader or an error). */
	told: boolean;
}
const retries = new WeakMap<Database.Database, Retry>();
/** Why the last attempt that failed did (said once per round of retries). */
let lastFailure: unknown;

/**
 * Right after a commit that must leave no page image in the WAL (synchronous, before the writer's
 * next unit): empties the WAL, or else makes the commit durable by syncing the WAL and tries again
 * shortly, until it is emptied (see the file comment). Returns how this first attempt went.
 */
export function emptyWalNowOrSoon(client: Database.Database): Emptying {
	const outcome = tryEmptyWal(client);
	if (outcome === 'emptied') {
		// A retry still armed has nothing left to do: this attempt did it.
		stopRetrying(client);
		return outcome;
	}
	// A completed checkpoint syncs the WAL before copying it; otherwise the commit is made durable here.
	syncWalFile(walFileOf(client));
	retryLater(client, outcome);
	return outcome;
}

function stopRetrying(client: Database.Database) {
	const retry = retries.get(client);
	if (!retry) return;
	clearTimeout(retry.timer);
	retries.delete(client);
	if (retry.told) console.warn('[wal] the WAL is emptied after all');
}

function retryLater(client: Database.Database, outcome: Emptying) {
	const current = retries.get(client);
	if (current) return tell(current, outcome);
	const retry: Retry = { delay: FIRST_RETRY_MS, told: false };
	retries.set(client, retry);
	tell(retry, outcome);
	const arm = (delay: number) => {
		retry.timer = setTimeout(() => {
			if (!client.open) return void retries.delete(client);
			const next = tryEmptyWal(client);
			if (next === 'emptied') return stopRetrying(client);
			tell(retry, next);
			// Inside a unit of work: right after it, not later than that.
			if (next === 'in-transaction') return arm(FIRST_RETRY_MS);
			retry.delay = Math.min(LAST_RETRY_MS, retry.delay * 2);
			arm(retry.delay);
		}, delay);
		// Never what keeps a process alive: closing the database checkpoints it and removes the WAL.
		retry.timer.unref?.();
	};
	arm(retry.delay);
}

/** Once per round of retries, when a reader or an error (not a passing checkpoint) is the cause. */
function tell(retry: Retry, outcome: Emptying) {
	if (retry.told || (outcome !== 'pinned' && outcome !== 'failed')) return;
	retry.told = true;
	if (outcome === 'pinned') console.warn('[wal] a reader holds an old snapshot: the WAL cannot be emptied yet (tried again until it lets go)');
	else console.warn('[wal] the WAL could not be emptied (tried again until it can)', lastFailure);
}
