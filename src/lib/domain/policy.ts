/**
 * The one place that decides who may do what. Services call `authorize` before every read of a
 * private space and before every write; routes and socket handlers never decide on their own: a
 * page asks its service for a view that carries the answers (`view.can.edit`), a socket handler
 * hands the event to a service (or to the collab service's update guard) which asks here.
 *
 * Two kinds of question, one function:
 *
 * 1. **Space actions** — `can(actor, 'proposal.create', space)`: what a role grants in a space,
 *    whatever the thing acted on. Adding one: append it to `actions` and list it in `grants` for
 *    the roles that hold it (and, if administrators should not, exclude it from `adminGrants`).
 *
 * 2. **Resource actions** — `can(actor, 'proposal.edit', proposal)`: the answer depends on the
 *    thing itself (who wrote it, whether it is hidden, its status). The resource is a plain object
 *    of facts with a `kind` (`ProposalResource`: build it with `proposalResource(row)`); the rules
 *    are in `resourceRules[kind]`, each a small function of the actor and the facts that may only
 *    combine space grants (`has`) with those facts. Adding one:
 *      - a new action on an existing kind: add a line to its rules table (e.g. `proposalRules`);
 *        the type of `can` picks it up;
 *      - a new kind (a meeting, a minutes document…): declare its facts interface with a literal
 *        `kind`, add it to `Resources`, write its rules table and register it in `resourceRules`.
 *    An action that has no rule for a kind is refused (fail closed).
 *
 * Services load the row, build the resource, `authorize(actor, action, resource)` and then act;
 * the same call answers the UI (`can`) so a button is shown exactly when the door would accept.
 */
import type { ProposalStatus } from './lifecycle';

export const spaceTypes = ['residence', 'body', 'training'] as const;
export type SpaceType = (typeof spaceTypes)[number];

export const roles = [
	'tenant',
	'association',
	'facilitator',
	'member',
	'chair',
	'secretary',
	'observer',
	'trainee',
	'trainer'
] as const;
export type Role = (typeof roles)[number];

/** Which roles make sense in which kind of space. */
export const rolesBySpace: Record<SpaceType, readonly Role[]> = {
	residence: ['tenant', 'association', 'facilitator', 'observer'],
	body: ['member', 'chair', 'secretary', 'observer'],
	training: ['trainee', 'trainer', 'observer']
};

export const actions = [
	'space.view',
	'space.members',
	'space.manage',
	'members.invite',
	'members.resetAccess',
	'proposal.create',
	'proposal.comment',
	'proposal.support',
	'proposal.editOwn',
	'proposal.move',
	'content.moderate',
	'consultation.manage',
	'vote.cast',
	'vote.recordOnBehalf',
	'meeting.open',
	'meeting.schedule',
	'meeting.chair',
	'meeting.checkIn',
	'meeting.speakers',
	'meeting.proposeItem',
	'meeting.discuss',
	'minutes.edit',
	'minutes.adopt',
	'minutes.amend',
	'decision.manage',
	'practice.run',
	'practice.join',
	'practice.observe',
	'indicators.view',
	'activity.manage',
	'survey.manage'
] as const;
export type Action = (typeof actions)[number];

export interface SpaceRef {
	type: SpaceType;
	id: string;
}

export interface Actor {
	id: string;
	isAdmin: boolean;
	/** Roles held, keyed by `spaceKey(space)`. */
	roles: ReadonlyMap<string, readonly Role[]>;
	/**
	 * Spaces where this actor may only read, keyed like `roles`: practice spaces whose run is paused
	 * or over. Filled where actors are loaded (auth/session.ts), so every door sees it.
	 */
	readOnly?: ReadonlySet<string>;
	/** Practice spaces among those keys: a role played in a practice run makes nobody staff for real. */
	practice?: ReadonlySet<string>;
}

export const spaceKey = (space: SpaceRef) => `${space.type}:${space.id}`;

export function spaceFromKey(key: string): SpaceRef | null {
	const at = key.indexOf(':');
	const type = key.slice(0, at) as SpaceType;
	return at > 0 && spaceTypes.includes(type) ? { type, id: key.slice(at + 1) } : null;
}

const participant: Action[] = ['space.view', 'proposal.create', 'proposal.comment', 'proposal.support', 'proposal.editOwn', 'vote.cast'];

/**
 * What each role may do in a space of its kind. A role only counts in the kind of space it belongs
 * to (a "chair" role stored on a residence grants nothing).
 */
