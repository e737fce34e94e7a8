import { asc, eq, sql } from 'drizzle-orm';
import { first, type CommitInfo } from '../../db/data';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { count, type Ballot } from '$lib/domain/voting';
import { auditLog } from '../../db/schema';
import { createResidence, createTestApp, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { reencodePhoto } from '../../uploads/photos';
import { createConsultationsService } from './index';
import { UserError } from '../errors';

let app: TestApp;
/** The tables of the engine the test app runs on. */
const t = () => app.services.deps.data.t;

const svc = () => app.services.consultations;

async function residenceSetup() {
	const { residence, admin } = await createResidence(app, [
		{ name: 'Bâtiment A', dwellings: 10 },
		{ name: 'Bâtiment B', dwellings: 10 }
	]);
	const { data } = app.services.deps;
	const homes = await data.db.select().from(data.t.households).where(eq(data.t.households.residenceId, residence.id)).orderBy(asc(data.t.households.label), asc(data.t.households.id));
	const inA = homes.filter((h) => h.label.startsWith('A'));
	const inB = homes.filter((h) => h.label.startsWith('B'));
	const space = { type: 'residence' as const, id: residence.id };
	const tenant = (name: string, householdId: string) => createUser(app, { displayName: name, householdId, roles: [{ ...space, role: 'tenant' }] });
	const amina = await tenant('Amina', inA[0]!.id);
	const samir = await tenant('Samir', inA[0]!.id); // same household as Amina
	const karim = await tenant('Karim', inB[0]!.id);
	const lea = await tenant('Léa', inB[1]!.id);
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	return { residence, admin, space, amina, samir, karim, lea, claire, inA, inB };
}

async function optionsOf(actor: Parameters<ReturnType<typeof svc>['view']>[0], id: string) {
	return (await svc().view(actor, id)).options.map((o) => o.id);
}

const benches = [
	{ label: 'Banc en bois', cost: 900 },
	{ label: 'Banc en métal', cost: 700 },
	{ label: 'Banc béton et bois', cost: 1200 }
];

/** A vote opened now by the facilitator: a secret, live, one-choice bench question unless told otherwise. */
function createVote(s: Awaited<ReturnType<typeof residenceSetup>>, input: Record<string, unknown> = {}) {
	return svc().create(s.claire, {
		space: s.space,
		question: 'Quel banc ?',
		method: 'plurality',
		options: benches,
		electorate: 'residence',
		secrecy: 'secret',
		resultsVisibility: 'live',
		openNow: true,
		...input
	});
}

describe.each(testEngines)('consultations service on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(async () => {
		await app.services.consultations.flushBallotBox();
		await app.services.settled();
		await app.close();
	});

	it("a ballot's indexes: a secret one is in its consultation's index only, found there by its secret; a public one in its participation's too (issue 15)", async () => {
		const { data } = app.services.deps;
		const indexes =
			engine === 'sqlite'
				? (await data.rows<{ name: string; unique: number; partial: number }>(sql`pragma index_list('ballots')`)).map((i) => ({ name: i.name, unique: i.unique === 1, partial: i.partial === 1 }))
				: (await data.rows<{ name: string; def: string }>(sql`select indexname as name, indexdef as def from pg_indexes where tablename = 'ballots' and indexname <> 'ballots_pkey'`)).map((i) => ({ name: i.name, unique: /^CREATE UNIQUE/i.test(i.def), partial: / WHERE /i.test(i.def) }));
		// Two B-trees beside the table: a secret vote writes one random leaf page of an index, not two.
		expect(indexes.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
			{ name: 'ballots_consultation', unique: true, partial: false },
			{ name: 'ballots_participation', unique: true, partial: true }
		]);
		const s = await residenceSetup();
		// Public: a second ballot of the same participation is refused.
		const { id } = await createVote(s, { secrecy: 'public' });
		const [bois] = await optionsOf(s.amina, id);
		await svc().cast(s.amina, { consultationId: id, ballot: { choice: bois } });
		const [mine] = await data.db.select().from(t().ballots).where(eq(t().ballots.consultationId, id));
		await expect(data.write((tx) => tx.insert(t().ballots).values({ ...mine!, id: mine!.id + 1 }).then(() => undefined))).rejects.toThrow();
		// Secret: the lookup by secret uses the consultation's index; a second ballot with the same secret
		// in the same consultation is refused.
		const secret = await createVote(s, { secrecy: 'secret', question: 'Quel banc (secret) ?' });
		const [metal] = await optionsOf(s.amina, secret.id);
		await svc().cast(s.karim, { consultationId: secret.id, ballot: { choice: metal } });
		await svc().flushBallotBox();
		const [hers] = await data.db.select().from(t().ballots).where(eq(t().ballots.consultationId, secret.id));
		expect(hers!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
		if (engine === 'sqlite') {
			const plan = await data.rows<{ detail: string }>(sql`explain query plan select * from ballots where consultation_id = ${secret.id} and token_hash = ${hers!.tokenHash}`);
			expect(plan.map((r) => r.detail).join('\n')).toMatch(/USING INDEX ballots_consultation \(consultation_id=\? AND token_hash=\?\)/);
		}
		await expect(data.write((tx) => tx.insert(t().ballots).values({ ...hers!, id: hers!.id + 1 }).then(() => undefined))).rejects.toThrow();
	});

	it('a public ballot goes at the end of the table on SQLite (next rowid), a secret one at a random place', async () => {
		const s = await residenceSetup();
		const ids = async (secrecy: 'public' | 'secret') => {
			const { id } = await createVote(s, { secrecy, question: `Quel banc (${secrecy}) ?` });
			const [bois] = await optionsOf(s.amina, id);
			for (const voter of [s.amina, s.karim]) await svc().cast(voter, { consultationId: id, ballot: { choice: bois } });
			await svc().flushBallotBox();
			const rows = await app.services.deps.data.db.select({ id: t().ballots.id }).from(t().ballots).where(eq(t().ballots.consultationId, id));
			return rows.map((r) => r.id).sort((a, b) => a - b);
		};
		const secret = await ids('secret');
		const open = await ids('public');
		expect(open).toHaveLength(2);
		if (engine === 'sqlite') {
			// Following the highest id in the table (a random secret one here), one after the other.
			expect(open[0]).toBe(Math.max(...secret) + 1);
			expect(open[1]).toBe(open[0]! + 1);
		}
		// Secret ballots: random ids (two in a row one apart would be a 1 in 2^53 chance).
		expect(secret[1]! - secret[0]!).toBeGreaterThan(1);
	});

	it('participations take ids that sort by time: the table and its indexes grow at their end (issue 15)', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { secrecy: 'public' });
		const [bois] = await optionsOf(s.amina, id);
		const more = [];
		for (const [i, home] of s.inB.slice(2, 5).entries()) more.push(await createUser(app, { displayName: `Voisin ${i}`, householdId: home.id, roles: [{ ...s.space, role: 'tenant' }] }));
		// Six electors, a minute apart (random ids would come in this order once in 720 runs).
		for (const voter of [s.amina, s.karim, s.lea, ...more]) {
			await svc().cast(voter, { consultationId: id, ballot: { choice: bois } });
			app.clock.advance(60_000);
		}
		const rows = await app.services.deps.data.db.select({ id: t().participations.id, at: t().participations.at }).from(t().participations).where(eq(t().participations.consultationId, id));
		expect(rows).toHaveLength(6);
		const byTime = [...rows].sort((a, b) => a.at.getTime() - b.at.getTime()).map((r) => r.id);
		expect([...byTime].sort()).toEqual(byTime);
		for (const r of rows) expect(r.id).toMatch(/^[0-9a-v]{16}$/);
	});

	it('a vote is committed durably (SQLite: at synchronous=FULL), the writes around it at the ordinary level', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { secrecy: 'public' });
		const [bois] = await optionsOf(s.amina, id);
		const commits: CommitInfo[] = [];
		const stop = app.services.deps.data.onCommit((c) => commits.push(c));
		try {
			await svc().cast(s.amina, { consultationId: id, ballot: { choice: bois } });
			await svc().cast(s.karim, { consultationId: id, ballot: { choice: bois } });
		} finally {
			stop();
		}
		// One ballot-box unit per vote here (cast one after the other), each durable before the answer.
		const durable = commits.filter((c) => c.durable);
		expect(durable).toHaveLength(2);
		if (engine === 'sqlite') {
			expect(durable.every((c) => c.synchronous === 2 && !c.walSynced)).toBe(true);
			expect(commits.filter((c) => !c.durable).every((c) => c.synchronous === 1)).toBe(true);
			expect(Number(app.services.deps.db.$client.pragma('synchronous', { simple: true }))).toBe(1);
		}
	});

	it('a secret vote is in the database file itself when its voter is answered (SQLite: committed with no sync, made durable by the flush’s checkpoint)', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s);
		const [bois, metal] = await optionsOf(s.amina, id);
		const commits: CommitInfo[] = [];
		const stop = app.services.deps.data.onCommit((c) => commits.push(c));
		try {
			await Promise.all([svc().cast(s.amina, { consultationId: id, ballot: { choice: bois } }), svc().cast(s.karim, { consultationId: id, ballot: { choice: metal } })]);
		} finally {
			stop();
		}
		if (engine !== 'sqlite') return expect(await app.services.deps.data.db.select().from(t().ballots)).toHaveLength(2);
		// The unit of the two secret votes made no sync of its own (OFF: the flush syncs the WAL first)…
		expect(commits.some((c) => !c.durable && c.synchronous === 0)).toBe(true);
		expect(commits.filter((c) => c.durable)).toHaveLength(0);
		// …and the writer is back at its level, with its automatic checkpoint.
		expect(Number(app.services.deps.db.$client.pragma('synchronous', { simple: true }))).toBe(1);
		expect(Number(app.services.deps.db.$client.pragma('wal_autocheckpoint', { simple: true }))).toBeGreaterThan(0);
		// …yet both ballots were already copied into the database file, without its WAL: a copy of the
		// file alone, opened on its own, holds them.
		const file = app.services.deps.db.$client.name;
		const copy = `${file}.copy`;
		copyFileSync(file, copy);
		const alone = new Database(copy, { readonly: true });
		try {
			expect(alone.prepare('select count(*) as n from ballots where consultation_id = ?').get(id)).toEqual({ n: 2 });
		} finally {
			alone.close();
			rmSync(copy, { force: true });
		}
	});

	it('one vote per household: the second member is told the household has voted', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { question: 'Quel banc devant l’entrée ?', countBy: 'household', secrecy: 'public' });
		const [bois] = await optionsOf(s.amina, id);
		const first = await svc().cast(s.amina, { consultationId: id, ballot: { choice: bois } });
		expect(first.changed).toBe(false);
		const err = await (async () => {
			try {
				await svc().cast(s.samir, { consultationId: id, ballot: { choice: bois } });
			} catch (e) {
				return e;
			}
		})();
		expect(err).toBeInstanceOf(UserError);
		expect((err as UserError).code).toBe('votes.error.householdVoted');
		const view = await svc().view(s.samir, id);
		expect(view.household?.by).toBe('Amina');
		expect(view.can.vote).toBe(false);
		expect(view.live.turnout.participants).toBe(1);
		expect(view.live.turnout.unit).toBe('household');
		expect(view.live.turnout.electorate).toBe(20);
	});

	it('the assisted-vote form lists the electors, each checked as her own vote would be, and who has voted', async () => {
		const s = await residenceSetup();
		// Without a household she cannot vote where households count; elsewhere she can.
		await createUser(app, { displayName: 'Nour', roles: [{ ...s.space, role: 'tenant' }] });
		const byHousehold = await createVote(s, { countBy: 'household', secrecy: 'public' });
		const [bois] = await optionsOf(s.amina, byHousehold.id);
		await svc().cast(s.amina, { consultationId: byHousehold.id, ballot: { choice: bois } });
		const list = async (id: string) => (await svc().electors(s.claire, id)).map((e) => `${e.name}${e.voted ? ' ✓' : ''}`);
		// Samir shares Amina's household: it has voted, for him too. Claire staffs the residence, she does not vote.
		expect(await list(byHousehold.id)).toEqual(['Amina ✓', 'Karim', 'Léa', 'Samir ✓']);
		const byPerson = await createVote(s, { countBy: 'person', secrecy: 'secret' });
		const [metal] = await optionsOf(s.karim, byPerson.id);
		await svc().cast(s.karim, { consultationId: byPerson.id, ballot: { choice: metal } });
		await svc().flushBallotBox();
		expect(await list(byPerson.id)).toEqual(['Amina', 'Karim ✓', 'Léa', 'Nour', 'Samir']);
		await expect(svc().electors(s.amina, byPerson.id)).rejects.toThrow(ForbiddenError);
	});

	it('the assisted-vote form lists who has not voted, and asks for a name first beyond 100 of them', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { countBy: 'person', secrecy: 'public' });
		const [bois] = await optionsOf(s.karim, id);
		await svc().cast(s.karim, { consultationId: id, ballot: { choice: bois } });
		const names = async (who: unknown) => {
			const choice = await svc().electorsToRecord(s.claire, id, who);
			return { ...choice, list: choice.list.map((e) => e.name) };
		};
		expect(await names('')).toEqual({ list: ['Amina', 'Léa', 'Samir'], waiting: 3, matches: 3, search: false, q: '' });

		await createUser(app, { displayName: 'Élodie Durand', roles: [{ ...s.space, role: 'tenant' }] });
		for (let i = 1; i <= 100; i++) await createUser(app, { displayName: `Locataire ${i}`, roles: [{ ...s.space, role: 'tenant' }] });
		// 104 have not voted: no list until a name is given.
		expect(await names('')).toEqual({ list: [], waiting: 104, matches: 0, search: true, q: '' });
		expect(await names('  ELODIE ')).toEqual({ list: ['Élodie Durand'], waiting: 104, matches: 1, search: true, q: 'ELODIE' });
		const many = await names('locataire');
		expect(many).toMatchObject({ waiting: 104, matches: 100, search: true });
		expect(many.list).toHaveLength(50);
		// Karim has voted: he is not offered. A query that is not text is no query.
		expect((await names('karim')).matches).toBe(0);
		expect(await names({ not: 'text' })).toMatchObject({ list: [], q: '' });
		await expect(svc().electorsToRecord(s.amina, id, 'a')).rejects.toThrow(ForbiddenError);
	});

	it('lets a voter change her vote until close (secret: with her code), then freezes it as a decision', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s);
		const [bois, metal] = await optionsOf(s.amina, id);
		const { secret } = await svc().cast(s.amina, { consultationId: id, ballot: { choice: bois } });
		await svc().cast(s.karim, { consultationId: id, ballot: { choice: bois } });
		await expect(svc().cast(s.amina, { consultationId: id, ballot: { choice: metal } })).rejects.toThrow(UserError);
		await expect(svc().cast(s.amina, { consultationId: id, ballot: { choice: metal }, secret: 'aaaaaaaaaaaaaaaaaaaaaaaa' })).rejects.toThrow(UserError);
		app.clock.advance(5 * 60_000);
		const changed = await svc().cast(s.amina, { consultationId: id, ballot: { choice: metal }, secret: secret!.toUpperCase().replace(/(.{4})/g, '$1-') });
		expect(changed.changed).toBe(true);
		expect(changed.updatedAt.getTime()).toBeGreaterThan(changed.at.getTime());
		expect((await app.services.deps.data.db.select().from(t().ballots))).toHaveLength(2);
		const liveResult = (await svc().view(s.lea, id)).live.result;
		expect(liveResult?.tallies).toEqual({ [bois!]: 1, [metal!]: 1, [(await optionsOf(s.amina, id))[2]!]: 0 });

		await expect(svc().close(s.amina, { consultationId: id })).rejects.toThrow(ForbiddenError);
		await svc().cast(s.lea, { consultationId: id, ballot: { choice: metal } });
		const frozen = await svc().close(s.claire, { consultationId: id });
		expect(frozen?.winners).toEqual([metal]);
		await expect(svc().cast(s.karim, { consultationId: id, ballot: { choice: metal } })).rejects.toThrow(/votes.error.closed/);
		const decision = (await first(app.services.deps.data.db.select().from(t().decisions).where(eq(t().decisions.consultationId, id))));
		expect(decision?.method).toBe('plurality');
		expect(decision?.outcome).toEqual(['Banc en métal']);
		expect(decision?.result.winners).toEqual([metal]);
		const results = await svc().results(s.karim, id);
		expect(results.live.status).toBe('closed');
		expect(results.live.result).toEqual(frozen);
		expect(results.decision?.outcome).toEqual(['Banc en métal']);
	});

	it('hides results until close, and closes by itself at the closing time', async () => {
		const s = await residenceSetup();
		const now = app.clock.now().getTime();
		const { id } = await createVote(s, { question: 'Priorités', method: 'schulze', options: [{ label: 'Jardin' }, { label: 'Bancs' }, { label: 'Fête' }], secrecy: 'public', resultsVisibility: 'afterClose', opensAt: new Date(now + 60_000).toISOString(), closesAt: new Date(now + 3_600_000).toISOString(), openNow: undefined });
		const [jardin, bancs, fete] = await optionsOf(s.amina, id);
		expect((await svc().view(s.amina, id)).consultation.status).toBe('draft');
		await expect(svc().cast(s.amina, { consultationId: id, ballot: { ranking: [[jardin]] } })).rejects.toThrow(/votes.error.notOpen/);
		app.clock.advance(120_000);
		await svc().cast(s.amina, { consultationId: id, ballot: { ranking: [[jardin], [bancs], [fete]] } });
		await svc().cast(s.karim, { consultationId: id, ballot: { ranking: [[bancs], [jardin, fete]] } });
		await svc().cast(s.lea, { consultationId: id, ballot: { ranking: [[jardin], [fete]] } });
		expect((await svc().results(s.karim, id)).live.result).toBeNull();
		expect((await svc().results(s.karim, id)).live.turnout.participants).toBe(3);
		app.clock.advance(3_600_000);
		const r = await svc().results(s.karim, id);
		expect(r.live.status).toBe('closed');
		expect(r.live.result?.winners).toEqual([jardin]);
		expect(r.decision).not.toBeNull();
		// Public ballots: members see who voted what.
		expect(r.named.map((n) => n.name)).toEqual(['Amina', 'Karim', 'Léa']);
	});

	it('counts every method through the shared library', async () => {
		const s = await residenceSetup();
		const base = { space: s.space, electorate: 'residence', secrecy: 'secret', resultsVisibility: 'live', openNow: true } as const;
		const three = [{ label: 'Un', cost: 500 }, { label: 'Deux', cost: 400 }, { label: 'Trois', cost: 300 }];
		const cases: { method: string; extra?: Record<string, unknown>; ballot: (o: string[]) => Record<string, unknown> }[] = [
			{ method: 'plurality', ballot: (o) => ({ choice: o[0] }) },
			{ method: 'approval', ballot: (o) => ({ approve: [o[0]] }) },
			{ method: 'yes-no-abstain', ballot: () => ({ position: 'for' }) },
			{ method: 'schulze', ballot: (o) => ({ ranking: [[o[0]], [o[1]]] }) },
			{ method: 'irv', ballot: (o) => ({ ranking: [[o[0]], [o[1]], [o[2]]] }) },
			{ method: 'borda', ballot: (o) => ({ ranking: [[o[0]], [o[1], o[2]]] }) },
			{ method: 'majority-judgment', ballot: (o) => ({ grades: { [o[0]!]: 0, [o[1]!]: 3, [o[2]!]: 6 } }) },
			{ method: 'dot', extra: { dots: 5 }, ballot: (o) => ({ dots: { [o[0]!]: 3, [o[1]!]: 2 } }) },
			{ method: 'budget', extra: { budget: 1000 }, ballot: (o) => ({ select: [o[0], o[1]] }) }
		];
		for (const c of cases) {
			const { id } = await svc().create(s.claire, { ...base, question: `Question ${c.method}`, method: c.method, options: three, ...c.extra });
			const o = c.method === 'yes-no-abstain' ? ['motion'] : await optionsOf(s.amina, id);
			await svc().cast(s.amina, { consultationId: id, ballot: c.ballot(o) });
			await svc().cast(s.karim, { consultationId: id, ballot: c.ballot(o) });
			const live = (await svc().view(s.lea, id)).live.result;
			const frozen = await svc().close(s.claire, { consultationId: id });
			expect(frozen?.method, c.method).toBe(c.method);
			expect(frozen?.valid, c.method).toBe(2);
			expect(frozen?.winners, c.method).toEqual(c.method === 'budget' ? [o[0], o[1]] : [o[0]]);
			expect(live, c.method).toEqual(frozen);
		}
	});

	it('the vote form is read back with the method and the options as the screen lists them, for those who may see the vote only', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s);
		expect(await svc().ballotForm(s.amina, id)).toEqual({ method: 'plurality', optionIds: await optionsOf(s.amina, id) });
		const motion = await createVote(s, { method: 'yes-no-abstain', question: 'Un banc devant le bâtiment A ?' });
		const screen = await svc().view(s.amina, motion.id);
		expect(await svc().ballotForm(s.karim, motion.id)).toEqual({ method: 'yes-no-abstain', optionIds: [screen.motion!.id] });
		// Someone of another residence learns nothing of it, not even its method; an unknown id is not found.
		const { residence: other } = await createResidence(app);
		const stranger = await createUser(app, { displayName: 'Ailleurs', roles: [{ type: 'residence', id: other.id, role: 'tenant' }] });
		await expect(svc().ballotForm(stranger, id)).rejects.toThrow(ForbiddenError);
		await expect(svc().ballotForm(null, id)).rejects.toThrow(ForbiddenError);
		await expect(svc().ballotForm(s.amina, 'nope')).rejects.toThrow(UserError);
	});

	it('refuses ballots the method cannot count, with a message people understand', async () => {
		const s = await residenceSetup();
		const base = { space: s.space, electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', openNow: true } as const;
		const budget = await svc().create(s.claire, { ...base, question: 'Budget', method: 'budget', budget: 1000, options: [{ label: 'A', cost: 800 }, { label: 'B', cost: 400 }] });
		const [a, b] = await optionsOf(s.amina, budget.id);
		await expect(svc().cast(s.amina, { consultationId: budget.id, ballot: { select: [a, b] } })).rejects.toThrow(/votes.error.overBudget/);
		const motion = await svc().create(s.claire, { ...base, question: 'On repeint le hall ?', method: 'yes-no-abstain' });
		await expect(svc().cast(s.amina, { consultationId: motion.id, ballot: { position: 'object' } })).rejects.toThrow(/votes.error.reasonNeeded/);
		await svc().cast(s.amina, { consultationId: motion.id, ballot: { position: 'object', reason: 'Trop cher cette année' } });
		await svc().cast(s.karim, { consultationId: motion.id, ballot: { position: 'for' } });
		const r = await svc().close(s.claire, { consultationId: motion.id });
		expect(r?.method === 'yes-no-abstain' && r.blocked).toBe(true);
		expect(r?.method === 'yes-no-abstain' && r.objections).toEqual(['Trop cher cette année']);
		const decision = (await first(app.services.deps.data.db.select().from(t().decisions).where(eq(t().decisions.consultationId, motion.id))));
		expect(decision?.adopted).toBe(false);
		await expect(svc().create(s.claire, { ...base, question: 'Un seul choix', method: 'plurality', options: [{ label: 'Seul' }] })).rejects.toThrow(/votes.error.twoOptions/);
	});

	it('restricts a building vote to its households and reports turnout by building', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { question: 'Couleur de la porte du bâtiment B', method: 'approval', options: [{ label: 'Bleu' }, { label: 'Vert' }], electorate: 'building', buildingId: s.inB[0]!.buildingId, secrecy: 'public' });
		const [bleu] = await optionsOf(s.karim, id);
		await expect(svc().cast(s.amina, { consultationId: id, ballot: { approve: [bleu] } })).rejects.toThrow(/votes.error.notInBuilding/);
		await svc().cast(s.karim, { consultationId: id, ballot: { approve: [bleu] } });
		const t = (await svc().results(s.karim, id)).live.turnout;
		expect(t.electorate).toBe(2);
		expect(t.participants).toBe(1);
		expect(t.byBuilding).toEqual([expect.objectContaining({ name: 'Bâtiment B', electorate: 2, participants: 1, share: 0.5 })]);
		expect(t.households).toEqual({ total: 10, represented: 1, share: 0.1 });
		expect(t.narrow).toBe(false);
	});

	it('warns when the result rests on under 10 % of households, and shows the quorum live', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { question: 'Fête des voisins en juin ?', method: 'yes-no-abstain', quorumPercent: 50, options: undefined });
		await svc().cast(s.amina, { consultationId: id, ballot: { position: 'for' } });
		const t = (await svc().view(s.karim, id)).live.turnout;
		expect(t.households?.represented).toBe(1);
		expect(t.narrow).toBe(true);
		expect(t.quorum).toEqual({ share: 0.5, perCollege: false, met: false });
		await svc().cast(s.karim, { consultationId: id, ballot: { position: 'for' } });
		await svc().cast(s.lea, { consultationId: id, ballot: { position: 'for' } });
		expect((await svc().view(s.karim, id)).live.turnout.quorum.met).toBe(true); // 3 of 4 tenants
	});

	it('records a show of hands as its own marked batch', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s);
		const [bois, metal] = await optionsOf(s.karim, id);
		await svc().cast(s.karim, { consultationId: id, ballot: { choice: metal } });
		await expect(svc().recordBatch(s.karim, { consultationId: id, kind: 'show-of-hands', counts: { [bois!]: 3 } })).rejects.toThrow(ForbiddenError);
		await svc().recordBatch(s.claire, { consultationId: id, kind: 'show-of-hands', note: 'Réunion au pied de l’immeuble', counts: { [bois!]: '4', [metal!]: 1 } });
		const live = (await svc().results(s.karim, id)).live;
		expect(live.turnout.participants).toBe(1);
		expect(live.turnout.batchBallots).toBe(5);
		expect(live.turnout.batches).toEqual([expect.objectContaining({ kind: 'show-of-hands', size: 5, recordedBy: 'Claire', note: 'Réunion au pied de l’immeuble' })]);
		expect(live.result?.tallies).toMatchObject({ [bois!]: 4, [metal!]: 2 });
		expect((await app.services.deps.data.db.select().from(t().voteBatches))).toHaveLength(1);
		expect((await app.services.deps.data.db.select().from(t().auditLog)).map((a) => a.action)).toContain('vote.batch');
	});

	it('denies what the policy does not grant', async () => {
		const s = await residenceSetup();
		const other = await createResidence(app);
		const outsider = await createUser(app, { roles: [{ type: 'residence', id: other.residence.id, role: 'tenant' }] });
		const input = { space: s.space, question: 'Quel banc ?', method: 'plurality', options: benches, electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', openNow: true };
		await expect(svc().create(s.amina, input)).rejects.toThrow(ForbiddenError);
		await expect(svc().create(outsider, input)).rejects.toThrow(ForbiddenError);
		const { id } = await svc().create(s.claire, input);
		const [bois] = await optionsOf(s.amina, id);
		await expect(svc().cast(outsider, { consultationId: id, ballot: { choice: bois } })).rejects.toThrow(ForbiddenError);
		await expect(svc().view(outsider, id)).rejects.toThrow(ForbiddenError);
		// Staff record votes given in person but do not vote themselves.
		await expect(svc().cast(s.claire, { consultationId: id, ballot: { choice: bois } })).rejects.toThrow(ForbiddenError);
		await expect(svc().cast(s.admin, { consultationId: id, ballot: { choice: bois } })).rejects.toThrow(ForbiddenError);
		await expect(svc().exportFile(s.amina, id)).rejects.toThrow(/votes.error.notClosed/);
		await expect(svc().cast(s.amina, { consultationId: id, ballot: { choice: bois, approve: [bois] } })).rejects.toThrow(UserError);
		expect((await app.services.deps.data.db.select().from(t().participations))).toHaveLength(0);
	});

	it('rebuilds live tallies from the database after a restart', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { method: 'borda' });
		const [a, b, c] = await optionsOf(s.karim, id);
		await svc().cast(s.karim, { consultationId: id, ballot: { ranking: [[a], [b], [c]] } });
		await svc().cast(s.lea, { consultationId: id, ballot: { ranking: [[b], [a]] } });
		const before = (await svc().view(s.karim, id)).live.result;
		svc().forgetLiveState();
		expect((await svc().view(s.karim, id)).live.result).toEqual(before);
		const stored = (await app.services.deps.data.db.select({ content: t().ballots.content }).from(t().ballots)).map((r) => r.content as Ballot);
		expect(before).toEqual(count({ method: 'borda', options: [{ id: a!, label: 'Banc en bois' }, { id: b!, label: 'Banc en métal' }, { id: c!, label: 'Banc béton et bois' }], ballots: stored }));
	});

	it('counts the first vote after a restart once (the rebuilt tally already holds it)', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { method: 'borda' });
		const [a, b, c] = await optionsOf(s.karim, id);
		await svc().cast(s.karim, { consultationId: id, ballot: { ranking: [[a], [b], [c]] } });
		svc().forgetLiveState();
		await svc().cast(s.lea, { consultationId: id, ballot: { ranking: [[b], [a]] } });
		const live = (await svc().view(s.karim, id)).live;
		const stored = (await app.services.deps.data.db.select({ content: t().ballots.content }).from(t().ballots)).map((r) => r.content as Ballot);
		expect(live.result).toEqual(count({ method: 'borda', options: [{ id: a!, label: 'Banc en bois' }, { id: b!, label: 'Banc en métal' }, { id: c!, label: 'Banc béton et bois' }], ballots: stored }));
	});

	it('stores option photos without metadata and serves them to members only', async () => {
		const s = await residenceSetup();
		const other = await createResidence(app);
		const outsider = await createUser(app, { roles: [{ type: 'residence', id: other.residence.id, role: 'tenant' }] });
		const local = createConsultationsService(app.services.deps, { uploadDir: () => app.dir });
		const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#8a5a2b' } }).png().toBuffer();
		const { id } = await local.create(
			s.claire,
			{ space: s.space, question: 'Quel banc ?', method: 'plurality', options: benches, electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', openNow: true },
			new Map([[1, await reencodePhoto(new Uint8Array(png))]])
		);
		const options = (await local.view(s.amina, id)).options;
		expect(options.map((o) => !!o.photoUrl)).toEqual([false, true, false]);
		const path = await local.photoPath(s.amina, id, options[1]!.id);
		expect(existsSync(path)).toBe(true);
		await expect(local.photoPath(outsider, id, options[1]!.id)).rejects.toThrow(ForbiddenError);
		await expect(local.photoPath(s.amina, id, options[0]!.id)).rejects.toThrow(UserError);
	});

	it('takes paper ballots one at a time for any method, in one marked batch', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { question: 'Priorités', method: 'schulze', options: [{ label: 'Jardin' }, { label: 'Bancs' }, { label: 'Fête' }] });
		const [jardin, bancs, fete] = await optionsOf(s.karim, id);
		const first = await svc().recordBatch(s.claire, { consultationId: id, kind: 'paper', ballot: { ranking: [[bancs], [jardin]] }, note: 'Urne du hall' });
		const second = await svc().recordBatch(s.claire, { consultationId: id, kind: 'paper', ballot: { ranking: [[bancs], [fete]] }, batchId: first.batchId });
		expect(second).toEqual({ batchId: first.batchId, size: 2 });
		await expect(svc().recordBatch(s.claire, { consultationId: id, kind: 'paper', ballot: { ranking: [] }, batchId: first.batchId })).rejects.toThrow(/votes.error.rankOne/);
		await expect(svc().recordBatch(s.claire, { consultationId: id, kind: 'show-of-hands', counts: { [bancs!]: 2 } })).rejects.toThrow(/votes.error.batchMethod/);
		const live = (await svc().results(s.karim, id)).live;
		expect(live.turnout.batches).toEqual([expect.objectContaining({ kind: 'paper', size: 2, note: 'Urne du hall', recordedBy: 'Claire' })]);
		expect(live.result?.winners).toEqual([bancs]);
		expect((await app.services.deps.data.db.select().from(t().ballots)).every((b) => b.batchId === first.batchId)).toBe(true);
	});
});

