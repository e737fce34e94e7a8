/**
 * Two real socket.io clients of two residents of one residence, and one of another residence, on a
 * real server: what one does on the board reaches the other live, and never leaks to the outsider.
 */
import { describe, expect, it } from 'vitest';
import type { BoardPresence, ProposalUpdate } from '$lib/realtime/board-events';
import { createResidence, createUser } from '$lib/server/testing';
import { liveHarness, type Client } from './socket-harness';

const live = liveHarness();
const client = (userId: string) => live.signedIn(userId);

/** Resolves with the first event that matches; the test's own timeout bounds the wait. */
function next<T>(socket: Client, event: 'proposal.updated' | 'board.presence', match: (p: T) => boolean): Promise<T> {
	return new Promise((resolve) => {
		const handler = (payload: T) => {
			if (!match(payload)) return;
			(socket.off as (e: string, h: (p: T) => void) => void)(event, handler);
			resolve(payload);
		};
		(socket.on as (e: string, h: (p: T) => void) => void)(event, handler);
	});
}

async function setup() {
	const { residence } = await createResidence(live.app);
	const other = await createResidence(live.app);
	const space = { type: 'residence' as const, id: residence.id };
	const amina = await createUser(live.app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
	const karim = await createUser(live.app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
	const claire = await createUser(live.app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	const outsider = await createUser(live.app, { displayName: 'Out', roles: [{ type: 'residence', id: other.residence.id, role: 'tenant' }] });
	return { residence, other: other.residence, amina, karim, claire, outsider };
}

describe('live residence board', () => {
	it('a support by A reaches B with the new count, a move reaches B, and another residence hears nothing', async () => {
		const { residence, amina, karim, claire, outsider } = await setup();
		const { id } = await live.app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Bancs devant l’entrée' });
		const [a, b, out] = await Promise.all([client(amina.id), client(karim.id), client(outsider.id)]);
		const leaked: ProposalUpdate[] = [];
		out.on('proposal.updated', (p) => leaked.push(p));

		const supportSeen = next<ProposalUpdate>(b, 'proposal.updated', (p) => p.card.id === id && p.change === 'support');
		const ownEcho = next<ProposalUpdate>(a, 'proposal.updated', (p) => p.card.id === id && p.change === 'support');
		await live.app.services.proposals.setSupport(amina, { proposalId: id, on: true });
		const support = await supportSeen;
		expect((await ownEcho).card.supports).toBe(1);
		expect(support.card.supports).toBe(1);
		expect(support.actorId).toBe(amina.id);

		const moveSeen = next<ProposalUpdate>(b, 'proposal.updated', (p) => p.card.id === id && p.change === 'moved');
		await live.app.services.proposals.move(claire, { proposalId: id, status: 'discussion' });
		const move = await moveSeen;
		expect(move.card.status).toBe('discussion');
		expect(move.eventId).toBeGreaterThan(0);

		// A round trip to the outsider after the events: anything leaked would have arrived first.
		const outJoin = await out.emitWithAck('board.join', { residenceId: residence.id });
		expect(outJoin).toMatchObject({ ok: false, code: 'forbidden' });
		expect(leaked).toEqual([]);
	});

	it('shows who is on the board, counting discreet neighbours without their name', async () => {
		const { residence, amina, karim } = await setup();
		await live.app.services.spaces.setDiscreet(karim, true);
		const [a, b] = await Promise.all([client(amina.id), client(karim.id)]);
		const first = await a.emitWithAck('board.join', { residenceId: residence.id });
		expect(first).toMatchObject({ ok: true, data: { residenceId: residence.id, online: [{ userId: amina.id, displayName: 'Amina' }], count: 1 } });

		const both = next<BoardPresence>(a, 'board.presence', (p) => p.online.length === 2);
		await b.emitWithAck('board.join', { residenceId: residence.id });
		const seen = await both;
		// Issue 7, finding 10: a discreet member carries no id either (the member list maps ids to names).
		expect(seen.online).toContainEqual({ userId: null, displayName: null });
		expect(seen.count).toBe(2);
		expect(JSON.stringify(seen)).not.toContain(karim.id);

		const alone = next<BoardPresence>(a, 'board.presence', (p) => p.online.length === 1);
		b.disconnect();
		expect((await alone).online.map((o) => o.userId)).toEqual([amina.id]);
	});

	it('rejects a malformed join', async () => {
		const { amina } = await setup();
		const a = await client(amina.id);
		expect(await a.emitWithAck('board.join', { residenceId: 42 })).toMatchObject({ ok: false, code: 'error.invalidInput' });
	});
});

describe('live residence board, read by someone who does not belong to the residence', () => {
	it('an administrator hears the board while it is open, and only then', async () => {
		const { residence, amina } = await setup();
		const admin = await createUser(live.app, { displayName: 'Admin', isAdmin: true });
		const { id } = await live.app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Un composteur' });
		const a = await client(admin.id);
		const heard: ProposalUpdate[] = [];
		a.on('proposal.updated', (p) => heard.push(p));

		// Not on the board: the residence's events are not hers (she belongs to no space).
		await live.app.services.proposals.setSupport(amina, { proposalId: id, on: true });
		expect(await a.emitWithAck('board.join', { residenceId: residence.id })).toMatchObject({ ok: true });
		expect(heard).toEqual([]);

		// On it: she hears what happens there.
		const seen = next<ProposalUpdate>(a, 'proposal.updated', (p) => p.card.id === id && p.change === 'comment');
		await live.app.services.proposals.comment(amina, { proposalId: id, body: 'Près du local vélos ?' });
		expect((await seen).card.comments).toBe(1);

		// Left: no more. A round trip after the event: anything heard would have come first.
		expect(await a.emitWithAck('board.leave', { residenceId: residence.id })).toMatchObject({ ok: true });
		heard.length = 0;
		await live.app.services.proposals.setSupport(amina, { proposalId: id, on: false });
		expect(await a.emitWithAck('board.leave', { residenceId: residence.id })).toMatchObject({ ok: true, data: null });
		expect(heard).toEqual([]);
	});

	it('a member who leaves the board keeps hearing her residence', async () => {
		const { residence, amina, karim } = await setup();
		const { id } = await live.app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Des bacs à fleurs' });
		const k = await client(karim.id);
		expect(await k.emitWithAck('board.join', { residenceId: residence.id })).toMatchObject({ ok: true });
		expect(await k.emitWithAck('board.leave', { residenceId: residence.id })).toMatchObject({ ok: true });
		const seen = next<ProposalUpdate>(k, 'proposal.updated', (p) => p.card.id === id && p.change === 'support');
		await live.app.services.proposals.setSupport(amina, { proposalId: id, on: true });
		expect((await seen).card.supports).toBe(1);
	});
});
