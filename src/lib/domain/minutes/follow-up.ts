/**
 * A decision's implementation follow-up (issue 11), as pure rules: planned → in progress → done,
 * or abandoned with a reason; overdue when its review date or a milestone's date has passed while
 * it is still planned or in progress.
 */
export const FOLLOW_UP_STATUSES = ['planned', 'inProgress', 'done', 'abandoned'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export const isOpenFollowUp = (s: FollowUpStatus) => s === 'planned' || s === 'inProgress';

export interface FollowUpFacts {
	status: FollowUpStatus;
	reviewAt: number | null;
	milestones: { dueAt: number; doneAt: number | null }[];
}

export function isOverdue(f: FollowUpFacts, now: number): boolean {
	if (!isOpenFollowUp(f.status)) return false;
	if (f.reviewAt !== null && f.reviewAt < now) return true;
	return f.milestones.some((m) => m.doneAt === null && m.dueAt < now);
}

export type FollowUpCheck = { ok: true; progress: number } | { ok: false; code: 'reasonRequired' | 'progress' };

/** Done means 100 %; abandoning needs a reason; progress stays within 0–100. */
export function checkFollowUp(status: FollowUpStatus, progress: number, reason: string): FollowUpCheck {
	if (!Number.isInteger(progress) || progress < 0 || progress > 100) return { ok: false, code: 'progress' };
	if (status === 'abandoned' && !reason.trim()) return { ok: false, code: 'reasonRequired' };
	return { ok: true, progress: status === 'done' ? 100 : status === 'planned' && progress === 100 ? 99 : progress };
}
