/**
 * Consultations end to end on either engine (a real SQLite file, a real PostgreSQL database): live tallies over real sockets, college
 * weighting and proxies in a body, and the recount of an exported ballot file to the frozen result.
 */
import fc from 'fast-check';
import { asc, eq } from 'drizzle-orm';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recount } from '../../src/cli/recount';
import { METHODS, type Method } from '$lib/domain/voting';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';
import type { ConsultationLive } from '$lib/realtime/vote-events';
import { UserError } from '$lib/server/services/errors';
import { sessionCookie, createResidence, createTestAppOn, createUser, testEngines, startRealtimeServer, type RealtimeServer, type TestApp } from '$lib/server/testing';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let app: TestApp;
let server: RealtimeServer | null = null;
const clients: Client[] = [];

async function closeAll() {
	for (const c of clients.splice(0)) c.disconnect();
	await server?.close();
	server = null;
	await app.services.consultations.flushBallotBox();
	await app.services.settled();
	await app.close();
}

async function client(userId: string): Promise<Client> {
	server ??= await startRealtimeServer(app);
	const socket: Client = connect(server.url, { extraHeaders: { cookie: await sessionCookie(app, userId) }, transports: ['websocket'], forceNew: true });
	clients.push(socket);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

/** Opens the consultation's page, as far as its socket goes: joins its room; the server's answer. */
function joinVote(socket: Client, consultationId: string, space: { type: 'residence' | 'body' | 'training'; id: string }) {
	return socket.emitWithAck('vote.join', { consultationId, spaceType: space.type, spaceId: space.id });
}

function nextTally(socket: Client, match: (p: ConsultationLive) => boolean): Promise<ConsultationLive> {
	return new Promise((resolve) => {
		const handler = (p: ConsultationLive) => {
			if (!match(p)) return;
			socket.off('vote.tally', handler);
			resolve(p);
		};
		socket.on('vote.tally', handler);
	});
}

async function residence(tenants: number) {
	const { residence } = await createResidence(app, [
		{ name: 'Bâtiment A', dwellings: 6 },
		{ name: 'Bâtiment B', dwellings: 6 }
	]);
	const { data } = app.services.deps;
	const homes = await data.db.select().from(data.t.households).where(eq(data.t.households.residenceId, residence.id)).orderBy(asc(data.t.households.label), asc(data.t.households.id));
	const space = { type: 'residence' as const, id: residence.id };
	const people = [];
	for (let i = 0; i < tenants; i++)
		people.push(await createUser(app, { displayName: `Locataire ${i}`, householdId: homes[i % homes.length]!.id, roles: [{ ...space, role: 'tenant' }] }));
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	return { residence, space, people, claire };
}

describe.each(testEngines)('consultations on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(closeAll);

	describe('votes, live', () => {
		it('a vote by A updates the live tally of B, who has it open; a neighbour elsewhere in the app and another residence hear nothing', async () => {
			const { space, people, claire } = await residence(3);
			const other = await createResidence(app);
			const otherSpace = { type: 'residence' as const, id: other.residence.id };
			const outsider = await createUser(app, { roles: [{ ...otherSpace, role: 'tenant' }] });
			const [a, b, c] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
			const { id } = await app.services.consultations.create(claire, {
				space,
				question: 'Quel banc ?',
				method: 'plurality',
				options: [{ label: 'Bois' }, { label: 'Métal' }],
				electorate: 'residence',
				secrecy: 'secret',
				resultsVisibility: 'live',
				openNow: true
			});
			const [bois] = (await app.services.consultations.view(a, id)).options.map((o) => o.id);
			const [, sb, sc, so] = await Promise.all([client(a.id), client(b.id), client(c.id), client(outsider.id)]);
			expect(await joinVote(sb!, id, space)).toEqual({ ok: true, data: null });
			// The outsider cannot join it through its residence, and naming her own residence joins a room no tally goes to.
			expect(await joinVote(so!, id, space)).toMatchObject({ ok: false, code: 'forbidden' });
			expect(await joinVote(so!, id, otherSpace)).toEqual({ ok: true, data: null });
			// Nor does bad input get anywhere.
			expect(await so!.emitWithAck('vote.join', { consultationId: id, spaceType: 'city', spaceId: space.id })).toMatchObject({ ok: false, code: 'error.invalidInput' });
			const leaked: ConsultationLive[] = [];
			so!.on('vote.tally', (p) => leaked.push(p));
			// C is signed in, on another page of the app: the tally is not for her socket.
			const elsewhere: ConsultationLive[] = [];
			sc!.on('vote.tally', (p) => elsewhere.push(p));
			const seen = nextTally(sb!, (p) => p.consultationId === id && p.turnout.participants === 1);
			await app.services.consultations.cast(a, { consultationId: id, ballot: { choice: bois } });
			const update = await seen;
			expect(update.status).toBe('open');
			expect(update.result?.tallies).toMatchObject({ [bois!]: 1 });
			expect(update.turnout.byBuilding.reduce((n, g) => n + g.participants, 0)).toBe(1);

			const closed = nextTally(sb!, (p) => p.consultationId === id && p.status === 'closed');
			await app.services.consultations.close(claire, { consultationId: id });
			expect((await closed).result?.winners).toEqual([bois]);
			expect(leaked).toEqual([]);
			expect(elsewhere).toEqual([]);
		});

		it('a page that leaves the consultation hears no more of it', async () => {
			const { space, people, claire } = await residence(2);
			const { id } = await app.services.consultations.create(claire, { space, question: 'Un composteur ?', method: 'yes-no-abstain', electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', openNow: true });
			const sb = await client(people[1]!.id);
			await joinVote(sb, id, space);
			const first = nextTally(sb, (p) => p.consultationId === id && p.turnout.participants === 1);
			await app.services.consultations.cast(people[0]!, { consultationId: id, ballot: { position: 'for' } });
			await first;
			expect(await sb.emitWithAck('vote.leave', { consultationId: id, spaceType: space.type, spaceId: space.id })).toEqual({ ok: true, data: null });
			const after: ConsultationLive[] = [];
			sb.on('vote.tally', (p) => after.push(p));
			await app.services.consultations.close(claire, { consultationId: id });
			await app.services.settled();
			// A tally sent to her would have come before this answer, on the same socket.
			await sb.emitWithAck('presence.snapshot', {});
			expect(after).toEqual([]);
		});

		it('hidden results send turnout only', async () => {
			const { space, people, claire } = await residence(2);
			const { id } = await app.services.consultations.create(claire, {
				space,
				question: 'On repeint le hall ?',
				method: 'yes-no-abstain',
				electorate: 'residence',
				secrecy: 'secret',
				resultsVisibility: 'afterClose',
				openNow: true
			});
			const sb = await client(people[1]!.id);
			await joinVote(sb, id, space);
			const seen = nextTally(sb, (p) => p.consultationId === id && p.turnout.participants === 1);
			await app.services.consultations.cast(people[0]!, { consultationId: id, ballot: { position: 'for' } });
			expect((await seen).result).toBeNull();
		});
	});

	it('the list of a residence’s votes says which she voted in herself (found through her traces, whatever the number of voters)', async () => {
		const { space, people, claire } = await residence(2);
		const [amina, karim] = people as [(typeof people)[0], (typeof people)[0]];
		const samir = await createUser(app, { displayName: 'Samir', householdId: amina.householdId!, roles: [{ ...space, role: 'tenant' }] });
		const open = (question: string, countBy: 'person' | 'household', secrecy: 'secret' | 'public') =>
			app.services.consultations.create(claire, { space, question, method: 'yes-no-abstain', electorate: 'residence', countBy, secrecy, resultsVisibility: 'live', openNow: true });
		const byPerson = (await open('On repeint le hall ?', 'person', 'public')).id;
		const byHousehold = (await open('Un composteur ?', 'household', 'secret')).id;
		const untouched = (await open('Des bancs ?', 'person', 'secret')).id;
		await app.services.consultations.cast(amina, { consultationId: byPerson, ballot: { position: 'for' } });
		await app.services.consultations.cast(samir, { consultationId: byHousehold, ballot: { position: 'against' } });
		await app.services.consultations.flushBallotBox();
		const voted = async (who: typeof amina) => (await app.services.consultations.list(who, space)).items.filter((c) => c.voted).map((c) => c.id);
		expect(await voted(amina)).toEqual([byPerson]);
		// Her household's vote is Samir's: the list says his, not hers (the vote page tells her the household voted).
		expect(await voted(samir)).toEqual([byHousehold]);
		expect(await voted(karim)).toEqual([]);
		expect((await app.services.consultations.list(amina, space)).items.map((c) => c.id).sort()).toEqual([byPerson, byHousehold, untouched].sort());
	});

	describe('votes in a body', () => {
		async function body(proxyLimit = 1) {
			const admin = await createUser(app, { isAdmin: true, username: 'admin@test.local' });
			const org = await app.services.admin.createOrganisation(admin, { name: 'Réseau', kind: 'network' });
			const b = await app.services.admin.createBody(admin, {
				organisationId: org.id,
				name: 'Comité',
				proxyLimit,
				colleges: [
					{ name: 'Bénévoles', weight: 0.25, seats: 3 },
					{ name: 'Pouvoirs publics', weight: 0.75, seats: 1 }
				]
			});
			const cols = (await app.services.admin.allSpaces(admin)).colleges.filter((c) => c.bodyId === b.id);
			const space = { type: 'body' as const, id: b.id };
			const member = (name: string, collegeId: string, role: 'member' | 'chair' = 'member') =>
				createUser(app, { displayName: name, roles: [{ ...space, role, collegeId }, ...(role === 'chair' ? [{ ...space, role: 'member' as const, collegeId }] : [])] });
			const chair = await member('Sophie', cols[0]!.id, 'chair');
			const v1 = await member('Fatou', cols[0]!.id);
			const v2 = await member('Yann', cols[0]!.id);
			const elu = await member('Élise', cols[1]!.id);
			return { space, cols, chair, v1, v2, elu };
		}

		it('scales each college to its weight, end to end, with per-college turnout and quorum', async () => {
			const { space, cols, chair, v1, v2, elu } = await body();
			const { id } = await app.services.consultations.create(chair, {
				space,
				question: 'Adopter la charte du réseau',
				method: 'plurality',
				options: [{ label: 'Version courte' }, { label: 'Version longue' }],
				electorate: 'body',
				weighting: 'colleges',
				secrecy: 'public',
				resultsVisibility: 'live',
				quorumPercent: 50,
				quorumPerCollege: true,
				openNow: true
			});
			const [courte, longue] = (await app.services.consultations.view(chair, id)).options.map((o) => o.id);
			for (const m of [chair, v1, v2]) await app.services.consultations.cast(m, { consultationId: id, ballot: { choice: courte } });
			const before = (await app.services.consultations.view(chair, id)).live.turnout;
			expect(before.byCollege.map((g) => [g.participants, g.electorate, g.quorumMet])).toEqual([
				[3, 3, true],
				[0, 1, false]
			]);
			expect(before.quorum.met).toBe(false);
			await app.services.consultations.cast(elu, { consultationId: id, ballot: { choice: longue } });
			const result = (await app.services.consultations.close(chair, { consultationId: id }))!;
			// 3 volunteers carry 25 %, the one elected official 75 %.
			expect(result.winners).toEqual([longue]);
			expect(result.tallies).toEqual({ [courte!]: 0.25, [longue!]: 0.75 });
			const file = await app.services.consultations.exportFile(elu, id);
			expect(file.colleges).toEqual([
				{ id: cols[0]!.id, weight: 0.25 },
				{ id: cols[1]!.id, weight: 0.75 }
			]);
			expect(file.ballots.filter((b) => b.college === cols[0]!.id)).toHaveLength(3);
			expect((await app.services.consultations.results(v1, id)).decision?.quorumMet).toBe(true);
		});

		it('lets a member vote with a proxy, within the body’s proxy limit', async () => {
			const { space, chair, v1, v2, elu } = await body(1);
			const { id } = await app.services.consultations.create(chair, {
				space,
				question: 'Motion : ouvrir un LCP à Rezé',
				method: 'yes-no-abstain',
				electorate: 'body',
				secrecy: 'secret',
				resultsVisibility: 'live',
				openNow: true
			});
			const commits: { durable: boolean; synchronous?: number }[] = [];
			const stop = app.services.deps.data.onCommit((c) => commits.push(c));
			await app.services.consultations.giveProxy(v1, { consultationId: id, holderId: chair.id });
			stop();
			// A proxy is legally binding: committed durably like a vote (SQLite: at synchronous=FULL).
			expect(commits.filter((c) => c.durable).map((c) => c.synchronous)).toEqual([engine === 'sqlite' ? 2 : undefined]);
			await expect(app.services.consultations.giveProxy(v2, { consultationId: id, holderId: chair.id })).rejects.toThrow(/votes.error.proxyLimit/);
			await expect(app.services.consultations.cast(elu, { consultationId: id, ballot: { position: 'for' }, onBehalfOf: v1.id })).rejects.toThrow(/votes.error.noProxy/);
			await app.services.consultations.cast(chair, { consultationId: id, ballot: { position: 'for' } });
			await app.services.consultations.cast(chair, { consultationId: id, ballot: { position: 'against' }, onBehalfOf: v1.id });
			await expect(app.services.consultations.cast(v1, { consultationId: id, ballot: { position: 'for' } })).rejects.toThrow(UserError);
			expect((await app.services.consultations.view(chair, id)).proxies).toEqual([{ giverId: v1.id, name: 'Fatou', voted: true }]);
			// The body's list: her vote, the one her proxy cast for her; not a member who did not vote.
			const voted = async (who: typeof chair) => (await app.services.consultations.list(who, space)).items.filter((c) => c.voted).map((c) => c.id);
			expect(await voted(chair)).toEqual([id]);
			expect(await voted(v1)).toEqual([id]);
			expect(await voted(v2)).toEqual([]);
			const r = (await app.services.consultations.close(chair, { consultationId: id }))!;
			expect(r.tallies).toMatchObject({ for: 1, against: 1 });
		});
	});

	describe('recount by anyone', () => {
		function runRecount(text: string) {
			let out = '';
			const code = recount(['ballots.json'], { stdout: (t) => (out += t), stderr: () => undefined, readFile: () => text });
			expect(code).toBe(0);
			return JSON.parse(out) as unknown;
		}

		type Shape = { rank: number[]; k: number; grades: number[] };
		const options = [
			{ label: 'Jardin partagé', cost: 300 },
			{ label: 'Bancs', cost: 400 },
			{ label: 'Fête des voisins', cost: 500 }
		];
		function ballotFor(method: Method, ids: string[], s: Shape): Record<string, unknown> {
			const order = s.rank.map((i) => ids[i]!);
			switch (method) {
				case 'plurality':
					return { choice: order[0] };
				case 'approval':
					return { approve: order.slice(0, s.k) };
				case 'yes-no-abstain': {
					const position = (['for', 'against', 'abstain', 'object'] as const)[s.k];
					return position === 'object' ? { position, reason: 'Pas maintenant' } : { position };
				}
				case 'schulze':
				case 'irv':
				case 'borda':
					return { ranking: order.slice(0, Math.max(1, s.k)).map((id) => [id]) };
				case 'majority-judgment':
					return { grades: Object.fromEntries(ids.map((id, i) => [id, s.grades[i]!])) };
				case 'dot':
					return { dots: { [order[0]!]: s.k, [order[1]!]: 1 } };
				case 'budget': {
					const select: string[] = [];
					let spent = 0;
					for (const id of order.slice(0, s.k)) {
						const cost = options[ids.indexOf(id)]!.cost;
						if (spent + cost <= 800) {
							select.push(id);
							spent += cost;
						}
					}
					return { select };
				}
			}
		}

		const shape = fc.record({
			rank: fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
			k: fc.integer({ min: 0, max: 3 }),
			grades: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 })
		});

		it('the exported file of a closed consultation recounts to its frozen result, for random ballots of every method', async () => {
			const { space, people, claire } = await residence(8);
			let run = 0;
			await fc.assert(
				fc.asyncProperty(fc.constantFrom(...METHODS), fc.array(shape, { minLength: 0, maxLength: 8 }), fc.boolean(), async (method, shapes, batch) => {
					run++;
					const { id } = await app.services.consultations.create(claire, {
						space,
						question: `Consultation ${run}`,
						method,
						options,
						budget: 800,
						dots: 4,
						electorate: 'residence',
						secrecy: run % 2 ? 'secret' : 'public',
						resultsVisibility: 'live',
						openNow: true
					});
					const ids = method === 'yes-no-abstain' ? ['motion', 'motion', 'motion'] : (await app.services.consultations.view(claire, id)).options.map((o) => o.id);
					for (const [i, s] of shapes.entries()) await app.services.consultations.cast(people[i]!, { consultationId: id, ballot: ballotFor(method, ids, s) });
					if (batch && ['plurality', 'approval', 'yes-no-abstain'].includes(method))
						await app.services.consultations.recordBatch(claire, { consultationId: id, kind: 'paper', counts: { [method === 'yes-no-abstain' ? 'against' : ids[1]!]: 2 } });
					const live = (await app.services.consultations.view(claire, id)).live.result;
					const frozen = await app.services.consultations.close(claire, { consultationId: id });
					expect(live).toEqual(frozen);
					const file = await app.services.consultations.exportFile(people[0]!, id);
					expect(runRecount(JSON.stringify(file))).toEqual(JSON.parse(JSON.stringify(frozen)));
					const csv = (await app.services.consultations.exportCsv(people[0]!, id)).trim().split('\n');
					expect(csv).toHaveLength(file.ballots.length + 1);
				}),
				{ numRuns: 40 }
			);
			// Forty consultations, each voted, closed and exported: on PostgreSQL every commit waits for its
			// fsync, and the suite runs two files at a time. Generous, not a timing goal.
		}, 60_000);
	});
});
