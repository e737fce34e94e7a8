/**
 * The ballot box: one pooled, group-committed writer for every vote.
 *
 * Durability. Votes that arrive together (in the same turn of the event loop, or while the previous
 * commit was being written) are written in ONE unit of work (`data.write`), at most `maxGroup` of
 * them, oldest first (the queue is first in, first out); each voter is answered
 * only after that unit has committed, durably (`data.write(…, { durable: true })`; SQLite: that
 * commit runs at `synchronous=FULL`, the WAL fsynced, while other units run at NORMAL; PostgreSQL: a
 * committed SERIALIZABLE transaction). On SQLite a unit holding secret votes commits with no sync
 * of its own (`syncedByCaller`: not even the new WAL header's after the last flush truncated it) and
 * its secret flush, run at once after it, makes it durable (a completed checkpoint syncs the WAL,
 * then the file; an incomplete one is followed by an fsync of the WAL) before anyone is answered. An acknowledged vote is on disk; a vote that was never acknowledged may
 * be lost by a crash, and its voter was never told it was recorded. Units run one after another.
 * Per-vote checks run inside the unit, in arrival order, against one read of the group's
 * participations (`openUnit`); the accepted votes' rows are then written together (`closeUnit`:
 * a few multi-row statements per group, not four statements per vote). A vote that fails them (the second
 * member of a household, a wrong code) is answered alone and the others commit. On PostgreSQL a
 * unit may run again (a serialization conflict with another node): the whole group is then checked
 * and written again from scratch, so a vote another node wrote meanwhile is seen by the checks.
 *
 * Secrecy (secret consultations). A ballot and its participation are never written alone: they wait
 * in a pool per consultation and are written when the pool holds `groupSize` (k) votes, or when the
 * oldest has waited `windowMs`, or at the close. A flush writes the participations of the group, then
 * its ballots in a freshly shuffled order (ballot ids are random too), in the same transaction, with
 * one "participated" audit row per voter and no per-vote time (all rows of a group carry the flush
 * time). The WAL is then checkpointed and truncated, and the live tally of a secret consultation is
 * published once per k votes or every `tallyEveryMs`.
 *
 * Clean-ups while votes keep coming (SQLite). That checkpoint writes the group's pages into the file
 * and fsyncs both files: on a busy evening it cost more than the group's own commit (10 voters at a
 * time: 0.8 ms of every 2.6 ms). So it runs at most once per `cleanEveryMs` (100 ms): a unit that comes
 * sooner after the last clean-up, whose secret groups each hold k votes or more and that erased
 * nothing, is made durable by an fsync of the WAL alone (as a FULL commit is) before its voters are
 * answered, and its clean-up is owed; the next unit after `cleanEveryMs`, or a timer when no unit
 * comes, runs it for every unit since, and so do the close of a consultation and the box's close.
 * A unit with a group under k (flushed by its window or a close), or one that erased a ballot, is
 * cleaned up at once, as before. While a clean-up is owed, a copy of the WAL shows those units' commits
 * one by one: each pairs k ballots or more with as many participations, as a copy taken between a
 * commit and its checkpoint always could; at rest (nothing owed, at most `cleanEveryMs` after the last
 * vote) the files hold no group at all; a process stopped while one was owed leaves those commits in the
 * WAL, which the next opening of the file empties before anything is served (`openDatabase`).
 *
 * Per engine (`DialectHooks`):
 * - SQLite: `secure_delete` zeroes a replaced ballot's (and an erased assisted choice's) bytes in
 *   the file, and after a secret flush the WAL is checkpointed and truncated, so the group's commit
 *   does not stay readable as one frame set.
 * - PostgreSQL: ballots have random ids and no time, sequence or default beyond their weight
 *   (`db/pg/schema-votes.ts`, tested in tests/integration/postgres/secret-ballots.test.ts), and the
 *   server's own commit times and logical WAL are reported at start (`db/pg/secrecy.ts`). There is
 *   no `secure_delete`: a deleted or updated row stays in its page as a dead version until vacuumed.
 *   So after a secret flush that erased something (a replaced ballot, an assisted vote's choice), the
 *   box runs `VACUUM` on `ballots` and `assisted_votes`, outside any transaction (VACUUM refuses to
 *   run inside one), before the voters are answered: the dead versions are no longer items of their
 *   pages, for SQL or for a page inspector. Their bytes may stay in the page's free space until
 *   overwritten; at a secret consultation's close `VACUUM FULL` rewrites both tables without them
 *   (it locks them while it runs, a moment at each close). WAL and its archives are the
 *   operator's (see secrecy.ts).
 *
 * Limits, said plainly: for up to `cleanEveryMs` after a vote, the WAL may hold the last units' groups
 * (each of k votes or more, see above); a group flushed by the window or at the close may hold fewer
 * than k votes (down to one); its WAL frames are truncated at once, but a copy of the files taken in
 * that instant, or two copies of the main file taken before and after, can pair that ballot with its
 * participation; a reader holding an old snapshot pins the WAL (a checkpoint cannot truncate under
 * it), so the group size k is then the whole protection until it lets go (the box does not wait for
 * it: it syncs the WAL, answers, and empties the WAL within 250 ms of the reader letting go,
 * db/empty-wal.ts); the server process sees voter and ballot together while handling the request;
 * the live tally still moves, so in a tiny electorate "results after close" is the setting for
 * sensitive questions.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db';
import { syncWalFile, walFileOf, type Data } from '../../db/data';
import { emptyWalNowOrSoon } from '../../db/empty-wal';
import { UserError } from '../errors';

export interface BallotBoxOptions {
	/** k: secret ballots are written in groups of at least this many (except by window or at close). */
	groupSize?: number;
	/** The longest a secret vote waits in the pool before its group is written anyway. */
	windowMs?: number;
	/**
	 * The most votes one unit writes (default 256): the queue is first in, first out, and a unit takes
	 * at most this many from its head, so a vote waits for the units ahead of it and no longer, and
	 * the writer (and the event loop, on SQLite) is never held by one huge unit.
	 */
	maxGroup?: number;
	/** Live tallies of secret consultations are published every k votes or after this long. */
	tallyEveryMs?: number;
	/**
	 * On an engine that can defer its clean-up (SQLite): the least time between two clean-ups of the
	 * files (checkpoint and truncation of the WAL) while secret groups of at least k votes follow one
	 * another (default 100 ms; 0 cleans up after every secret unit). See the file comment.
	 */
	cleanEveryMs?: number;
	dialect?: DialectHooks;
}