const grants: Record<Role, readonly Action[]> = {
	tenant: [...participant, 'space.members'],
	// Tenant associations co-facilitate with staff, but access resets stay with the landlord.
	association: [...participant, 'space.members', 'proposal.move', 'content.moderate', 'consultation.manage', 'decision.manage', 'activity.manage'],
	// Agency staff run the board; they record votes given in person but do not vote in tenants' place.
	facilitator: [
		'space.view',
		'space.members',
		'space.manage',
		'members.invite',
		'members.resetAccess',
		'proposal.create',
		'proposal.comment',
		'proposal.move',
		'content.moderate',
		'consultation.manage',
		'vote.recordOnBehalf',
		'decision.manage',
		'indicators.view',
		'activity.manage',
		'survey.manage'
	],
	// The body sees its own figures (issue 14); only those who run it record activities and surveys.
	member: [...participant, 'space.members', 'meeting.proposeItem', 'meeting.discuss', 'minutes.amend', 'indicators.view'],
	// The chair runs the room; the secretary schedules, checks people in and helps with the list of speakers.
	chair: [
		...participant,
		'space.members',
		'meeting.schedule',
		'meeting.chair',
		'meeting.checkIn',
		'meeting.speakers',
		'meeting.proposeItem',
		'meeting.discuss',
		'content.moderate',
		'consultation.manage',
		'vote.recordOnBehalf',
		'meeting.open',
		'minutes.edit',
		'minutes.adopt',
		'minutes.amend',
		'decision.manage',
		'indicators.view',
		'activity.manage',
		'survey.manage'
	],
	secretary: [
		...participant,
		'space.members',
		'meeting.open',
		'meeting.schedule',
		'meeting.checkIn',
		'meeting.speakers',
		'meeting.proposeItem',
		'meeting.discuss',
		'minutes.edit',
		'minutes.amend',
		'decision.manage',
		'indicators.view',
		'activity.manage',
		'survey.manage'
	],
	observer: ['space.view', 'practice.observe'],
	trainee: [...participant, 'space.members', 'practice.join'],
	trainer: [
		'practice.run',
		'practice.observe',
		...participant,
		'space.members',
		'space.manage',
		'members.invite',
		'members.resetAccess',
		'proposal.move',
		'content.moderate',
		'consultation.manage',
		'vote.recordOnBehalf',
		'meeting.open',
		'minutes.edit',
		'minutes.adopt',
		'indicators.view',
		'activity.manage',
		'survey.manage'
	]
};

/**
 * The live draft of a meeting's minutes: the secretary and chair (`minutes.edit`) write it, and so do
 * the co-editors the chair named, while they may still view the body.
 */
export function canWriteMinutesDraft(actor: Actor | null, space: SpaceRef, coEditorIds: readonly string[]): boolean {
	if (!actor) return false;
	return can(actor, 'minutes.edit', space) || (coEditorIds.includes(actor.id) && can(actor, 'space.view', space));
}

/** A decision's follow-up: whoever manages decisions in the space, and its owner while still a member. */
export function canUpdateFollowUp(actor: Actor | null, space: SpaceRef, ownerId: string | null): boolean {
	if (!actor) return false;
	return can(actor, 'decision.manage', space) || (ownerId === actor.id && can(actor, 'space.view', space));
}

/** Platform administrators manage everything, but only vote where they also hold a voting role. */
const adminGrants: readonly Action[] = actions.filter((a) => a !== 'vote.cast' && a !== 'proposal.support');

export function rolesIn(actor: Actor | null, space: SpaceRef): Role[] {
	if (!actor) return [];
	return (actor.roles.get(spaceKey(space)) ?? []).filter((r) => rolesBySpace[space.type].includes(r));
}

/** What may still be done in a paused or finished practice space: reading. */
export const readActions: readonly Action[] = ['space.view', 'space.members', 'practice.observe'];

/** A space action, as the roles held in that space (or administration) grant it. */
function has(actor: Actor, action: Action, space: SpaceRef): boolean {
	if (actor.readOnly?.has(spaceKey(space)) && !readActions.includes(action)) return false;
	if (rolesIn(actor, space).some((role) => grants[role].includes(action))) return true;
	return actor.isAdmin && adminGrants.includes(action);
}

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

