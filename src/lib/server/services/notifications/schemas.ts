import { z } from 'zod';
import { hideSchema } from '$lib/domain/schemas/proposals';
import type { NotificationKind } from '../../db/schema';

const id = hideSchema.shape.id;

/** `ids` comes from a form as one space-separated field (a grouped line stands for several rows). */
export const markReadSchema = z.object({
	id: id.optional(),
	ids: z.preprocess((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v), z.array(id).max(500).optional())
});

/** A notification written inside a service's transaction, to be announced once it has committed. */
export interface PendingNotification {
	userId: string;
	id: string;
}

/**
 * What `record` wrote for one person, kept so the payload can be built after the commit without
 * reading the row back (`publishAbout`).
 */
export interface RecordedNotification extends PendingNotification {
	kind: NotificationKind;
	proposalId: string | null;
	consultationId: string | null;
	actorId: string | null;
	data: Record<string, unknown>;
	createdAt: Date;
}