/** The handles the engine hooks use: `db` is SQLite's writer connection (refused on PostgreSQL). */
export interface Storage {
	db: Db;
	data: Data;
}

/** The few storage calls that depend on the database engine. */
export interface DialectHooks {
	/** Once, when the box opens. */
	prepare(storage: Storage): void;
	/**
	 * `afterSecretFlush` leaves the unit's commit on disk by itself (SQLite: its checkpoint syncs the
	 * WAL and then the file): a unit holding secret votes is then committed at the ordinary level and
	 * made durable by the flush, one sync instead of a FULL commit followed by the checkpoint's own.
	 */
	readonly flushMakesDurable?: boolean;
	/**
	 * After a commit that wrote secret ballots (`erased`: it also deleted or overwrote a ballot or an
	 * assisted choice): leave no recent page images or dead row versions behind. Called at once after
	 * the unit returns, before anything else is awaited (SQLite: before the next unit begins).
	 */
	afterSecretFlush(storage: Storage, erased: boolean): void | Promise<void>;
	/**
	 * Optional (SQLite): the clean-up of a unit whose secret groups all hold at least k votes may wait
	 * for the next one. `deferSecretFlush` makes the unit's commit durable without it (an fsync of the
	 * WAL, what synchronous=FULL does at a commit), and `writerState` says whether the writer is between
	 * units, so that a clean-up owed can run (`afterSecretFlush`) outside any transaction.
	 */
	deferSecretFlush?(storage: Storage): void;
	writerState?(storage: Storage): 'idle' | 'busy' | 'closed';
	/** After a secret consultation closed (its ballots will not change any more). */
	afterSecretClose(storage: Storage): Promise<void>;
}

export const sqliteDialect: DialectHooks = {
	// better-sqlite3 specifics on the writer connection (SQLite only; PostgreSQL's hooks are below).
	prepare({ db }) {
		// A replaced secret ballot must not linger in free pages of the file: deleted rows are zeroed.
		db.$client.pragma('secure_delete = ON');
	},
	flushMakesDurable: true,
	afterSecretFlush({ db }) {
		// Synchronous, right after the commit: the writer is not yet in the next unit's transaction. A
		// completed checkpoint copied every commit into the file and synced it (at NORMAL as at FULL,
		// SQLite syncs the WAL before a checkpoint and the file after it) before the WAL was truncated.
		// Otherwise (a reader holds an old snapshot, another checkpoint runs) the commit is made durable
		// at once by an fsync of the WAL, before any voter is answered, and the WAL is emptied a moment
		// later, without waiting here for anyone (db/empty-wal.ts).
		emptyWalNowOrSoon(db.$client);
	},
	deferSecretFlush({ db }) {
		syncWalFile(walFileOf(db.$client));
	},
	writerState: ({ db }) => (!db.$client.open ? 'closed' : db.$client.inTransaction ? 'busy' : 'idle'),
	async afterSecretClose() {
		// secure_delete zeroed every replaced ballot already; the last flush truncated the WAL.
	}
};

