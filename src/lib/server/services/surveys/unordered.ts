/**
 * Survey answers keep no order of arrival, and a used link no way back to its person.
 *
 * The attack: links used on a day are known (by day), a sent link is tied to its person by her
 * invitation (the token in the notification's link), and rows are stored in arrival order (SQLite's
 * rowid, PostgreSQL's heap). Someone holding the database files could pair the k-th answer of a day
 * with the k-th link used that day, and so with the person. So, for every answer:
 *
 * - In the answer's own unit of work: the invitation's link and any mail still holding it lose the
 *   token (they point at the thank-you page), so a used link is no longer tied to anyone; on
 *   SQLite the response and its answers move to random rowids (the table's b-tree is in rowid order,
 *   and `secure_delete`, set on the writer by the ballot box, zeroes the cells they leave).
 * - After the commit, before the respondent is told her answer is recorded: on SQLite the WAL is
 *   checkpointed and truncated (the commit's page images, in commit order, do not stay behind, as
 *   after a secret ballot's flush); on PostgreSQL, where a heap keeps rows in the order they were
 *   written, the answer tables and the links are rewritten in the order of their random keys
 *   (`CLUSTER` on the response's random id, the answers' (response, question) index, the voice
 *   answers' random key and the links' token hash), which also drops the dead versions an update
 *   leaves; notifications and the mail outbox are vacuumed, so the versions that held the token are
 *   no longer items of their pages. One rewrite at a time per node; a failure there is logged and
 *   the answer, committed, is still acknowledged.
 *
 * Limits, said plainly: between the commit and the rewrite (a moment) a copy of the files keeps the
 * order; PostgreSQL's WAL and its archives are the operator's (db/pg/secrecy.ts); the day of an
 * answer and the day a link was used are kept, so a day with a single answer pairs it with that
 * day's single used link — but that link no longer names anyone.
 */
import { and, eq, like, sql } from 'drizzle-orm';
import type { AsyncDb } from '../../db/data';
import type { ServiceDeps } from '../deps';
import { sqliteDialect } from '../consultations/ballot-box';

export function createAnswerOrder(deps: Pick<ServiceDeps, 'data' | 'db'>) {
	const { data } = deps;
	let rewriting: Promise<void> = Promise.resolve();

	/** The PostgreSQL rewrite (outside any unit: VACUUM refuses to run in a transaction). */
	async function rewrite() {
		const { mailOutbox, notifications, surveyAnswers, surveyLinks, surveyResponses, surveyVoiceAnswers } = data.t;
		const cluster = (table: unknown, index: string) => data.rows(sql`cluster ${table} using ${sql.identifier(index)}`);
		await cluster(surveyResponses, 'survey_responses_pkey');
		await cluster(surveyAnswers, 'survey_answers_once');
		await cluster(surveyVoiceAnswers, 'survey_voice_answers_pkey');
		await cluster(surveyLinks, 'survey_links_token_hash_unique');
		await data.rows(sql`vacuum ${notifications}, ${mailOutbox}`);
	}

	return {
		/** Inside the answer's unit, once its rows are written. */
		async inUnit(tx: AsyncDb, p: { responseId: string; spaceId: string; token: string }) {
			const { mailOutbox, notifications, surveyAnswers, surveyResponses } = data.t;
			const href = `/q/${p.spaceId}/${p.token}`;
			const thanks = '/q/thanks';
			const invitation =
				data.dialect === 'postgres'
					? { set: sql`replace(${notifications.data}::text, ${href}, ${thanks})::jsonb`, where: sql`${notifications.data}->>'href' = ${href}` }
					: { set: sql`replace(${notifications.data}, ${href}, ${thanks})`, where: like(notifications.data, `%${href}%`) };
			await tx
				.update(notifications)
				.set({ data: invitation.set })
				.where(and(eq(notifications.kind, 'surveyInvited'), invitation.where));
			await tx
				.update(mailOutbox)
				.set({ text: sql`replace(${mailOutbox.text}, ${href}, ${thanks})`, html: sql`replace(${mailOutbox.html}, ${href}, ${thanks})` })
				.where(like(mailOutbox.text, `%${href}%`));
			if (data.dialect === 'sqlite') {
				// SQLite's random(): 64 random bits per row.
				await data.rows(sql`update ${surveyResponses} set rowid = random() where ${eq(surveyResponses.id, p.responseId)} returning rowid`);
				await data.rows(sql`update ${surveyAnswers} set rowid = random() where ${eq(surveyAnswers.responseId, p.responseId)} returning rowid`);
			}
		},

		/** After the commit, before the respondent is answered. */
		async afterCommit() {
			if (data.dialect === 'sqlite') {
				// Synchronous, right after the commit (see the ballot box): no page images of it stay in the WAL.
				await sqliteDialect.afterSecretFlush({ db: deps.db, data }, false);
				return;
			}
			const next = rewriting.then(rewrite, rewrite);
			rewriting = next.catch(() => undefined);
			try {
				await next;
			} catch (err) {
				console.error('[surveys] rewriting the answer tables failed', err);
			}
		}
	};
}
