import { and, eq, gt, lte } from 'drizzle-orm';
import type { Published } from '../../realtime/bus';
import { first, type Data } from '../../db/data';
import type { consultations, NotificationKind } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { electors, electorsWhoHaveNotVoted } from './recipients';
import type { PendingNotification } from './schemas';

const DAY = 24 * 60 * 60 * 1000;

type ConsultationRow = typeof consultations.$inferSelect;
type Record = (userIds: string[], kind: NotificationKind, target: { consultationId: string }, actorId: string | null, data: { [k: string]: unknown }) => Promise<PendingNotification[]>;

/**
 * Vote notifications follow what the consultations service already publishes after commit (its
 * `vote.tally` event carries the status), so opening and closing need no call into this module.
 * Each kind is sent once per consultation: the check is on the table, inside the unit that writes
 * them, so a second node or a replayed event does not notify twice.
 */
export function voteNotifications(deps: ServiceDeps, record: Record, publish: (p: PendingNotification[]) => Promise<void>) {
	const { data, clock } = deps;
	const { consultations, notifications } = data.t;
	// Statuses already handled in this process, so the event after every single vote costs no query.
	const done = new Set<string>();

	async function already(consultationId: string, kind: NotificationKind): Promise<boolean> {
		return !!(await first(data.db.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.consultationId, consultationId), eq(notifications.kind, kind))).limit(1)));
	}

	async function once(consultationId: string, kind: NotificationKind, recipients: (data: Data, c: ConsultationRow) => Promise<string[]>) {
		const key = `${consultationId}:${kind}`;
		if (done.has(key)) return;
		done.add(key);
		try {
			const pending = await data.write(async (tx) => {
				const c = await first(tx.select().from(consultations).where(eq(consultations.id, consultationId)));
				if (!c || (await already(c.id, kind))) return [];
				const extra = { question: c.question, closesAt: c.closesAt?.toISOString() ?? null };
				return record(await recipients(data, c), kind, { consultationId: c.id }, null, extra);
			});
			await publish(pending);
		} catch (err) {
			// Tried again on the next event or pass.
			done.delete(key);
			throw err;
		}
	}

	return {
		async onEvent(message: Published) {
			if (message.event !== 'vote.tally') return;
			const live = message.payload as { consultationId: string; status: string };
			if (live.status === 'open') await once(live.consultationId, 'voteOpened', electors);
			if (live.status === 'closed') await once(live.consultationId, 'voteResults', electors);
		},

		/** For the scheduler: open votes closing within a day remind those who have not voted, once. */
		async remindClosing(): Promise<number> {
			const now = clock.now();
			const soon = await data.db
				.select({ id: consultations.id })
				.from(consultations)
				.where(and(eq(consultations.status, 'open'), gt(consultations.closesAt, now), lte(consultations.closesAt, new Date(now.getTime() + DAY))))
				.orderBy(consultations.id);
			for (const c of soon) await once(c.id, 'voteClosing', electorsWhoHaveNotVoted);
			return soon.length;
		}
	};
}