/**
 * PostgreSQL: VACUUM after a secret flush that erased something stands in for `secure_delete` (see
 * the file comment). One VACUUM at a time per node: a flush that finds one running waits for it and
 * runs its own after, so its erased versions are covered.
 */
export function postgresHooks(): DialectHooks {
	let vacuuming: Promise<void> = Promise.resolve();
	const vacuum = (full: boolean) => (data: Data) => {
		const run = async () => {
			const { ballots, assistedVotes } = data.t;
			// Outside any unit: VACUUM cannot run inside a transaction block.
			if (full) await data.rows(sql`vacuum full ${ballots}, ${assistedVotes}`);
			else await data.rows(sql`vacuum ${ballots}, ${assistedVotes}`);
		};
		const next = vacuuming.then(run, run);
		vacuuming = next.catch(() => undefined);
		return next;
	};
	const plain = vacuum(false);
	const full = vacuum(true);
	return {
		prepare() {},
		async afterSecretFlush({ data }, erased) {
			if (erased) await plain(data);
		},
		async afterSecretClose({ data }) {
			await full(data);
		}
	};
}

/** What a vote's write gets inside the group's unit. */
export interface GroupUnit {
	/** The flush time every row of the group carries. */
	now: Date;
	/** Secret ballot inserts, run after every participation of the group, in a shuffled order. */
	ballotWrites: (() => Promise<unknown>)[];
	/** Says that this write deleted or overwrote a ballot or an assisted choice (see the hooks). */
	erased(): void;
}

/** One vote waiting to be written. `write` runs inside the group's unit (`data.db` is the unit). */
export interface Pending<R> {
	consultationId: string;
	/** Which elector this is (`u:` person or `h:` household): one pending vote per elector. */
	electorKey: string;
	voterId: string;
	secret: boolean;
	/** Checks against what is on disk (and earlier votes of the group), then writes; may throw a UserError. */
	write(unit: GroupUnit): Promise<R>;
}

interface Entry<R> {
	item: Pending<R>;
	resolve(r: R): void;
	reject(e: unknown): void;
}

export interface Committed<R> {
	item: Pending<R>;
	result: R;
}

export interface BoxHooks<R> {
	/**
	 * Inside the unit, at each attempt, before the first vote's write: reads for the whole group at
	 * once (one query instead of one per vote). The group's electors are distinct (one pending vote
	 * per elector), so what one vote writes never changes what another vote of the group was checked
	 * against.
	 */
	openUnit?(items: Pending<R>[], unit: GroupUnit): Promise<void>;
	/**
	 * Inside the unit, after every vote of the group was checked: the rows they gathered, written
	 * together (before the shuffled secret ballots).
	 */
	closeUnit?(unit: GroupUnit): Promise<void>;
	/** Before a unit, with the consultations it writes to (live tallies hold them). */
	beforeUnit(consultationIds: string[]): void;
	/** After the unit, committed or not (`committed` is empty when it failed), before voters are answered. */
	afterUnit(committed: Committed<R>[], consultationIds: string[]): Promise<void>;
}

export function shuffle<T>(list: T[], bytes: (n: number) => Uint8Array): T[] {
	for (let i = list.length - 1; i > 0; i--) {
		const r = bytes(4);
		const j = ((r[0]! << 24) | (r[1]! << 16) | (r[2]! << 8) | r[3]!) >>> 0;
		const k = j % (i + 1);
		[list[i], list[k]] = [list[k]!, list[i]!];
	}
	return list;
}