/** Every kind of resource the policy decides on, by its `kind`. */
export interface Resources {
	proposal: ProposalResource;
	sitePlan: SitePlanResource;
	comment: CommentResource;
}
export type Resource = Resources[keyof Resources];
type Rule<R> = (actor: Actor, resource: R) => boolean;

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
	/** Declining it with a public reason: board managers, or its author withdrawing an idea nobody picked up yet. */
	'proposal.decline': (a, p) => movesProposals(a, p) || (open(a, p) && ownsProposal(a, p) && p.status === 'idea'),
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

/** The rules of every kind of resource (register a new kind here, and its actions in `ResourceAction`). */
const resourceRules: { [K in keyof Resources]: Record<string, Rule<Resources[K]>> } = {
	proposal: proposalRules,
	sitePlan: sitePlanRules,
	comment: commentRules
};
/** The actions that can be asked about a resource of kind K. */
export type ResourceAction<K extends keyof Resources = keyof Resources> = { proposal: ProposalAction; sitePlan: SitePlanAction; comment: CommentAction }[K];

export function can(actor: Actor | null, action: Action, space: SpaceRef): boolean;
export function can<R extends Resource>(actor: Actor | null, action: ResourceAction<R['kind']>, resource: R): boolean;
export function can(actor: Actor | null, action: string, target: SpaceRef | Resource): boolean {
	if (!actor) return false;
	if ('kind' in target) {
		const rule = (resourceRules[target.kind] as Record<string, Rule<Resource> | undefined>)[action];
		return !!rule && rule(actor, target);
	}
	return has(actor, action as Action, target);
}

/**
 * Staff roles: the people who run a space for the organisation. They never vote in it, and their
 * names are reserved and marked as staff wherever they appear.
 */
export const staffRoles: readonly Role[] = ['facilitator', 'trainer'];

/**
 * Who may grant (or take back) which role where. A separate question from `space.manage`, because
 * managing a board is not the same as deciding who votes on it (wave 2 found a facilitator who made
 * herself a tenant and voted, and made a tenant a facilitator).
 * - Administrators: any role that exists in the kind of space.
 * - A residence facilitator: tenant or association, in her residence only.
 * - A trainer: trainee, in his session only.
 * - Nobody else, and in particular no one grants staff roles but administrators; body seats
 *   (chair, secretary, members in weighted colleges) are the administrators' alone.
 * - Apart from administrators, nobody changes their own roles, nor the roles of an administrator
 *   or of a staff member of that space (a colleague made tenant would vote for her).
 */
const grantableBy: Partial<Record<Role, readonly Role[]>> = {
	facilitator: ['tenant', 'association'],
	trainer: ['trainee']
};

export interface RoleGrant {
	/** The person who would receive or lose the role, as they are now. */
	target: Actor;
	role: Role;
	space: SpaceRef;
}

export function canGrantRole(actor: Actor | null, { target, role, space }: RoleGrant): boolean {
	if (!actor) return false;
	if (!rolesBySpace[space.type].includes(role)) return false;
	if (actor.isAdmin) return true;
	if (target.id === actor.id || target.isAdmin) return false;
	if (rolesIn(target, space).some((r) => staffRoles.includes(r))) return false;
	return rolesIn(actor, space).some((r) => grantableBy[r]?.includes(role) ?? false);
}

export function authorizeRoleGrant(actor: Actor | null, grant: RoleGrant): asserts actor is Actor {
	if (!canGrantRole(actor, grant)) throw new ForbiddenError('role.grant');
}

/** Staff anywhere (or an administrator): their names are reserved and shown with a staff badge. */
export function isStaff(actor: Pick<Actor, 'isAdmin' | 'roles' | 'practice'>): boolean {
	if (actor.isAdmin) return true;
	for (const [key, list] of actor.roles) if (!actor.practice?.has(key) && list.some((r) => staffRoles.includes(r))) return true;
	return false;
}

/**
 * Who may issue an access-reset code for someone. The code opens a session on the whole account,
 * so a facilitator may reset only accounts whose every space she may reset access in (wave 2: a
 * reset for a tenant who was also a trainee gave the facilitator a session in the training). Staff
 * and administrator accounts, and accounts in spaces she does not run, go to an administrator.
 */
export function canResetAccess(actor: Actor | null, target: Actor): boolean {
	if (!actor) return false;
	if (actor.isAdmin) return true;
	if (target.id === actor.id || isStaff(target)) return false;
	const spaces = [...target.roles.entries()].filter(([, held]) => held.length > 0).map(([key]) => key);
	if (spaces.length === 0) return false;
	return spaces.every((key) => {
		const space = spaceFromKey(key);
		return !!space && can(actor, 'members.resetAccess', space);
	});
}

