/** The roles, the space actions and what each role grants: the space-level half of the policy. */
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
	'survey.manage',
	/** Which indicators a residence or a body shows on the public portal (issue 14). */
	'indicators.publish'
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
	/**
	 * The rules of the spaces this actor belongs to, keyed like `roles`, read with her roles where
	 * actors are loaded (auth/session.ts): a space's rule is part of what the policy reads, as it is
	 * now (a change signals `account.changed` for those it concerns). Missing: the narrowest rule.
	 */
	spaceRules?: ReadonlyMap<string, SpaceRules>;
}

/**
 * What the tenant association of a residence may do beyond what tenants do: a rule each residence
 * chooses (its staff set it on the residence's rules page).
 * - `participate`: propose, comment, support and vote like the tenants (and see who is a member);
 * - `votes`: also create, open and close votes, and follow up the decisions they make;
 * - `full`: also run the board with staff: move ideas between columns, hide an idea or a comment
 *   with a public reason, record the residence's activities. The only behaviour before the rule
 *   existed, so existing residences keep it (the column's default).
 */
export const associationRightsLevels = ['participate', 'votes', 'full'] as const;
export type AssociationRights = (typeof associationRightsLevels)[number];
export const defaultAssociationRights: AssociationRights = 'full';

/** A space's own rules, as the policy reads them. */
export interface SpaceRules {
	association: AssociationRights;
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
	// The association's grants depend on the residence's rule (`associationGrants`); this is the widest.
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
		'survey.manage',
		'indicators.publish'
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
		'survey.manage',
		'indicators.publish'
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
 * The association under each rule of its residence. Access resets, invitations and managing the
 * space stay with the landlord's staff whatever the rule.
 */
const associationGrants: Record<AssociationRights, readonly Action[]> = {
	participate: [...participant, 'space.members'],
	votes: [...participant, 'space.members', 'consultation.manage', 'decision.manage'],
	full: grants.association
};

/** The residence's rule for its association, as this actor was loaded with it (the narrowest when unknown: fail closed). */
export function associationRightsIn(actor: Actor, space: SpaceRef): AssociationRights {
	return actor.spaceRules?.get(spaceKey(space))?.association ?? 'participate';
}

/** What one role held in `space` grants there, under the space's rules. */
function grantsOf(actor: Actor, role: Role, space: SpaceRef): readonly Action[] {
	return role === 'association' ? associationGrants[associationRightsIn(actor, space)] : grants[role];
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
export function has(actor: Actor, action: Action, space: SpaceRef): boolean {
	if (actor.readOnly?.has(spaceKey(space)) && !readActions.includes(action)) return false;
	if (rolesIn(actor, space).some((role) => grantsOf(actor, role, space).includes(action))) return true;
	return actor.isAdmin && adminGrants.includes(action);
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


export function authorizeGlobal(actor: Actor | null, action: GlobalAction): asserts actor is Actor {
	if (!canGlobal(actor, action)) throw new ForbiddenError(action);
}