export function createBallotBox<R>(
	storage: Storage,
	clock: { now(): Date },
	bytes: (n: number) => Uint8Array,
	hooks: BoxHooks<R>,
	options: BallotBoxOptions = {}
) {
	const { data } = storage;
	const k = Math.max(1, options.groupSize ?? 5);
	const windowMs = options.windowMs ?? 1000;
	const maxGroup = Math.max(1, options.maxGroup ?? 256);
	const cleanEveryMs = Math.max(0, options.cleanEveryMs ?? 100);
	const dialect = options.dialect ?? sqliteDialect;
	dialect.prepare(storage);
	/** When the files were last cleaned up after a secret unit (performance.now()), and whether a clean-up is owed. */
	let lastClean = Number.NEGATIVE_INFINITY;
	let owed = false;
	let owedTimer: ReturnType<typeof setTimeout> | undefined;

	/** The clean-up after a secret unit (and of every deferred one before it): at once, writer idle. */
	function clean(erased: boolean): void | Promise<void> {
		owed = false;
		clearTimeout(owedTimer);
		owedTimer = undefined;
		lastClean = performance.now();
		return dialect.afterSecretFlush(storage, erased);
	}

	/** The owed clean-up from the timer: it runs synchronously up to its first await, the writer still idle. */
	async function cleanLogged() {
		try {
			await clean(false);
		} catch (err) {
			console.error('[ballot-box] deferred clean-up failed', err);
		}
	}

	/** A clean-up is owed: it runs `cleanEveryMs` after the last one, after a unit or by this timer. */
	function armOwed(delay = lastClean + cleanEveryMs - performance.now()) {
		if (owedTimer) return;
		owedTimer = setTimeout(() => {
			owedTimer = undefined;
			if (!owed) return;
			const state = dialect.writerState?.(storage) ?? 'idle';
			if (state === 'closed') return void (owed = false);
			// A unit is open on the writer (a flush loop cleans up after its own): a moment later.
			if (running || state === 'busy') return armOwed(5);
			void cleanLogged();
		}, Math.max(0, delay));
		// Never what keeps a process alive: closing the database checkpoints it and removes the WAL.
		owedTimer.unref?.();
	}

	/** Whether every secret consultation of a committed unit got at least k of its votes in it. */
	function groupsHoldK(items: Pending<R>[]): boolean {
		const counts = new Map<string, number>();
		for (const item of items) if (item.secret) counts.set(item.consultationId, (counts.get(item.consultationId) ?? 0) + 1);
		return counts.size > 0 && [...counts].every(([, n]) => n >= k);
	}
	const queue: Entry<R>[] = [];
	const pools = new Map<string, { entries: Entry<R>[]; timer: ReturnType<typeof setTimeout> }>();
	const pending = new Map<string, string>();
	let scheduled = false;
	/** The flush loop, while it runs: units are written one after another. */
	let running: Promise<void> | undefined;

	const keyOf = (item: Pending<R>) => `${item.consultationId}|${item.electorKey}`;

	function schedule() {
		if (scheduled) return;
		scheduled = true;
		setImmediate(() => {
			scheduled = false;
			void pump();
		});
	}

	function release(consultationId: string) {
		const pool = pools.get(consultationId);
		if (!pool) return;
		clearTimeout(pool.timer);
		pools.delete(consultationId);
		queue.push(...pool.entries);
	}

	function submit(item: Pending<R>): Promise<R> {
		const key = keyOf(item);
		const holder = pending.get(key);
		if (holder !== undefined) return Promise.reject(new UserError(holder === item.voterId ? 'votes.error.pending' : 'votes.error.householdPending', {}, 409));
		pending.set(key, item.voterId);
		return new Promise<R>((resolve, reject) => {
			const entry: Entry<R> = { item, resolve, reject };
			if (!item.secret) {
				queue.push(entry);
				schedule();
				return;
			}
			let pool = pools.get(item.consultationId);
			if (!pool) {
				pool = {
					entries: [],
					timer: setTimeout(() => {
						release(item.consultationId);
						schedule();
					}, windowMs)
				};
				pools.set(item.consultationId, pool);
			}
			pool.entries.push(entry);
			if (pool.entries.length >= k) {
				release(item.consultationId);
				schedule();
			}
		});
	}

	/** A clean-up still owed runs now, if the writer is between units (else its timer runs it). */
	async function cleanOwed() {
		if (owed && !running && (dialect.writerState?.(storage) ?? 'idle') === 'idle') await clean(false);
	}

	/** Writes everything queued, unit after unit, until the queue is empty. Never rejects. */
	function pump(): Promise<void> {
		running ??= (async () => {
			// Let `running` be set before the loop can end and clear it.
			await Promise.resolve();
			try {
				while (queue.length) await flushOnce();
			} finally {
				running = undefined;
			}
		})();
		return running;
	}

	/** Writes the head of the queue (at most `maxGroup` votes, oldest first) in one unit, then answers its voters. */
	async function flushOnce() {
		const entries = queue.splice(0, maxGroup);
		if (entries.length === 0) return;
		const ids = [...new Set(entries.map((e) => e.item.consultationId))];
		const now = clock.now();
		let done: { entry: Entry<R>; result: R }[] = [];
		let refused: { entry: Entry<R>; error: unknown }[] = [];
		let secret = false;
		let erased = false;
		let failure: { error: unknown } | undefined;
		// A unit holding secret votes is made durable by the secret flush right after it, when the engine's
		// flush does that (SQLite) and this unit commits on its own (not joined to a unit around it).
		const byFlush = dialect.flushMakesDurable === true && !data.inUnit && entries.some((e) => e.item.secret);
		hooks.beforeUnit(ids);
		try {
			await data.write(async () => {
				// A PostgreSQL unit may run again: start from nothing each time.
				done = [];
				refused = [];
				secret = false;
				erased = false;
				// Participations (and public ballots) in arrival order; secret ballots are collected…
				const unit: GroupUnit = { now, ballotWrites: [], erased: () => void (erased = true) };
				await hooks.openUnit?.(
					entries.map((e) => e.item),
					unit
				);
				for (const entry of entries) {
					try {
						done.push({ entry, result: await entry.item.write(unit) });
						secret ||= entry.item.secret;
					} catch (error) {
						// Checks throw before any write of that vote, so the others are unaffected.
						if (!(error instanceof UserError)) throw error;
						refused.push({ entry, error });
					}
				}
				// What the accepted votes gathered (participations, audit rows, ballots: the secret ones shuffled)…
				await hooks.closeUnit?.(unit);
				// …and any ballot write handed back one by one, in a random order, in the same unit.
				for (const write of shuffle(unit.ballotWrites, bytes)) await write();
			}, { durable: !byFlush, syncedByCaller: byFlush });
			// At once (no await before it): on SQLite the writer has not begun the next unit yet. A unit
			// committed for the flush to make durable gets it even if every secret vote in it was refused.
			// Within `cleanEveryMs` of the last clean-up, a unit whose secret groups all hold k votes or
			// more and that erased nothing is made durable alone and cleaned up with a later one.
			if (secret || byFlush) {
				const defer =
					byFlush &&
					!erased &&
					cleanEveryMs > 0 &&
					dialect.deferSecretFlush !== undefined &&
					performance.now() - lastClean < cleanEveryMs &&
					groupsHoldK(done.map((d) => d.entry.item));
				if (defer) {
					dialect.deferSecretFlush?.(storage);
					owed = true;
					armOwed();
				} else await clean(erased);
			} else if (owed && performance.now() - lastClean >= cleanEveryMs) await clean(false);
		} catch (error) {
			failure = { error };
		}
		for (const e of entries) pending.delete(keyOf(e.item));
		const committed = failure ? [] : done.map(({ entry, result }) => ({ item: entry.item, result }));
		try {
			await hooks.afterUnit(committed, ids);
		} catch (error) {
			// The votes are on disk: their voters are answered whatever the live tallies did.
			console.error('[ballot-box] after-commit hook failed', error);
		}
		if (failure) {
			for (const e of entries) e.reject(failure.error);
			return;
		}
		for (const { entry, result } of done) entry.resolve(result);
		for (const { entry, error } of refused) entry.reject(error);
	}

	return {
		submit,
		/** Whether this elector has a vote waiting in the box (or being written). */
		isPending: (consultationId: string, electorKey: string) => pending.has(`${consultationId}|${electorKey}`),
		/** Whether any vote of this consultation waits in the box (an edit must not change what it was checked against). */
		anyPending: (consultationId: string) => [...pending.keys()].some((key) => key.startsWith(`${consultationId}|`)),
		/** Writes every vote waiting for this consultation now (before its close counts the ballots). */
		async drain(consultationId: string) {
			release(consultationId);
			await pump();
			await cleanOwed();
		},
		/** Stops the window timers (tests, shutdown): waiting votes are written first. */
		async close() {
			for (const id of [...pools.keys()]) release(id);
			await pump();
			await cleanOwed();
		},
		/** After a secret consultation closed: the engine's last clean-up (PostgreSQL: VACUUM FULL). */
		afterSecretClose: () => dialect.afterSecretClose(storage)
	};
}
