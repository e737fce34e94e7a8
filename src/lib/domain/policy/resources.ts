/**
 * Resource actions: the answer depends on the thing itself (who wrote it, whether it is hidden, its
 * status). Each kind has one rules table; `can`/`authorize` in `index.ts` look the rule up here.
 */
import type { ProposalStatus } from '../lifecycle';
import { canGlobal, has, type Actor, type SpaceRef, type SpaceType } from './grants';
import { meetingRules, minutesRules, type MeetingAction, type MeetingResource, type MinutesAction, type MinutesResource } from './meetings';

/** A proposal on a board, as the policy sees it. */
export interface ProposalResource {
	kind: 'proposal';
	space: SpaceRef;
	authorId: string;
	/** People who carry the idea with its author (none recorded yet). */
	coAuthorIds?: readonly string[];
	status: ProposalStatus;
	hidden: boolean;
	/** Taken off the board by its author: frozen like a hidden one until she puts it back. */
	withdrawn?: boolean;
}

/** The facts of a proposal row (`proposals` table) for the policy. */
export function proposalResource(row: { spaceType: SpaceType; spaceId: string; authorId: string; status: ProposalStatus; hiddenAt: Date | null; withdrawnAt?: Date | null }): ProposalResource {
	return { kind: 'proposal', space: { type: row.spaceType, id: row.spaceId }, authorId: row.authorId, status: row.status, hidden: row.hiddenAt !== null, withdrawn: !!row.withdrawnAt };
}

/** A comment on a proposal, as the policy sees it (with the facts of the proposal it is on). */
export interface CommentResource {
	kind: 'comment';
	authorId: string;
	hidden: boolean;
	deleted: boolean;
	proposal: ProposalResource;
}

/** The facts of a comment row (`proposal_comments`) on the given proposal, for the policy. */
export function commentResource(row: { authorId: string; hiddenAt: Date | null; deletedAt?: Date | null }, proposal: ProposalResource): CommentResource {
	return { kind: 'comment', authorId: row.authorId, hidden: row.hiddenAt !== null, deleted: !!row.deletedAt, proposal };
}

/** A residence's site plan with its pins (one live document per residence). */
export interface SitePlanResource {
	kind: 'sitePlan';
	space: SpaceRef;
}

/** The platform itself: organisations, residences and accounts (the administration pages). */
export interface PlatformResource {
	kind: 'platform';
}
export const platform: PlatformResource = { kind: 'platform' };

/** Every kind of resource the policy decides on, by its `kind`. */
export interface Resources {
	proposal: ProposalResource;
	sitePlan: SitePlanResource;
	comment: CommentResource;
	meeting: MeetingResource;
	minutes: MinutesResource;
	platform: PlatformResource;
}
export type Resource = Resources[keyof Resources];
export type Rule<R> = (actor: Actor, resource: R) => boolean;

/** Board managers (facilitators, the tenant association, trainers) move, edit and pin any proposal. */
const managesBoard = (a: Actor, s: SpaceRef) => has(a, 'proposal.move', s) || has(a, 'content.moderate', s);
/** Its author (or a co-author) while she still holds the right to edit her own proposals. */
const ownsProposal = (a: Actor, p: ProposalResource) => (p.authorId === a.id || (p.coAuthorIds ?? []).includes(a.id)) && has(a, 'proposal.editOwn', p.space);
/** A hidden proposal is frozen: its text reaches moderators only and nobody changes it until it is shown again. */
const readable = (a: Actor, p: ProposalResource) => has(a, 'space.view', p.space) && (!p.hidden || has(a, 'content.moderate', p.space));
const open = (a: Actor, p: ProposalResource) => has(a, 'space.view', p.space) && !p.hidden && !p.withdrawn;
const movesProposals = (a: Actor, p: ProposalResource) => has(a, 'space.view', p.space) && has(a, 'proposal.move', p.space);

/**
 * Proposals. "An author may edit her own proposal" is written here and nowhere else: the edit
 * form, the live description, the pin picker and the live site plan all ask `proposal.edit` /
 * `proposal.pin`.
 */
