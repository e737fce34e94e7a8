/** Decisions about people: who grants which role, who is staff, who may reset whose access. */
import { has, rolesBySpace, rolesIn, spaceFromKey, ForbiddenError, type Actor, type Role, type SpaceRef } from './grants';


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
		return !!space && has(actor, 'members.resetAccess', space);
	});
}
