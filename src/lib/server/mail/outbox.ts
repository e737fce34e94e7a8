import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import type { Data } from '../db/data';
import type { Clock, Ids } from '../ids';
import { log } from '../log';
import type { Mailer, OutgoingMail } from './transport';

const MINUTE = 60_000;
/** After each failure the next try waits longer: 1, 5, 15 minutes, 1, 3, 6 hours; then the message is given up. */
const BACKOFF = [1, 5, 15, 60, 180, 360].map((m) => m * MINUTE);
/** A claimed message is due again after this long if its sender never reported back (a node that died mid-send). */
const CLAIM_LEASE = 15 * MINUTE;

export interface Enqueued extends OutgoingMail {
	userId: string | null;
	purpose: string;
}

/** Written in the caller's unit (joins it): the message exists exactly when the decision to send it does. */
export async function enqueueMail(data: Data, clock: Clock, ids: Ids, mail: Enqueued): Promise<string> {
	const id = ids.id();
	const now = clock.now();
	await data.write(async (tx) => {
		await tx.insert(data.t.mailOutbox).values({ id, ...mail, createdAt: now, nextAttemptAt: now });
	});
	return id;
}

/**
 * Sends what is due, outside any unit. Each message is first claimed in a unit of its own (its next
 * attempt moved past a lease, only if it is still due and unsent): on any engine and any number of
 * nodes, only one sender gets it. A message is marked sent only after the server accepted it; a
 * crash in between sends it again once the lease is over rather than never, which is the better failure.
 */
export async function deliverDue(data: Data, clock: Clock, mailer: Mailer, limit = 50): Promise<{ sent: number; failed: number }> {
	const { mailOutbox } = data.t;
	const due = await data.db
		.select()
		.from(mailOutbox)
		.where(and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt), lte(mailOutbox.nextAttemptAt, clock.now())))
		.orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
		.limit(limit);
	let sent = 0;
	let failed = 0;
	for (const m of due) {
		const now = clock.now();
		const claimed = await data.write((tx) =>
			tx
				.update(mailOutbox)
				.set({ nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE) })
				.where(and(eq(mailOutbox.id, m.id), isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt), lte(mailOutbox.nextAttemptAt, now)))
				.returning({ id: mailOutbox.id })
		);
		if (claimed.length === 0) continue;
		try {
			await mailer.send({ to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers });
		} catch (err) {
			failed++;
			const attempts = m.attempts + 1;
			const wait = BACKOFF[attempts - 1];
			const at = clock.now();
			await data.write(async (tx) => {
				await tx
					.update(mailOutbox)
					.set({ attempts, lastError: String(err).slice(0, 500), ...(wait === undefined ? { failedAt: at } : { nextAttemptAt: new Date(at.getTime() + wait) }) })
					.where(eq(mailOutbox.id, m.id));
			});
			log.warn('mail not sent', { id: m.id, purpose: m.purpose, attempts, error: String(err).slice(0, 200) });
			continue;
		}
		await data.write(async (tx) => {
			await tx.update(mailOutbox).set({ sentAt: clock.now(), attempts: m.attempts + 1, lastError: null }).where(eq(mailOutbox.id, m.id));
		});
		sent++;
	}
	return { sent, failed };
}
