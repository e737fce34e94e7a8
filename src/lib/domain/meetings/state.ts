/**
 * The meeting state machine: scheduled → open → item by item → closed; scheduled can be postponed
 * (to a new date, then scheduled again) or cancelled. The server enforces it; the browser only
 * offers the moves that will succeed.
 */
import type { MeetingStatus } from './types';

export type MeetingAction = 'open' | 'close' | 'postpone' | 'reschedule' | 'cancel' | 'edit';

const moves: Record<MeetingAction, { from: readonly MeetingStatus[]; to: MeetingStatus | null }> = {
	open: { from: ['scheduled', 'postponed'], to: 'open' },
	close: { from: ['open'], to: 'closed' },
	postpone: { from: ['scheduled', 'postponed'], to: 'postponed' },
	reschedule: { from: ['postponed'], to: 'scheduled' },
	cancel: { from: ['scheduled', 'postponed'], to: 'cancelled' },
	edit: { from: ['scheduled', 'postponed'], to: null }
};

export type MeetingCheck<T> = { ok: true; value: T } | { ok: false; code: MeetingErrorCode };

export type MeetingErrorCode =
	| 'transition'
	| 'notOpen'
	| 'cancelled'
	| 'agendaMoved'
	| 'noSuchItem'
	| 'endOfAgenda'
	| 'proxySelf'
	| 'proxyChain'
	| 'proxyLimit'
	| 'proxyNotMember'
	| 'proxyCollege'
	| 'handAlreadyRaised'
	| 'speakerGone'
	| 'notDecision'
	| 'motionOpen'
	| 'amendsMissing'
	| 'amendsAmendment'
	| 'amendsTooLate'
	| 'amendmentsFirst';

export function checkTransition(from: MeetingStatus, action: MeetingAction): MeetingCheck<MeetingStatus> {
	const move = moves[action];
	if (!move.from.includes(from)) return { ok: false, code: from === 'cancelled' ? 'cancelled' : 'transition' };
	return { ok: true, value: move.to ?? from };
}

export function allowedActions(from: MeetingStatus): MeetingAction[] {
	return (Object.keys(moves) as MeetingAction[]).filter((a) => moves[a].from.includes(from));
}

/** Whether attendance may still be recorded (announced ahead, or checked in at the door). */
export function acceptsAttendance(status: MeetingStatus): MeetingCheck<true> {
	if (status === 'cancelled') return { ok: false, code: 'cancelled' };
	if (status === 'closed') return { ok: false, code: 'transition' };
	return { ok: true, value: true };
}

/**
 * Moving through the agenda. The caller says which item it believes is current (`expected`): if two
 * chairs press "next" at once, the second press finds the agenda already moved and changes nothing.
 */
export function moveAgenda(
	status: MeetingStatus,
	itemIds: readonly string[],
	current: string | null,
	expected: string | null,
	to: 'next' | 'previous' | string
): MeetingCheck<string | null> {
	if (status !== 'open') return { ok: false, code: status === 'cancelled' ? 'cancelled' : 'notOpen' };
	if (current !== expected) return { ok: false, code: 'agendaMoved' };
	const at = current === null ? -1 : itemIds.indexOf(current);
	if (to === 'next') {
		if (at + 1 >= itemIds.length) return { ok: false, code: 'endOfAgenda' };
		return { ok: true, value: itemIds[at + 1]! };
	}
	if (to === 'previous') {
		if (at <= 0) return { ok: false, code: 'endOfAgenda' };
		return { ok: true, value: itemIds[at - 1]! };
	}
	if (!itemIds.includes(to)) return { ok: false, code: 'noSuchItem' };
	return { ok: true, value: to };
}
