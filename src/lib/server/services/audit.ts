import type { Data } from '../db/data';
import { perData, preparedInsert } from '../db/prepared';

const auditColumns = ['at', 'actorId', 'action', 'subjectType', 'subjectId', 'data'] as const;
/** One prepared insert per data handle (built once per handle, db/prepared.ts): every door writes an entry. */
const auditInsert = perData((data: Data) => preparedInsert(data, data.t.auditLog, auditColumns));

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
	await auditInsert(data)([{ at, actorId, action, subjectType: subject.type, subjectId: subject.id, data: extra }]);
}
