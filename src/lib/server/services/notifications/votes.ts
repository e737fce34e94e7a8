import { and, eq, gt, lte } from 'drizzle-orm';
import type { Published } from '../../realtime/bus';
import { transaction, type Db } from '../../db';
import { consultations, notifications, type NotificationKind } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { electors, electorsWhoHaveNotVoted } from './recipients';
import type { PendingNotification } from './schemas';

const DAY = 24 * 60 * 60 * 1000;

type Record = (tx: Db, userIds: string[], kind: NotificationKind, target: { consultationId: string }, actorId: string | null, data: { [k: string]: unknown }) => PendingNotification[];

/**
 * Vote notifications follow what the consultations service already publishes after commit (its
 * `vote.tally` event carries the status), so opening and closing need no call into this module.
 * Each kind is sent once per consultation: the check is on the table, so a second node or a replayed
 * event does not notify twice.
 */
export function voteNotifications(deps: ServiceDeps, record: Record, publish: (p: PendingNotification[]) => void) {
	const { db, clock } = deps;
	// Statuses already handled in this process, so the event after every single vote costs no query.
	const done = new Set<string>();

	function already(tx: Db, consultationId: string, kind: NotificationKind): boolean {
		return !!tx.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.consultationId, consultationId), eq(notifications.kind, kind))).limit(1).get();
	}

	function once(consultationId: string, kind: NotificationKind, recipients: (tx: Db, c: typeof consultations.$inferSelect) => string[]) {
		const key = `${consultationId}:${kind}`;
		if (done.has(key)) return;
		const pending = transaction(db, (tx) => {
			const c = tx.select().from(consultations).where(eq(consultations.id, consultationId)).get();
			if (!c || already(tx, c.id, kind)) return [];
			const data = { question: c.question, closesAt: c.closesAt?.toISOString() ?? null };
			return record(tx, recipients(tx, c), kind, { consultationId: c.id }, null, data);
		});
		done.add(key);
		publish(pending);
	}

	return {
		onEvent(message: Published) {
			if (message.event !== 'vote.tally') return;
			const live = message.payload as { consultationId: string; status: string };
			if (live.status === 'open') once(live.consultationId, 'voteOpened', electors);
			if (live.status === 'closed') once(live.consultationId, 'voteResults', electors);
		},

		/** For the scheduler: open votes closing within a day remind those who have not voted, once. */
		remindClosing() {
			const now = clock.now();
			const soon = db
				.select({ id: consultations.id })
				.from(consultations)
				.where(and(eq(consultations.status, 'open'), gt(consultations.closesAt, now), lte(consultations.closesAt, new Date(now.getTime() + DAY))))
				.all();
			for (const c of soon) once(c.id, 'voteClosing', electorsWhoHaveNotVoted);
			return soon.length;
		}
	};
}