/**
 * A role's private brief in a practice session: the trainers of the training space read every brief;
 * a trainee reads only the brief of the role they hold now; observers read none.
 */
export function canReadBrief(actor: Actor | null, training: SpaceRef, holderId: string | null): boolean {
	if (!actor || training.type !== 'training') return false;
	if (can(actor, 'practice.run', training)) return true;
	return holderId === actor.id && can(actor, 'practice.join', training);
}

/**
 * Indicators over several residences (issue 14). An agency's figures: administrators and the staff
 * (facilitators) of at least one of its residences, "agency staff see their agencies". An
 * organisation's figures span every agency: administrators only.
 */
export function canViewAggregate(actor: Actor | null, kind: 'agency' | 'organisation', residenceIds: readonly string[]): boolean {
	if (!actor) return false;
	if (actor.isAdmin) return true;
	if (kind === 'organisation') return false;
	return residenceIds.some((id) => rolesIn(actor, { type: 'residence', id }).includes('facilitator'));
}

export function authorizeAggregate(actor: Actor | null, kind: 'agency' | 'organisation', residenceIds: readonly string[]): asserts actor is Actor {
	if (!canViewAggregate(actor, kind, residenceIds)) throw new ForbiddenError('indicators.view');
}

/**
 * Voice comments (issue 16). What they are left on (a proposal, a consultation, a survey) gives the
 * space, whether its text is readable and whether it takes comments; the comment gives its author and
 * whether it is hidden. Speaking needs the right to comment; listening, to see the space (a hidden one:
 * moderators only); the author or a moderator removes; moderators hide and write the summary.
 */
export interface VoiceTarget {
	space: SpaceRef;
	readable: boolean;
	open: boolean;
}
export type VoiceAction = 'voice.listen' | 'voice.post' | 'voice.remove' | 'voice.moderate' | 'voice.summarise';
export function canVoice(actor: Actor | null, action: VoiceAction, target: VoiceTarget, comment?: { authorId: string; hidden: boolean }): boolean {
	if (!actor || !has(actor, 'space.view', target.space)) return false;
	const moderates = has(actor, 'content.moderate', target.space);
	switch (action) {
		case 'voice.listen':
			return (target.readable || moderates) && (!comment?.hidden || moderates);
		case 'voice.post':
			return target.open && has(actor, 'proposal.comment', target.space);
		case 'voice.remove':
			return moderates || (!!comment && comment.authorId === actor.id);
		case 'voice.moderate':
		case 'voice.summarise':
			return moderates;
	}
}

/** Actions outside any space: only administrators manage organisations and accounts. */
export type GlobalAction = 'platform.manage';
export function canGlobal(actor: Actor | null, action: GlobalAction): boolean {
	return action === 'platform.manage' && !!actor?.isAdmin;
}

export class ForbiddenError extends Error {
	readonly code = 'forbidden';
	constructor(
		readonly action: string,
		/** `readOnly`: refused only because the space is a paused or finished practice run. */
		readonly reason?: 'readOnly'
	) {
		super(`forbidden: ${action}`);
	}
}

/** Whether the target sits in a paused or finished practice run of this actor (for the refusal's message). */
function readOnlyIn(actor: Actor | null, target: SpaceRef | Resource): boolean {
	const space = 'kind' in target ? (target.kind === 'comment' ? target.proposal.space : target.space) : target;
	return !!actor?.readOnly?.has(spaceKey(space));
}

export function authorize(actor: Actor | null, action: Action, space: SpaceRef): asserts actor is Actor;
export function authorize<R extends Resource>(actor: Actor | null, action: ResourceAction<R['kind']>, resource: R): asserts actor is Actor;
export function authorize(actor: Actor | null, action: string, target: SpaceRef | Resource): asserts actor is Actor {
	if (!(can as (a: Actor | null, x: string, t: SpaceRef | Resource) => boolean)(actor, action, target)) throw new ForbiddenError(action, readOnlyIn(actor, target) ? 'readOnly' : undefined);
}

export function authorizeGlobal(actor: Actor | null, action: GlobalAction): asserts actor is Actor {
	if (!canGlobal(actor, action)) throw new ForbiddenError(action);
}