const proposalRules = {
	/** Its card (title, status, or the reason it was hidden) on the board. */
	'proposal.view': (a, p) => has(a, 'space.view', p.space),
	/** Its text: description, comments, photo, live document. */
	'proposal.read': readable,
	'proposal.comment': (a, p) => open(a, p) && has(a, 'proposal.comment', p.space),
	/** Supporting it and offering a hand ("Je participe"). */
	'proposal.support': (a, p) => open(a, p) && has(a, 'proposal.support', p.space),
	/** Its fields (title, category, cost, who carries it) and its live description. */
	'proposal.edit': (a, p) => open(a, p) && (managesBoard(a, p.space) || ownsProposal(a, p)),
	/** Its place on the residence's site plan (the form's picker and the live pins document alike). */
	'proposal.pin': (a, p) => p.space.type === 'residence' && open(a, p) && (managesBoard(a, p.space) || ownsProposal(a, p)),
	/** Any allowed change of status, and its order in a column. */
	'proposal.move': (a, p) => movesProposals(a, p),
	/**
	 * Declining it with a public reason: board managers only. Its author takes her own idea off the
	 * board with `proposal.withdrawOwn` (declining one's own idea was the old way, and read as a refusal).
	 */
	'proposal.decline': (a, p) => movesProposals(a, p),
	'proposal.undo': (a, p) => has(a, 'space.view', p.space) && has(a, 'proposal.move', p.space),
	/** Hiding and showing it again, or one of its comments. */
	'proposal.moderate': (a, p) => has(a, 'content.moderate', p.space),
	/** Its author takes her idea off the board, while nobody has planned it yet (idea or discussion). */
	'proposal.withdrawOwn': (a, p) => open(a, p) && ownsProposal(a, p) && (p.status === 'idea' || p.status === 'discussion'),
	/** …and puts it back (the undo of withdrawing), unless it was hidden meanwhile. */
	'proposal.restoreOwn': (a, p) => has(a, 'space.view', p.space) && !p.hidden && !!p.withdrawn && ownsProposal(a, p)
} satisfies Record<string, Rule<ProposalResource>>;
export type ProposalAction = keyof typeof proposalRules;
export const proposalActions = Object.keys(proposalRules) as ProposalAction[];

/** The site plan: members see it and its pins; board managers arrange every pin on it. */
const sitePlanRules = {
	'sitePlan.view': (a, plan) => plan.space.type === 'residence' && has(a, 'space.view', plan.space),
	/** Move any pin (others place their own idea's pin: `proposal.pin`). */
	'sitePlan.arrange': (a, plan) => plan.space.type === 'residence' && has(a, 'space.view', plan.space) && managesBoard(a, plan.space)
} satisfies Record<string, Rule<SitePlanResource>>;
export type SitePlanAction = keyof typeof sitePlanRules;

/**
 * Comments: their author edits or deletes her own while she may still comment in the space. A
 * comment hidden by moderation, or on a hidden or withdrawn proposal, is frozen (the moderator's note
 * stays). Moderators hide comments (`proposal.moderate`); they neither rewrite nor delete others'.
 */
const ownsComment = (a: Actor, c: CommentResource) => c.authorId === a.id && !c.deleted && !c.hidden && open(a, c.proposal) && has(a, 'proposal.comment', c.proposal.space);
const commentRules = {
	'comment.editOwn': ownsComment,
	'comment.deleteOwn': ownsComment
} satisfies Record<string, Rule<CommentResource>>;
export type CommentAction = keyof typeof commentRules;

/** Only administrators manage the platform (the same answer as `canGlobal`, which services use). */
const platformRules = {
	'platform.manage': (a) => canGlobal(a, 'platform.manage')
} satisfies Record<string, Rule<PlatformResource>>;
export type PlatformAction = keyof typeof platformRules;

/** The rules of every kind of resource (register a new kind here, and its actions in `ResourceAction`). */
export const resourceRules: { [K in keyof Resources]: Record<string, Rule<Resources[K]>> } = {
	proposal: proposalRules,
	sitePlan: sitePlanRules,
	comment: commentRules,
	meeting: meetingRules,
	minutes: minutesRules,
	platform: platformRules
};
/** The actions that can be asked about a resource of kind K. */
export type ResourceAction<K extends keyof Resources = keyof Resources> = {
	proposal: ProposalAction;
	sitePlan: SitePlanAction;
	comment: CommentAction;
	meeting: MeetingAction;
	minutes: MinutesAction;
	platform: PlatformAction;
}[K];
