/**
 * Votes' traces of participation, written after the votes (issue 15).
 *
 * A vote's trace (`participation_traces`) and its household's row (`participation_households`) were
 * written by triggers in the vote's own unit: four random index pages per vote, about half of what a
 * group of ten votes wrote and synced before its voters were answered, and most of its statements'
 * time. The participations' insert trigger now appends the participation to `participation_trace_queue`
 * (its last page), and `foldVoteTraces` writes the queued votes' traces in one unit of its own, with
 * the same values the trigger wrote (the household, residence and building of the voter as she is
 * then), in one statement: pages that several votes touch are written once.
 *
 * When: `createVoteTraceKeeper` folds once `foldAt` votes are queued (so the queue stays short: "which
 * did she vote in" reads it) or `foldAfterMs` after the first vote queued (so that at rest nothing is
 * queued and a page load writes nothing), and every reader of the traces folds first, so the
 * indicators count a vote at once (`foldVoteTraces` is a read when nothing is queued). A queued participation deleted before its fold leaves no trace (the fold
 * joins the queue to the participations); one updated got its trace from the update trigger, which
 * the fold keeps (it writes only the missing ones). Portable SQL: the same on SQLite and PostgreSQL.
 */
import { and, eq, lte, notExists, sql } from 'drizzle-orm';
import type { Data } from '../../db/data';

/** Writes the traces of every queued vote, then empties the queue of them (one unit). Returns how many were queued. */
export async function foldVoteTraces(data: Data): Promise<number> {
	const { participationTraceQueue: q } = data.t;
	const [queued] = await data.db.select({ top: sql<number | string | null>`max(${q.seq})` }).from(q);
	if (queued?.top == null) return 0;
	return data.write(async (tx) => {
		const { participationTraces: tr, participations: p, consultations: c, users: u, households: h } = data.t;
		// Inside the unit: what is queued now (another node, or a unit since the read above, may have folded it).
		const [now] = await tx.select({ top: sql<number | string | null>`max(${q.seq})`, n: sql<number | string>`count(*)` }).from(q);
		if (now?.top == null) return 0;
		const top = Number(now.top);
		await tx.insert(tr).select(
			tx
				.selectDistinct({
					kind: sql<'voted'>`'voted'`.as('kind'),
					sourceId: sql<string>`${p.id}`.as('source_id'),
					userId: sql<string>`${p.userId}`.as('user_id'),
					spaceResidenceId: sql<string>`${c.spaceId}`.as('space_residence_id'),
					householdId: sql<string | null>`${h.id}`.as('household_id'),
					residenceId: sql<string | null>`${h.residenceId}`.as('residence_id'),
					buildingId: sql<string | null>`${h.buildingId}`.as('building_id'),
					at: p.at
				})
				.from(q)
				.innerJoin(p, eq(p.id, q.participationId))
				.innerJoin(c, and(eq(c.id, p.consultationId), eq(c.spaceType, 'residence')))
				.leftJoin(u, eq(u.id, p.userId))
				.leftJoin(h, eq(h.id, u.householdId))
				.where(and(lte(q.seq, top), notExists(tx.select({ one: sql`1` }).from(tr).where(and(eq(tr.userId, p.userId), eq(tr.kind, 'voted'), eq(tr.sourceId, p.id))))))
		);
		await tx.delete(q).where(lte(q.seq, top));
		return Number(now.n);
	});
}

export interface VoteTraceKeeperOptions {
	/** Fold once this many votes are queued (default 500). */
	foldAt?: number;
	/** Fold the votes queued this long after the first of them, however few (default 2,000 ms): at rest the queue is empty. */
	foldAfterMs?: number;
}

/** A fold that found its database closed (a test's, or a stopping server's): the queue waits for the next start. */
const closedDatabase = /not open|is closed|after calling end|Connection terminated/i;

/** Whether `err`, or what it wraps (drizzle says "Failed query", the driver's error is its cause), says so. */
function closedDatabaseError(err: unknown): boolean {
	for (let e = err, depth = 0; e != null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		if (closedDatabase.test(String((e as { message?: unknown }).message ?? e))) return true;
	}
	return false;
}

/**
 * Folds the queue when enough votes have come (`noted` after each unit of votes), or `foldAfterMs`
 * after the first vote not folded yet. One fold at a time; votes noted while it runs are counted
 * towards the next. Errors are logged: the votes are committed and queued, and the next fold, or the
 * next read of the traces, writes them.
 */
export function createVoteTraceKeeper(data: Data, options: VoteTraceKeeperOptions = {}) {
	const foldAt = Math.max(1, options.foldAt ?? 500);
	const afterMs = Math.max(0, options.foldAfterMs ?? 2000);
	let queued = 0;
	let folding: Promise<void> | undefined;
	let timer: ReturnType<typeof setTimeout> | undefined;

	function arm() {
		if (timer || folding) return;
		timer = setTimeout(() => {
			timer = undefined;
			if (!folding && queued > 0) fold();
		}, afterMs);
		// Never what keeps a process alive: the queue outlives it, and is folded after the next vote or read.
		timer.unref?.();
	}

	function fold() {
		clearTimeout(timer);
		timer = undefined;
		queued = 0;
		folding = foldVoteTraces(data)
			.then(
				() => undefined,
				(err: unknown) => {
					if (!closedDatabaseError(err)) console.error('[indicators] folding the votes’ traces failed', err);
				}
			)
			.finally(() => {
				folding = undefined;
				if (queued >= foldAt) fold();
				else if (queued > 0) arm();
			});
	}

	return {
		/** `count` votes (participations) were committed: fold when `foldAt` are waiting, else in `foldAfterMs` at most. */
		noted(count: number) {
			queued += count;
			if (folding) return;
			if (queued >= foldAt) fold();
			else arm();
		}
	};
}
