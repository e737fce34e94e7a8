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
 *      - a new kind: declare its facts interface with a literal `kind`, add it to `Resources`,
 *        write its rules table and register it in `resourceRules` (meetings and minutes are in
 *        `meetings.ts`; proposals, comments, the site plan and the platform in `resources.ts`).
 *    An action that has no rule for a kind is refused (fail closed).
 *
 * Services load the row, build the resource, `authorize(actor, action, resource)` and then act;
 * the same call answers the UI (`can`) so a button is shown exactly when the door would accept.
 */
import { ForbiddenError, has, spaceKey, type Action, type Actor, type SpaceRef } from './grants';
import { resourceRules, type Resource, type ResourceAction, type Rule } from './resources';

export * from './grants';
export * from './resources';
export * from './meetings';
export * from './people';
export * from './checks';

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

/** Whether the target sits in a paused or finished practice run of this actor (for the refusal's message). */
function readOnlyIn(actor: Actor | null, target: SpaceRef | Resource): boolean {
	const space = 'kind' in target ? (target.kind === 'comment' ? target.proposal.space : target.kind === 'platform' ? null : target.space) : target;
	return !!space && !!actor?.readOnly?.has(spaceKey(space));
}

export function authorize(actor: Actor | null, action: Action, space: SpaceRef): asserts actor is Actor;
export function authorize<R extends Resource>(actor: Actor | null, action: ResourceAction<R['kind']>, resource: R): asserts actor is Actor;
export function authorize(actor: Actor | null, action: string, target: SpaceRef | Resource): asserts actor is Actor {
	if (!(can as (a: Actor | null, x: string, t: SpaceRef | Resource) => boolean)(actor, action, target)) throw new ForbiddenError(action, readOnlyIn(actor, target) ? 'readOnly' : undefined);
}

