import { and, asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db';
import { postgresData, sqliteData, type Data } from '../../db/data';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { freshPostgres } from '../../testing/postgres';
import { createConsultationsService } from '../consultations';
import { createVoteTraceKeeper, foldVoteTraces, type VoteTraceKeeperOptions } from './vote-traces';

let app: TestApp;

async function world(traces: Required<VoteTraceKeeperOptions>) {
	const { residence } = await createResidence(app, [
		{ name: 'Bâtiment A', dwellings: 3 },
		{ name: 'Bâtiment B', dwellings: 3 }
	]);
	const { data } = app.services.deps;
	const { households } = data.t;
	const homes = await data.db.select().from(households).where(eq(households.residenceId, residence.id)).orderBy(asc(households.label));
	const space = { type: 'residence' as const, id: residence.id };
	const tenant = (name: string, i: number) => createUser(app, { displayName: name, householdId: homes[i]!.id, roles: [{ ...space, role: 'tenant' }] });
	const voters = [await tenant('Amina', 0), await tenant('Karim', 3), await tenant('Léa', 4)];
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	const svc = createConsultationsService(app.services.deps, { uploadDir: () => app.dir, traces });
	const { id } = await svc.create(claire, {
		space,
		question: 'Quel banc ?',
		method: 'plurality',
		options: [{ label: 'Bois' }, { label: 'Métal' }],
		electorate: 'residence',
		secrecy: 'public',
		resultsVisibility: 'live',
		openNow: true
	});
	const options = (await svc.view(claire, id)).options.map((o) => o.id);
	return { residence, space, homes, voters, claire, svc, id, options };
}

/** The queue's rows and the votes' traces, as the database holds them now. */
async function state() {
	const { data } = app.services.deps;
	const { participationTraceQueue: q, participationTraces: tr } = data.t;
	const queued = await data.db.select().from(q);
	const traces = await data.db.select().from(tr).where(eq(tr.kind, 'voted')).orderBy(asc(tr.userId));
	return { queued, traces };
}

describe.each(testEngines)('votes’ traces of participation on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	it('a vote queues its trace; the fold writes the trace with the voter’s household as it is then, and empties the queue', async () => {
		const w = await world({ foldAt: 100, foldAfterMs: 60_000 });
		const { data } = app.services.deps;
		const { participations, users } = data.t;
		await Promise.all(w.voters.slice(0, 2).map((v, i) => w.svc.cast(v, { consultationId: w.id, ballot: { choice: w.options[i]! } })));
		let now = await state();
		expect(now.queued.map((r) => r.userId).sort()).toEqual([w.voters[0]!.id, w.voters[1]!.id].sort());
		expect(now.traces).toEqual([]);
		// "Which did she vote in" reads the queue too.
		expect((await w.svc.list(w.voters[0]!, w.space)).items.find((c) => c.id === w.id)?.voted).toBe(true);
		expect((await w.svc.list(w.voters[2]!, w.space)).items.find((c) => c.id === w.id)?.voted).toBe(false);
		// Karim moved to B-02 after he voted and before the fold: his trace carries where he lives now.
		await data.write((tx) => tx.update(users).set({ householdId: w.homes[4]!.id }).where(eq(users.id, w.voters[1]!.id)));
		expect(await foldVoteTraces(data)).toBe(2);
		now = await state();
		expect(now.queued).toEqual([]);
		const stored = await data.db.select().from(participations).where(eq(participations.consultationId, w.id));
		const expected = [
			{ voter: w.voters[0]!, home: w.homes[0]! },
			{ voter: w.voters[1]!, home: w.homes[4]! }
		].map(({ voter, home }) => {
			const p = stored.find((r) => r.userId === voter.id)!;
			return { kind: 'voted', sourceId: p.id, userId: voter.id, spaceResidenceId: w.residence.id, householdId: home.id, residenceId: home.residenceId, buildingId: home.buildingId, at: p.at };
		});
		expect(now.traces).toEqual(expected.sort((a, b) => (a.userId < b.userId ? -1 : 1)));
		expect((await w.svc.list(w.voters[0]!, w.space)).items.find((c) => c.id === w.id)?.voted).toBe(true);
		// Nothing queued: nothing written.
		expect(await foldVoteTraces(data)).toBe(0);
		expect((await state()).traces).toEqual(now.traces);
	});

	it('the votes’ unit leaves the traces to a fold, which runs once `foldAt` votes are queued', async () => {
		const w = await world({ foldAt: 2, foldAfterMs: 60_000 });
		await w.svc.cast(w.voters[0]!, { consultationId: w.id, ballot: { choice: w.options[0]! } });
		expect((await state()).queued).toHaveLength(1);
		await w.svc.cast(w.voters[1]!, { consultationId: w.id, ballot: { choice: w.options[1]! } });
		await vi.waitFor(async () => expect((await state()).queued).toEqual([]), { timeout: 5000, interval: 20 });
		expect((await state()).traces.map((t) => t.userId).sort()).toEqual([w.voters[0]!.id, w.voters[1]!.id].sort());
		await w.svc.flushBallotBox();
	});

	it('a vote waits `foldAfterMs` at most for its trace, however few votes came after it', async () => {
		const w = await world({ foldAt: 100, foldAfterMs: 300 });
		const cast = Date.now();
		await w.svc.cast(w.voters[0]!, { consultationId: w.id, ballot: { choice: w.options[0]! } });
		expect((await state()).queued).toHaveLength(1);
		await vi.waitFor(async () => expect((await state()).queued).toEqual([]), { timeout: 5000, interval: 20 });
		expect(Date.now() - cast).toBeGreaterThanOrEqual(300);
		expect((await state()).traces.map((t) => t.userId)).toEqual([w.voters[0]!.id]);
		await w.svc.flushBallotBox();
	});

	it('a queued participation deleted leaves no trace; one updated keeps the trace its update wrote, once', async () => {
		const w = await world({ foldAt: 100, foldAfterMs: 60_000 });
		const { data } = app.services.deps;
		const { participations, participationTraces: tr } = data.t;
		await Promise.all(w.voters.map((v, i) => w.svc.cast(v, { consultationId: w.id, ballot: { choice: w.options[i % 2]! } })));
		const rows = await data.db.select().from(participations).where(eq(participations.consultationId, w.id));
		const gone = rows.find((r) => r.userId === w.voters[0]!.id)!;
		const moved = rows.find((r) => r.userId === w.voters[1]!.id)!;
		const later = new Date(moved.at.getTime() + 60_000);
		await data.write(async (tx) => {
			await tx.delete(data.t.ballots).where(eq(data.t.ballots.participationId, gone.id));
			await tx.delete(participations).where(eq(participations.id, gone.id));
			await tx.update(participations).set({ at: later }).where(eq(participations.id, moved.id));
		});
		expect(await data.db.select().from(tr).where(and(eq(tr.kind, 'voted'), eq(tr.sourceId, moved.id)))).toHaveLength(1);
		expect(await foldVoteTraces(data)).toBe(3);
		const { queued, traces } = await state();
		expect(queued).toEqual([]);
		expect(traces.map((t) => [t.userId, t.at.getTime()]).sort()).toEqual(
			[
				[w.voters[1]!.id, later.getTime()],
				[w.voters[2]!.id, rows.find((r) => r.userId === w.voters[2]!.id)!.at.getTime()]
			].sort()
		);
	});
});

