import { describe, expect, it } from 'vitest';
import { can, canGlobal, authorize, ForbiddenError, spaceKey, type Action, type Actor, type Role, type SpaceRef } from './policy';

const residence: SpaceRef = { type: 'residence', id: 'r1' };
const otherResidence: SpaceRef = { type: 'residence', id: 'r2' };
const body: SpaceRef = { type: 'body', id: 'b1' };
const training: SpaceRef = { type: 'training', id: 't1' };

function actor(space: SpaceRef, roles: Role[], isAdmin = false): Actor {
	return { id: 'u', isAdmin, roles: new Map([[spaceKey(space), roles]]) };
}

/** The matrix named by the issue: who may see, propose, vote, moderate, open a meeting, adopt minutes. */
const core: Action[] = ['space.view', 'proposal.create', 'vote.cast', 'content.moderate', 'meeting.open', 'minutes.adopt'];

const expected: Record<string, { space: SpaceRef; role: Role; allowed: Action[] }> = {
	tenant: { space: residence, role: 'tenant', allowed: ['space.view', 'proposal.create', 'vote.cast'] },
	association: { space: residence, role: 'association', allowed: ['space.view', 'proposal.create', 'vote.cast', 'content.moderate'] },
	facilitator: { space: residence, role: 'facilitator', allowed: ['space.view', 'proposal.create', 'content.moderate'] },
	'residence observer': { space: residence, role: 'observer', allowed: ['space.view'] },
	member: { space: body, role: 'member', allowed: ['space.view', 'proposal.create', 'vote.cast'] },
	chair: { space: body, role: 'chair', allowed: ['space.view', 'proposal.create', 'vote.cast', 'content.moderate', 'meeting.open', 'minutes.adopt'] },
	secretary: { space: body, role: 'secretary', allowed: ['space.view', 'proposal.create', 'vote.cast', 'meeting.open'] },
	'body observer': { space: body, role: 'observer', allowed: ['space.view'] },
	trainee: { space: training, role: 'trainee', allowed: ['space.view', 'proposal.create', 'vote.cast'] },
	trainer: { space: training, role: 'trainer', allowed: ['space.view', 'proposal.create', 'vote.cast', 'content.moderate', 'meeting.open', 'minutes.adopt'] }
};

describe('permission matrix', () => {
	for (const [name, { space, role, allowed }] of Object.entries(expected)) {
		it(`${name}: ${allowed.join(', ')}`, () => {
			const a = actor(space, [role]);
			const granted = core.filter((action) => can(a, action, space));
			expect(granted).toEqual(allowed);
		});
	}

	// Meetings (issue 10): who schedules, chairs, checks in, runs the list of speakers, proposes an item.
	const meeting: Action[] = ['meeting.schedule', 'meeting.chair', 'meeting.checkIn', 'meeting.speakers', 'meeting.proposeItem'];
	it.each([
		['member', ['meeting.proposeItem']],
		['chair', meeting],
		['secretary', ['meeting.schedule', 'meeting.checkIn', 'meeting.speakers', 'meeting.proposeItem']],
		['observer', []]
	] as [Role, Action[]][])('meetings: a body %s may %j', (role, allowed) => {
		const a = actor(body, [role]);
		expect(meeting.filter((action) => can(a, action, body))).toEqual(allowed);
		// The same role on a residence grants none of it.
		expect(meeting.filter((action) => can(actor(residence, [role]), action, residence))).toEqual([]);
	});

	it('a role grants nothing in another space', () => {
		const a = actor(residence, ['facilitator']);
		for (const action of core) expect(can(a, action, otherResidence)).toBe(false);
	});

	it('a role stored on the wrong kind of space grants nothing', () => {
		const a = actor(residence, ['chair']);
		expect(can(a, 'meeting.open', residence)).toBe(false);
		expect(can(a, 'space.view', residence)).toBe(false);
	});

	it('guests may do nothing in a private space', () => {
		for (const action of core) expect(can(null, action, residence)).toBe(false);
	});

	it('administrators manage everything but only vote with a voting role', () => {
		const admin: Actor = { id: 'a', isAdmin: true, roles: new Map() };
		expect(can(admin, 'space.view', residence)).toBe(true);
		expect(can(admin, 'content.moderate', body)).toBe(true);
		expect(can(admin, 'minutes.adopt', body)).toBe(true);
		expect(can(admin, 'vote.cast', residence)).toBe(false);
		expect(canGlobal(admin, 'platform.manage')).toBe(true);
		expect(can(actor(residence, ['tenant'], true), 'vote.cast', residence)).toBe(true);
	});

	it('only administrators manage the platform', () => {
		expect(canGlobal(actor(residence, ['facilitator']), 'platform.manage')).toBe(false);
		expect(canGlobal(null, 'platform.manage')).toBe(false);
	});

	it('staff record votes given in person but do not cast their own in a residence', () => {
		const staff = actor(residence, ['facilitator']);
		expect(can(staff, 'vote.recordOnBehalf', residence)).toBe(true);
		expect(can(staff, 'vote.cast', residence)).toBe(false);
	});

	it('authorize throws a ForbiddenError naming the action', () => {
		expect(() => authorize(actor(residence, ['tenant']), 'content.moderate', residence)).toThrow(ForbiddenError);
		expect(() => authorize(actor(residence, ['tenant']), 'proposal.create', residence)).not.toThrow();
	});
});
