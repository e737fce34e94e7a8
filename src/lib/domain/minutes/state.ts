/**
 * The minutes' state machine (issue 11), shared by the server (which enforces it) and the browser
 * (which only offers the moves that will succeed):
 *
 *   draft ──submit──▶ submitted ──openWindow──▶ amendment ──closeWindow / end date──▶ submitted
 *   submitted ──adopt──▶ adopted ──publish──▶ published ──correct──▶ corrected
 *
 * `draft` is the live Yjs document; from `submitted` on the text is relational state and the live
 * document refuses every update. A correction is a new published version that points at the one
 * it corrects; the corrected one stays as it was, with status `corrected`.
 */

export const MINUTES_STATUSES = ['draft', 'submitted', 'amendment', 'adopted', 'published', 'corrected'] as const;
export type MinutesStatus = (typeof MINUTES_STATUSES)[number];

export const MINUTES_EVENTS = ['submit', 'openWindow', 'closeWindow', 'adopt', 'publish', 'correct'] as const;
export type MinutesEvent = (typeof MINUTES_EVENTS)[number];

export const ADOPTION_METHODS = ['chair', 'vote'] as const;
export type AdoptionMethod = (typeof ADOPTION_METHODS)[number];

const moves: Record<MinutesEvent, { from: MinutesStatus; to: MinutesStatus }> = {
	submit: { from: 'draft', to: 'submitted' },
	openWindow: { from: 'submitted', to: 'amendment' },
	closeWindow: { from: 'amendment', to: 'submitted' },
	adopt: { from: 'submitted', to: 'adopted' },
	publish: { from: 'adopted', to: 'published' },
	correct: { from: 'published', to: 'corrected' }
};

/** The permission (policy action) each move needs in the body. */
export const minutesEventAction = {
	submit: 'minutes.edit',
	openWindow: 'minutes.edit',
	closeWindow: 'minutes.edit',
	adopt: 'minutes.adopt',
	publish: 'minutes.edit',
	correct: 'minutes.adopt'
} as const satisfies Record<MinutesEvent, string>;

export type MinutesErrorCode =
	| 'transition'
	| 'alreadyAdopted'
	| 'notAdopted'
	| 'locked'
	| 'windowOpen'
	| 'windowClosed'
	| 'windowEndPast'
	| 'pendingAmendments'
	| 'chairMayNotAdopt'
	| 'voteNotAdopted';

export type MinutesCheck = { ok: true; to: MinutesStatus } | { ok: false; code: MinutesErrorCode };

/**
 * The status as of `now`: an amendment window whose end date has passed is closed, whether or
 * not anyone has pressed a button since.
 */
export function effectiveStatus(status: MinutesStatus, windowEndsAt: number | null, now: number): MinutesStatus {
	return status === 'amendment' && windowEndsAt !== null && now >= windowEndsAt ? 'submitted' : status;
}

export interface MoveFacts {
	now: number;
	windowEndsAt: number | null;
	/** Amendments neither accepted nor rejected yet. */
	pendingAmendments: number;
	/** For `adopt`: how, and what the body's rules and the vote say. */
	method?: AdoptionMethod;
	chairMayAdopt?: boolean;
	voteAdopted?: boolean;
	/** For `openWindow`: the end date asked for. */
	newWindowEnd?: number;
}

/** Whether `event` may happen to minutes in `status` given the facts; the status it leads to. */
export function checkMove(status: MinutesStatus, event: MinutesEvent, facts: MoveFacts): MinutesCheck {
	const current = effectiveStatus(status, facts.windowEndsAt, facts.now);
	const move = moves[event];
	if (event === 'adopt' && (current === 'adopted' || current === 'published' || current === 'corrected')) return { ok: false, code: 'alreadyAdopted' };
	if (event === 'adopt' && current === 'amendment') return { ok: false, code: 'windowOpen' };
	if (event === 'publish' && current !== 'adopted' && current !== 'published' && current !== 'corrected') return { ok: false, code: 'notAdopted' };
	if (current !== move.from) return { ok: false, code: current === 'published' || current === 'corrected' ? 'locked' : 'transition' };
	if (event === 'openWindow' && (facts.newWindowEnd === undefined || facts.newWindowEnd <= facts.now)) return { ok: false, code: 'windowEndPast' };
	if (event === 'adopt') {
		if (facts.pendingAmendments > 0) return { ok: false, code: 'pendingAmendments' };
		if (facts.method === 'chair' && !facts.chairMayAdopt) return { ok: false, code: 'chairMayNotAdopt' };
		if (facts.method === 'vote' && !facts.voteAdopted) return { ok: false, code: 'voteNotAdopted' };
		if (!facts.method) return { ok: false, code: 'transition' };
	}
	return { ok: true, to: move.to };
}

/** An amendment may be proposed only while the window is open (checked against `now`). */
export function canProposeAmendment(status: MinutesStatus, windowEndsAt: number | null, now: number): MinutesCheck {
	const current = effectiveStatus(status, windowEndsAt, now);
	if (current === 'amendment') return { ok: true, to: 'amendment' };
	return { ok: false, code: current === 'draft' ? 'transition' : 'windowClosed' };
}

/** The secretary answers amendments while the text is not yet adopted (also after the window ends). */
export function canDecideAmendment(status: MinutesStatus): boolean {
	return status === 'submitted' || status === 'amendment';
}

/** The live document accepts edits only while a draft. */
export const isLiveEditable = (status: MinutesStatus) => status === 'draft';

/** The moves the reader's screen may offer, given the facts (the server checks again). */
export function availableMoves(status: MinutesStatus, facts: MoveFacts): MinutesEvent[] {
	return MINUTES_EVENTS.filter((e) => {
		const f = e === 'openWindow' ? { ...facts, newWindowEnd: facts.now + 1 } : e === 'adopt' ? { ...facts, method: facts.method ?? ('chair' as const) } : facts;
		return checkMove(status, e, f).ok;
	});
}
