/** What the tenant association may do is a rule of its residence: every level, hand-checked. */
import { describe, expect, it } from 'vitest';
import {
	associationRightsIn,
	associationRightsLevels,
	can,
	canGrantRole,
	canResetAccess,
	proposalResource,
	spaceKey,
	type Action,
	type Actor,
	type AssociationRights,
	type SpaceRef
} from './index';

const residence: SpaceRef = { type: 'residence', id: 'r1' };
const other: SpaceRef = { type: 'residence', id: 'r2' };

function association(rule: AssociationRights | null, space = residence): Actor {
	return {
		id: 'asso',
		isAdmin: false,
		roles: new Map([[spaceKey(space), ['association']]]),
		spaceRules: rule ? new Map([[spaceKey(space), { association: rule }]]) : undefined
	};
}
const tenant: Actor = { id: 't', isAdmin: false, roles: new Map([[spaceKey(residence), ['tenant']]]) };

/** Every space action a residence role could hold. */
const residenceActions: Action[] = [
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
	'decision.manage',
	'indicators.view',
	'activity.manage',
	'survey.manage'
];
const participant: Action[] = ['space.view', 'space.members', 'proposal.create', 'proposal.comment', 'proposal.support', 'proposal.editOwn', 'vote.cast'];

describe('association rights, a rule of the residence', () => {
	it.each([
		['participate', participant],
		['votes', [...participant, 'consultation.manage', 'decision.manage']],
		['full', [...participant, 'proposal.move', 'content.moderate', 'consultation.manage', 'decision.manage', 'activity.manage']]
	] as [AssociationRights, Action[]][])('%s: exactly these space actions', (rule, allowed) => {
		const granted = residenceActions.filter((a) => can(association(rule), a, residence));
		expect(granted.sort()).toEqual([...allowed].sort());
	});

	it('participate is what a tenant may do, no more', () => {
		const asTenant = residenceActions.filter((a) => can(tenant, a, residence));
		expect(residenceActions.filter((a) => can(association('participate'), a, residence))).toEqual(asTenant);
	});

	it('never manages the space, invites, resets access, records votes for others or reads indicators', () => {
		for (const rule of associationRightsLevels)
			for (const action of ['space.manage', 'members.invite', 'members.resetAccess', 'vote.recordOnBehalf', 'indicators.view', 'survey.manage'] as Action[])
				expect(can(association(rule), action, residence), `${rule} ${action}`).toBe(false);
	});

	it('fails closed: a rule the actor was not loaded with is the narrowest', () => {
		expect(associationRightsIn(association(null), residence)).toBe('participate');
		expect(can(association(null), 'proposal.move', residence)).toBe(false);
		expect(can(association(null), 'consultation.manage', residence)).toBe(false);
	});

	it('the rule of one residence says nothing about another', () => {
		const a: Actor = { ...association('full'), roles: new Map([[spaceKey(residence), ['association']], [spaceKey(other), ['association']]]) };
		expect(can(a, 'proposal.move', residence)).toBe(true);
		expect(can(a, 'proposal.move', other)).toBe(false);
	});

	it('resource rules follow: moving, hiding and editing others\' ideas need the board rule', () => {
		const idea = proposalResource({ spaceType: 'residence', spaceId: 'r1', authorId: 'someone', status: 'idea', hiddenAt: null });
		const hidden = proposalResource({ spaceType: 'residence', spaceId: 'r1', authorId: 'someone', status: 'idea', hiddenAt: new Date() });
		for (const [rule, board] of [['participate', false], ['votes', false], ['full', true]] as [AssociationRights, boolean][]) {
			const a = association(rule);
			expect(can(a, 'proposal.move', idea), rule).toBe(board);
			expect(can(a, 'proposal.undo', idea), rule).toBe(board);
			expect(can(a, 'proposal.moderate', idea), rule).toBe(board);
			expect(can(a, 'proposal.edit', idea), rule).toBe(board);
			expect(can(a, 'proposal.pin', idea), rule).toBe(board);
			expect(can(a, 'proposal.read', hidden), rule).toBe(board);
			expect(can(a, 'sitePlan.arrange', { kind: 'sitePlan', space: residence }), rule).toBe(board);
			// Under every rule she comments and supports like a tenant.
			expect(can(a, 'proposal.comment', idea), rule).toBe(true);
			expect(can(a, 'proposal.support', idea), rule).toBe(true);
		}
	});

	it('an association member grants no role and resets nobody, whatever the rule', () => {
		const newcomer: Actor = { id: 'n', isAdmin: false, roles: new Map() };
		for (const rule of associationRightsLevels) {
			expect(canGrantRole(association(rule), { target: newcomer, role: 'tenant', space: residence })).toBe(false);
			expect(canResetAccess(association(rule), tenant)).toBe(false);
		}
	});
});
