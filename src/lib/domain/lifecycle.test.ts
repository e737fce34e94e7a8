import { describe, expect, it } from 'vitest';
import { allowedTargets, checkMove, isAllowedTransition, statuses, targetsFor, type ProposalStatus } from './lifecycle';

const manager = { canMove: true, mayDecline: true };
const author = { canMove: false, mayDecline: true };
const neighbour = { canMove: false, mayDecline: false };

describe('proposal lifecycle', () => {
	it('moves forward, skipping steps, up to "in progress"', () => {
		expect(isAllowedTransition('idea', 'discussion')).toBe(true);
		expect(isAllowedTransition('idea', 'planned')).toBe(true);
		expect(isAllowedTransition('discussion', 'inProgress')).toBe(true);
	});

	it('only marks done what was planned or started', () => {
		expect(isAllowedTransition('idea', 'done')).toBe(false);
		expect(isAllowedTransition('prioritised', 'done')).toBe(false);
		expect(isAllowedTransition('planned', 'done')).toBe(true);
		expect(isAllowedTransition('inProgress', 'done')).toBe(true);
	});

	it('goes back when a plan falls through', () => {
		expect(isAllowedTransition('planned', 'discussion')).toBe(true);
		expect(isAllowedTransition('inProgress', 'idea')).toBe(true);
	});

	it('reopens a done action only as in progress, a declined one only as idea or discussion', () => {
		expect(allowedTargets('done')).toEqual(['inProgress']);
		expect(allowedTargets('declined')).toEqual(['idea', 'discussion']);
	});

	it('never "moves" to the same status, and every open status can be declined', () => {
		for (const s of statuses) expect(isAllowedTransition(s, s)).toBe(false);
		for (const s of ['idea', 'discussion', 'prioritised', 'planned', 'inProgress'] as ProposalStatus[]) expect(isAllowedTransition(s, 'declined')).toBe(true);
		expect(isAllowedTransition('done', 'declined')).toBe(false);
	});

	it('lets board managers make any allowed move', () => {
		expect(checkMove('idea', 'discussion', manager)).toEqual({ ok: true });
		expect(checkMove('idea', 'done', manager)).toEqual({ ok: false, code: 'board.error.transition' });
		expect(checkMove('idea', 'idea', manager)).toEqual({ ok: false, code: 'board.error.sameStatus' });
	});

	it('requires a public reason to decline', () => {
		expect(checkMove('discussion', 'declined', manager)).toEqual({ ok: false, code: 'board.error.reasonRequired' });
		expect(checkMove('discussion', 'declined', manager, '   ')).toEqual({ ok: false, code: 'board.error.reasonRequired' });
		expect(checkMove('discussion', 'declined', manager, 'Hors budget')).toEqual({ ok: true });
	});

	it('lets an author withdraw their own idea, and nothing more', () => {
		expect(checkMove('idea', 'declined', author, 'Je retire')).toEqual({ ok: true });
		expect(checkMove('idea', 'discussion', author)).toEqual({ ok: false, code: 'forbidden' });
		expect(checkMove('discussion', 'declined', author, 'Je retire')).toEqual({ ok: false, code: 'forbidden' });
		expect(targetsFor('idea', author)).toEqual(['declined']);
	});

	it('gives other tenants no move at all', () => {
		for (const from of statuses) expect(targetsFor(from, neighbour)).toEqual([]);
		expect(checkMove('idea', 'discussion', neighbour)).toEqual({ ok: false, code: 'forbidden' });
	});

	it('offers managers exactly the allowed targets', () => {
		for (const from of statuses) expect(targetsFor(from, manager)).toEqual(allowedTargets(from));
	});
});
