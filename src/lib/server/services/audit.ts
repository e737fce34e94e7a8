import type { Db } from '../db';
import type { Data } from '../db/data';
import { auditLog } from '../db/schema';

export function audit(
	tx: Db,
	at: Date,
	actorId: string | null,
	action: string,
	subject: { type: string; id: string },
	data: Record<string, unknown> = {}
) {
	tx.insert(auditLog).values({ at, actorId, action, subjectType: subject.type, subjectId: subject.id, data }).run();
}

/**
 * The audit entry of converted (async) services: written in the current unit of work
 * (`data.write`), so it commits or rolls back with the change it records. `audit` above serves the
 * synchronous services until they are converted (issue 12).
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
