import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import type { Db } from '../db';
import { mailOutbox } from '../db/schema';
import type { Clock, Ids } from '../ids';
import { log } from '../log';
import type { Mailer, OutgoingMail } from './transport';

const MINUTE = 60_000;
/** After each failure the next try waits longer: 1, 5, 15 minutes, 1, 3, 6 hours; then the message is given up. */
const BACKOFF = [1, 5, 15, 60, 180, 360].map((m) => m * MINUTE);

export interface Enqueued extends OutgoingMail {
	userId: string | null;
	purpose: string;
}

/** Called inside the caller's transaction: the message exists exactly when the decision to send it does. */
export function enqueueMail(tx: Db, clock: Clock, ids: Ids, mail: Enqueued): string {
	const id = ids.id();
	const now = clock.now();
	tx.insert(mailOutbox).values({ id, ...mail, createdAt: now, nextAttemptAt: now }).run();
	return id;
}

/**
 * Sends what is due, outside any transaction. A message is marked sent only after the server
 * accepted it; a crash in between sends it twice rather than never, which is the better failure.
 */
export async function deliverDue(db: Db, clock: Clock, mailer: Mailer, limit = 50): Promise<{ sent: number; failed: number }> {
	const due = db
		.select()
		.from(mailOutbox)
		.where(and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt), lte(mailOutbox.nextAttemptAt, clock.now())))
		.orderBy(asc(mailOutbox.nextAttemptAt))
		.limit(limit)
		.all();
	let sent = 0;
	let failed = 0;
	for (const m of due) {
		try {
			await mailer.send({ to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers });
			db.update(mailOutbox).set({ sentAt: clock.now(), attempts: m.attempts + 1, lastError: null }).where(eq(mailOutbox.id, m.id)).run();
			sent++;
		} catch (err) {
			failed++;
			const attempts = m.attempts + 1;
			const wait = BACKOFF[attempts - 1];
			const now = clock.now();
			db.update(mailOutbox)
				.set({ attempts, lastError: String(err).slice(0, 500), ...(wait === undefined ? { failedAt: now } : { nextAttemptAt: new Date(now.getTime() + wait) }) })
				.where(eq(mailOutbox.id, m.id))
				.run();
			log.warn('mail not sent', { id: m.id, purpose: m.purpose, attempts, error: String(err).slice(0, 200) });
		}
	}
	return { sent, failed };
}
