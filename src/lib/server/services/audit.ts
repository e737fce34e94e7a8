import type { Db } from '../db';
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
