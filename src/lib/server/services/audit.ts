import type { Data } from '../db/data';

/**
 * The audit entry of converted (async) services: written in the current unit of work
 * (`data.write`), so it commits or rolls back with the change it records. The synchronous
 * `audit(tx, …)` is gone (issue 12): every service writes its entries this way, on both engines.
 */
export async function logAudit(
	data: Data,
	at: Date,
	actorId: string | null,
	action: string,
	subject: { type: string; id: string },
	extra: Record<string, unknown> = {}
): Promise<void> {
	if (!data.inUnit) throw new Error('logAudit runs inside data.write, with the change it records');
	await data.db.insert(data.t.auditLog).values({ at, actorId, action, subjectType: subject.type, subjectId: subject.id, data: extra });
}