/** A migrated database of its own on `engine`, with a way to close it under a keeper and to remove it. */
async function handle(engine: (typeof testEngines)[number]): Promise<{ data: Data; dropQueue(): Promise<unknown>; close(): Promise<void>; remove(): Promise<void> }> {
	if (engine === 'sqlite') {
		const dir = mkdtempSync(join(tmpdir(), 'tib-traces-'));
		const db = openDatabase(join(dir, 'app.db'));
		const data = sqliteData(db);
		const close = async () => {
			await data.close();
			if (db.$client.open) db.$client.close();
		};
		const dropQueue = async () => db.$client.exec('drop table participation_trace_queue');
		return { data, dropQueue, close, remove: async () => (await close(), rmSync(dir, { recursive: true, force: true })) };
	}
	const pg = await freshPostgres('traces');
	const data = postgresData(pg.db);
	const dropQueue = () => pg.db.$client.query('drop table participation_trace_queue');
	return { data, dropQueue, close: () => data.close().catch(() => undefined), remove: () => pg.drop() };
}

describe.each(testEngines)('the votes’ traces keeper on %s', (engine) => {
	it('says nothing when its fold finds the database closed (a stopping server), and reports any other failure', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const failures = () => errors.mock.calls.filter((c) => String(c[0]).includes('folding the votes’ traces failed'));
		const closed = await handle(engine);
		const broken = await handle(engine);
		try {
			// Closed under it: drizzle's "Failed query" wraps the driver's "not open" / "after calling end".
			createVoteTraceKeeper(closed.data, { foldAt: 100, foldAfterMs: 20 }).noted(1);
			await closed.close();
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(failures()).toEqual([]);
			// A real failure (its queue is gone) is still reported.
			await broken.dropQueue();
			createVoteTraceKeeper(broken.data, { foldAt: 100, foldAfterMs: 20 }).noted(1);
			await vi.waitFor(() => expect(failures()).toHaveLength(1), { timeout: 5000, interval: 20 });
		} finally {
			errors.mockRestore();
			await closed.remove();
			await broken.remove();
		}
	});
});
