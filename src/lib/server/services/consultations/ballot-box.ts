/**
 * The ballot box: one pooled, group-committed writer for every vote.
 *
 * Durability. Votes that arrive together (in the same turn of the event loop, or while the previous
 * commit was being synced) are written in ONE transaction; each voter is answered only after that
 * transaction has committed with `synchronous=FULL`. An acknowledged vote is on disk; a vote that was
 * never acknowledged may be lost by a crash, and its voter was never told it was recorded.
 * Per-vote checks run inside the transaction, in arrival order: a vote that fails them (the second
 * member of a household, a wrong code) is answered alone and the others commit.
 *
 * Secrecy (secret consultations). A ballot and its participation are never written alone: they wait
 * in a pool per consultation and are written when the pool holds `groupSize` (k) votes, or when the
 * oldest has waited `windowMs`, or at the close. A flush writes the participations of the group, then
 * its ballots in a freshly shuffled order (ballot ids are random too), in the same transaction, with
 * one "participated" audit row per voter and no per-vote time (all rows of a group carry the flush
 * time). The WAL is then checkpointed and truncated, and the live tally of a secret consultation is
 * published once per k votes or every `tallyEveryMs`.
 *
 * Limits, said plainly: a group flushed by the window or at the close may hold fewer than k votes
 * (down to one); its WAL frames are truncated at once, but a copy of the files taken in that instant,
 * or two copies of the main file taken before and after, can pair that ballot with its participation;
 * a reader holding the database open can pin the WAL (a checkpoint cannot truncate under it), so the
 * group size k is then the whole protection; the server process sees voter and ballot together while
 * handling the request; the live tally still moves, so in a tiny electorate "results after close" is
 * the setting for sensitive questions.
 */
import type { Db } from '../../db';
import { transaction } from '../../db';
import { UserError } from '../errors';

export interface BallotBoxOptions {
	/** k: secret ballots are written in groups of at least this many (except by window or at close). */
	groupSize?: number;
	/** The longest a secret vote waits in the pool before its group is written anyway. */
	windowMs?: number;
	/** Live tallies of secret consultations are published every k votes or after this long. */
	tallyEveryMs?: number;
	dialect?: DialectHooks;
}

/** The few storage calls that depend on the database engine (PostgreSQL mode will bring its own). */
export interface DialectHooks {
	/** Once, when the box opens. */
	prepare(db: Db): void;
	/** After a commit that wrote secret ballots: leave no recent page images behind. */
	afterSecretFlush(db: Db): void;
}

export const sqliteDialect: DialectHooks = {
	prepare(db) {
		// A replaced secret ballot must not linger in free pages of the file: deleted rows are zeroed.
		db.$client.pragma('secure_delete = ON');
	},
	afterSecretFlush(db) {
		db.$client.pragma('wal_checkpoint(TRUNCATE)');
	}
};

/**
 * PostgreSQL has no `secure_delete` and no file a reader could open page by page; what stands in
 * for them (no timestamps, no sequences, random ids, and vacuuming after a flush) comes with the
 * ballot box's conversion to async (issue 12). Until then the box's hooks do nothing there.
 */
export const postgresDialect: DialectHooks = {
	prepare() {},
	afterSecretFlush() {}
};

/** One vote waiting to be written. `write` runs inside the group transaction. */
export interface Pending<R> {
	consultationId: string;
	/** Which elector this is (`u:` person or `h:` household): one pending vote per elector. */
	electorKey: string;
	voterId: string;
	secret: boolean;
	/** Checks against what is on disk (and earlier votes of the group), then writes; may throw a UserError. */
	write(tx: Db, now: Date, ballots: (() => void)[]): R;
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

function shuffle<T>(list: T[], bytes: (n: number) => Uint8Array): T[] {
	for (let i = list.length - 1; i > 0; i--) {
		const r = bytes(4);
		const j = ((r[0]! << 24) | (r[1]! << 16) | (r[2]! << 8) | r[3]!) >>> 0;
		const k = j % (i + 1);
		[list[i], list[k]] = [list[k]!, list[i]!];
	}
	return list;
}

export function createBallotBox<R>(
	db: Db,
	clock: { now(): Date },
	bytes: (n: number) => Uint8Array,
	/** Called after each commit with what it wrote, before voters are answered. */
	afterCommit: (committed: Committed<R>[]) => void,
	options: BallotBoxOptions = {}
) {
	const k = Math.max(1, options.groupSize ?? 5);
	const windowMs = options.windowMs ?? 1000;
	const dialect = options.dialect ?? sqliteDialect;
	dialect.prepare(db);
	const queue: Entry<R>[] = [];
	const pools = new Map<string, { entries: Entry<R>[]; timer: ReturnType<typeof setTimeout> }>();
	const pending = new Map<string, string>();
	let scheduled = false;

	const keyOf = (item: Pending<R>) => `${item.consultationId}|${item.electorKey}`;

	function schedule() {
		if (scheduled) return;
		scheduled = true;
		setImmediate(flush);
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

	/** Writes everything that is ready, in one transaction. Synchronous: nothing interleaves. */
	function flush() {
		scheduled = false;
		const entries = queue.splice(0);
		if (entries.length === 0) return;
		for (const e of entries) pending.delete(keyOf(e.item));
		const now = clock.now();
		const done: { entry: Entry<R>; result: R }[] = [];
		const refused: { entry: Entry<R>; error: unknown }[] = [];
		let secret = false;
		try {
			transaction(db, (tx) => {
				// Participations (and public ballots) in arrival order; secret ballots are collected…
				const ballotWrites: (() => void)[] = [];
				for (const entry of entries) {
					try {
						done.push({ entry, result: entry.item.write(tx, now, ballotWrites) });
						secret ||= entry.item.secret;
					} catch (error) {
						// Checks throw before any write of that vote, so the others are unaffected.
						if (!(error instanceof UserError)) throw error;
						refused.push({ entry, error });
					}
				}
				// …and written in a random order, in the same transaction.
				for (const write of shuffle(ballotWrites, bytes)) write();
			});
		} catch (error) {
			for (const e of entries) e.reject(error);
			return;
		}
		if (secret) dialect.afterSecretFlush(db);
		afterCommit(done.map(({ entry, result }) => ({ item: entry.item, result })));
		for (const { entry, result } of done) entry.resolve(result);
		for (const { entry, error } of refused) entry.reject(error);
	}

	return {
		submit,
		/** Whether this elector has a vote waiting in the box. */
		isPending: (consultationId: string, electorKey: string) => pending.has(`${consultationId}|${electorKey}`),
		/** Whether any vote of this consultation waits in the box (an edit must not change what it was checked against). */
		anyPending: (consultationId: string) => [...pending.keys()].some((k) => k.startsWith(`${consultationId}|`)),
		/** Writes every vote waiting for this consultation now (before its close counts the ballots). */
		drain(consultationId: string) {
			release(consultationId);
			flush();
		},
		/** Stops the window timers (tests, shutdown): waiting votes are written first. */
		close() {
			for (const id of [...pools.keys()]) release(id);
			flush();
		}
	};
}
