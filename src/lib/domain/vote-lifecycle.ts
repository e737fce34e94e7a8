/**
 * Safeguards for whoever runs a vote (issue 8): edit it only before its first ballot, extend its
 * closing date (never back, never into the past), reopen a vote closed by mistake within a short
 * window, with a reason. Pure rules and input schemas, shared by the service and the forms.
 */
import { z } from 'zod';
import { MAX_OPTIONS } from './consultations';

/** How long after its close a vote may still be reopened. */
export const REOPEN_WINDOW_MS = 24 * 60 * 60 * 1000;

const id = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
const date = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.coerce.date('votes.error.date').optional());

export const extendSchema = z.object({ consultationId: id, closesAt: z.coerce.date('votes.error.date') });

export const reopenSchema = z.object({
	consultationId: id,
	reason: z.string().trim().min(3, 'votes.error.reopenReason').max(500, 'error.tooLong'),
	/** Required when the previous closing date has passed; empty: closed by hand. */
	closesAt: date
});

/** What may be edited before the first ballot; the method, electorate and secrecy stay as they are. */
/** Checked below against the creation rules (`createConsultationSchema`), on the edited and the unchanged fields. */
const free = z.unknown().optional();

export const editSchema = z.object({
	consultationId: id,
	question: free,
	description: free,
	options: z
		.array(z.object({ id: id.optional(), label: free, description: free, cost: free, proposalId: free }))
		.max(MAX_OPTIONS, 'votes.error.tooManyOptions')
		.default([]),
	optionOrder: free,
	budget: free,
	dots: free,
	resultsVisibility: free,
	quorumPercent: free,
	opensAt: free,
	closesAt: free,
	/** Ideas of the board the vote concerns (besides those that are its options). */
	proposalIds: z.array(id).max(MAX_OPTIONS, 'votes.error.tooManyOptions').default([])
});

export function mayReopen(closedAt: Date | null, now: Date): boolean {
	return !!closedAt && now.getTime() - closedAt.getTime() <= REOPEN_WINDOW_MS;
}

/** A new closing date must be later than now and than the current one (an extension never shortens). */
export function extensionError(current: Date | null, next: Date, now: Date): 'votes.error.extendPast' | 'votes.error.extendShorter' | null {
	if (next.getTime() <= now.getTime()) return 'votes.error.extendPast';
	if (current && next.getTime() <= current.getTime()) return 'votes.error.extendShorter';
	return null;
}