// SQLite only: the raw-file look at what a secret ballot leaves behind, and the assisted votes, whose
// notifications are still written by the synchronous notifications service (issue 12).
describe('consultations service on sqlite (raw tables, notified paths)', () => {
	beforeEach(() => {
		app = createTestApp();
	});
	afterEach(async () => {
		await app.services.consultations.flushBallotBox();
		await app.services.settled();
		await app.close();
	});

	it('a secret ballot leaves no link between voter and ballot in any table', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { resultsVisibility: 'afterClose' });
		const [bois, metal] = await optionsOf(s.amina, id);
		const a = await svc().cast(s.amina, { consultationId: id, ballot: { choice: bois } });
		app.clock.advance(60_000);
		await svc().cast(s.karim, { consultationId: id, ballot: { choice: metal } });
		expect(a.secret).toMatch(/^[a-z2-7]{24}$/);

		const client = app.services.deps.db.$client;
		const voterIds = [s.amina.id, s.karim.id];
		const participationIds = (client.prepare('select id from participations').all() as { id: string }[]).map((r) => r.id);
		// Every column of every ballot row: nothing names a voter or their participation, no time.
		const ballotColumns = (client.prepare('pragma table_info(ballots)').all() as { name: string }[]).map((c) => c.name);
		expect(ballotColumns).not.toContain('created_at');
		const rows = client.prepare('select * from ballots').all() as Record<string, unknown>[];
		expect(rows).toHaveLength(2);
		for (const row of rows) {
			expect(row.participation_id).toBeNull();
			const text = JSON.stringify(row);
			for (const v of [...voterIds, ...participationIds]) expect(text).not.toContain(v);
		}
		// Nothing else in the database holds a ballot id, its secret hash or its content.
		const tables = (client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
		for (const table of tables.filter((t) => t !== 'ballots')) {
			const dump = JSON.stringify(client.prepare(`select * from "${table}"`).all());
			for (const row of rows) {
				expect(dump, table).not.toContain(String(row.id));
				expect(dump, table).not.toContain(String(row.token_hash));
			}
			if (table === 'audit_log') {
				expect(dump).not.toContain(bois);
				expect(dump).not.toContain(metal);
			}
		}
		// Ballot ids are random, not a sequence that follows the order of the participations.
		const ids = rows.map((r) => Number(r.id));
		expect(ids.every((n) => n > 1000)).toBe(true);
		// The voter still sees her own choice, with her secret only.
		expect((await svc().view(s.amina, id, a.secret)).mine?.ballot).toEqual({ choice: bois });
		expect((await svc().view(s.amina, id)).mine?.ballot).toBeNull();
		expect((await svc().view(s.amina, id)).mine?.needsCode).toBe(true);
		// Her secret opens her ballot only: another voter holding it can neither see nor replace it.
		expect((await svc().view(s.karim, id, a.secret)).mine?.ballot).toBeNull();
		await expect(svc().cast(s.karim, { consultationId: id, ballot: { choice: bois }, secret: a.secret })).rejects.toThrow(/votes.error.badCode/);
		expect((await svc().view(s.amina, id, a.secret)).mine?.ballot).toEqual({ choice: bois });
	});

	it('records an assisted vote the tenant sees and confirms: not counted until then; both leave audit entries', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s, { secrecy: 'public' });
		const [bois, metal] = await optionsOf(s.karim, id);
		await expect(svc().recordAssisted(s.karim, { consultationId: id, voterId: s.lea.id, channel: 'door', ballot: { choice: bois } })).rejects.toThrow(ForbiddenError);
		const r = await svc().recordAssisted(s.claire, { consultationId: id, voterId: s.lea.id, channel: 'door', ballot: { choice: bois } });
		expect(r).not.toHaveProperty('secret');
		await expect(svc().recordAssisted(s.claire, { consultationId: id, voterId: s.lea.id, channel: 'phone', ballot: { choice: metal } })).rejects.toThrow(/votes.error.alreadyVoted/);
		expect((await svc().view(s.lea, id)).assisted).toMatchObject({ state: 'pending', channel: 'door', recordedBy: 'Claire', ballot: { choice: bois } });
		expect(((await svc().results(s.karim, id)).live.result?.tallies as Record<string, number>)[bois!] ?? 0).toBe(0);
		expect((await svc().results(s.karim, id)).unconfirmed).toMatchObject({ pending: 1, counting: 'apart', result: { tallies: { [bois!]: 1 } } });
		await svc().confirm(s.lea, { consultationId: id });
		expect((await svc().view(s.lea, id)).mine?.confirmedAt).not.toBeNull();
		expect((await svc().view(s.lea, id)).assisted?.state).toBe('confirmed');
		expect(((await svc().results(s.karim, id)).live.result?.tallies as Record<string, number>)[bois!]).toBe(1);
		expect((await svc().results(s.karim, id)).live.turnout.participants).toBe(1);
		const actions = app.services.deps.db.select().from(auditLog).all().map((a) => a.action);
		expect(actions).toContain('vote.recordOnBehalf');
		expect(actions).toContain('vote.assistedConfirmed');
	});

	it('an assisted secret vote gets its code only when the tenant confirms it, in her own session', async () => {
		const s = await residenceSetup();
		const { id } = await createVote(s);
		const [bois, metal] = await optionsOf(s.karim, id);
		const recorded = await svc().recordAssisted(s.claire, { consultationId: id, voterId: s.lea.id, channel: 'phone', ballot: { choice: bois } });
		expect(Object.keys(recorded).sort()).toEqual(['at', 'pending']);
		const { secret } = await svc().confirm(s.lea, { consultationId: id });
		expect(secret).toMatch(/^[a-z2-7]{24}$/);
		expect((await svc().view(s.lea, id, secret)).mine?.ballot).toEqual({ choice: bois });
		await svc().cast(s.lea, { consultationId: id, ballot: { choice: metal }, secret });
		const mine = (await svc().view(s.lea, id, secret)).mine;
		expect(mine?.ballot).toEqual({ choice: metal });
		expect(mine?.confirmedAt).not.toBeNull();
	});
});
