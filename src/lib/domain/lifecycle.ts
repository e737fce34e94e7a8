/**
 * The lifecycle of a proposal (a community action) on a residence board, as pure code shared by the
 * server (which enforces it) and the browser (which only offers the moves that will succeed).
 */

export const statuses = ['idea', 'discussion', 'prioritised', 'planned', 'inProgress', 'done', 'declined'] as const;
export type ProposalStatus = (typeof statuses)[number];

/** The columns in the order people read them; "declined" sits apart at the end. */
/**
 * The cards of a column a board (and its projector) shows at first: the top of each column, in its
 * order; a link under a longer column shows the whole of it (?all=<status>). A residence's board lives
 * for years, and at 800 ideas a page carrying every card weighed 1.7 MB (npm run bench -- estate).
 */
export const COLUMN_CARDS = 30;

export const openSequence = ['idea', 'discussion', 'prioritised', 'planned', 'inProgress', 'done'] as const satisfies readonly ProposalStatus[];

export const categories = ['garden', 'furniture', 'festive', 'repair', 'tools', 'children', 'other'] as const;
export type ProposalCategory = (typeof categories)[number];

export const carriers = ['inhabitants', 'landlord', 'both'] as const;
export type Carrier = (typeof carriers)[number];

/** What a proposal's history records (the `proposal_events.kind` column). */
export const proposalEventKinds = ['created', 'moved', 'edited', 'hidden', 'unhidden', 'commentHidden', 'commentUnhidden', 'undone', 'withdrawn', 'restored'] as const;
export type ProposalEventKind = (typeof proposalEventKinds)[number];

const rank = (s: ProposalStatus) => (openSequence as readonly ProposalStatus[]).indexOf(s);

/**
 * Which status may follow which, whoever asks. Going back is always possible (a plan falls through);
 * going forward may skip steps, except that only something planned or started can be "done";
 * a declined proposal can be reopened as an idea or for discussion; a done one only back to "in progress".
 */
export function isAllowedTransition(from: ProposalStatus, to: ProposalStatus): boolean {
	if (from === to) return false;
	if (from === 'declined') return to === 'idea' || to === 'discussion';
	if (from === 'done') return to === 'inProgress';
	if (to === 'declined') return true;
	if (to === 'done') return from === 'planned' || from === 'inProgress';
	return rank(to) >= 0 && rank(from) >= 0;
}

export function allowedTargets(from: ProposalStatus): ProposalStatus[] {
	return statuses.filter((to) => isAllowedTransition(from, to));
}

/** What the person asking may do with this proposal's status, as the policy decided it (domain/policy/). */
export interface MoveRights {
	/** The policy's `proposal.move` on this proposal (facilitators, tenant association, trainers). */
	canMove: boolean;
	/** The policy's `proposal.decline` (board managers; authors withdraw their own idea instead). */
	mayDecline: boolean;
}

export type MoveCheck =
	| { ok: true }
	| { ok: false; code: 'board.error.sameStatus' | 'board.error.transition' | 'board.error.reasonRequired' | 'forbidden' };

/**
 * Who may do which move. Board managers may make any allowed move; someone the policy lets decline
 * without moving may only decline an idea (no role does so today: authors withdraw their own idea
 * instead, which is not a move). Declining always needs a public reason so that the board says why.
 */
export function checkMove(from: ProposalStatus, to: ProposalStatus, rights: MoveRights, reason?: string | null): MoveCheck {
	if (from === to) return { ok: false, code: 'board.error.sameStatus' };
	if (!isAllowedTransition(from, to)) return { ok: false, code: 'board.error.transition' };
	const authorWithdraws = rights.mayDecline && from === 'idea' && to === 'declined';
	if (!rights.canMove && !authorWithdraws) return { ok: false, code: 'forbidden' };
	if (to === 'declined' && !reason?.trim()) return { ok: false, code: 'board.error.reasonRequired' };
	return { ok: true };
}

/** The targets to offer in a "Move to…" menu for this person. */
export function targetsFor(from: ProposalStatus, rights: MoveRights): ProposalStatus[] {
	return allowedTargets(from).filter((to) => {
		const c = checkMove(from, to, rights, 'x');
		return c.ok;
	});
}
