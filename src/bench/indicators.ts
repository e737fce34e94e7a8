/**
 * Indicator pages on a landlord-sized residence (issue 14): 30,000 households in 30 buildings, one
 * tenant each, 2,000 ideas (a third prioritised, a sixth done), 20 votes with 200,000 ballots, an
 * activity with 100 sessions, seeded into a temporary SQLite file. Times each residence indicator's
 * query over a one-year period, then the whole page (`report`: every indicator and the surveys).
 *
 * Floor, measured in the same run: counting the 200,000 ballots of the period (`SELECT count(*) …
 * WHERE at in the period`, a full scan of the largest table an indicator reads; the bare
 * `SELECT count(*)` is printed too, but SQLite answers it without reading the rows). Ratios to that
 * floor and to the 300 ms goal per page are printed; nothing here is asserted.
 *
 *   npm run bench -- indicators        BENCH_INDICATORS_RUNS=5 BENCH_INDICATORS_HOUSEHOLDS=30000
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { loadActor } from '../lib/server/auth/session';
import { transaction } from '../lib/server/db';
import { buildings, consultations, households, memberships, organisations, participations, proposalEvents, proposals, residences, users, activities, activitySessions } from '../lib/server/db/schema';
import { indicatorsFor } from '../lib/server/services/indicators/definitions';
import { resolveScope } from '../lib/server/services/indicators/scope';
import { createTestApp } from '../lib/server/testing';

export interface BenchResult {
	name: string;
	value: number;
	unit: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const DAY = 86_400_000;

export async function benchIndicators(): Promise<BenchResult[]> {
	const runs = Number(process.env.BENCH_INDICATORS_RUNS ?? 5);
	const H = Number(process.env.BENCH_INDICATORS_HOUSEHOLDS ?? 30_000);
	const app = createTestApp();
	try {
		const { db } = app.services.deps;
		const now = app.clock.now();
		const start = now.getTime() - 365 * DAY;
		const at = (i: number, n: number) => new Date(start + Math.floor(((i * 7919) % n) / n * 360 * DAY));
		const t0 = performance.now();
		transaction(db, (tx) => {
			tx.insert(organisations).values({ id: 'org', slug: 'org', name: 'Bailleur', kind: 'landlord', createdAt: now }).run();
			tx.insert(residences).values({ id: 'res', organisationId: 'org', slug: 'res', name: 'Grande résidence', createdAt: now }).run();
			tx.insert(buildings).values(Array.from({ length: 30 }, (_, b) => ({ id: `b${b}`, residenceId: 'res', name: `Bâtiment ${b}`, position: b }))).run();
			tx.insert(users).values({ id: 'staff', username: 'staff', displayName: 'Staff', passwordHash: 'x', isAdmin: true, createdAt: now, passwordChangedAt: now }).run();
			for (let from = 0; from < H; from += 2000) {
				const n = Math.min(2000, H - from);
				const idx = Array.from({ length: n }, (_, k) => from + k);
				tx.insert(households).values(idx.map((i) => ({ id: `h${i}`, residenceId: 'res', buildingId: `b${i % 30}`, label: `H-${i}` }))).run();
				tx.insert(users).values(idx.map((i) => ({ id: `u${i}`, username: `u${i}`, displayName: `U ${i}`, passwordHash: 'x', householdId: `h${i}`, createdAt: now, passwordChangedAt: now }))).run();
				tx.insert(memberships).values(idx.map((i) => ({ id: `m${i}`, userId: `u${i}`, spaceType: 'residence' as const, spaceId: 'res', role: 'tenant' as const, createdAt: now }))).run();
			}
			for (let p = 0; p < 2000; p++) {
				const created = at(p, 2000);
				const status = p % 6 === 0 ? 'done' : p % 3 === 0 ? 'prioritised' : 'idea';
				tx.insert(proposals).values({ id: `p${p}`, spaceType: 'residence', spaceId: 'res', title: `Idée ${p}`, position: p, status, carriedBy: status === 'done' ? 'inhabitants' : null, authorId: `u${(p * 13) % H}`, createdAt: created, updatedAt: created }).run();
				if (status !== 'idea') tx.insert(proposalEvents).values({ proposalId: `p${p}`, at: new Date(created.getTime() + 5 * DAY), actorId: 'staff', kind: 'moved', data: { to: 'prioritised' } }).run();
				if (status === 'done') tx.insert(proposalEvents).values({ proposalId: `p${p}`, at: new Date(created.getTime() + 30 * DAY), actorId: 'staff', kind: 'moved', data: { to: 'done' } }).run();
			}
			for (let c = 0; c < 20; c++) {
				tx.insert(consultations).values({ id: `c${c}`, spaceType: 'residence', spaceId: 'res', question: `Vote ${c}`, method: 'plurality', electorate: 'residence', secrecy: 'public', resultsVisibility: 'live', status: 'closed', createdBy: 'staff', createdAt: at(c, 20) }).run();
				const voters = Math.min(10_000, H);
				for (let from = 0; from < voters; from += 2000) {
					const idx = Array.from({ length: Math.min(2000, voters - from) }, (_, k) => (from + k + c * 1500) % H);
					const when = new Date(at(c, 20).getTime() + DAY);
					tx.insert(participations).values(idx.map((i) => ({ id: `v${c}-${i}`, consultationId: `c${c}`, electorKey: `u:u${i}`, userId: `u${i}`, castBy: `u${i}`, channel: 'online' as const, householdId: `h${i}`, buildingId: `b${i % 30}`, at: when, updatedAt: when }))).run();
				}
			}
			tx.insert(activities).values({ id: 'a', spaceType: 'residence', spaceId: 'res', name: 'Jardin', kind: 'garden', createdBy: 'staff', createdAt: new Date(start) }).run();
			tx.insert(activitySessions).values(Array.from({ length: 100 }, (_, s) => ({ id: `s${s}`, activityId: 'a', heldAt: at(s, 100), headcount: 10 + (s % 7), recordedBy: 'staff', createdAt: now }))).run();
		});
		db.run(sql`ANALYZE`);
		const seeded = performance.now() - t0;

		const input = { type: 'residence', id: 'res' };
		const scope = await resolveScope(db, null, input, true);
		const period = app.services.indicators.periodOf({});
		const ctx = { db, scope, period };
		const time = async (fn: () => unknown) => {
			await fn(); // warm the page cache and the prepared statement
			const xs: number[] = [];
			for (let i = 0; i < runs; i++) {
				const t = performance.now();
				await fn();
				xs.push(performance.now() - t);
			}
			return median(xs);
		};
		const bare = await time(() => db.all(sql`SELECT count(*) FROM participations`));
		// SQLite answers a bare count from the b-tree's page counts; the same count over the period reads every row.
		const floor = await time(() => db.all(sql`SELECT count(*) FROM participations WHERE at >= ${period.start} AND at < ${period.end}`));
		const rows: BenchResult[] = [
			{ name: `seed: ${H} households, 2000 ideas, ${20 * Math.min(10_000, H)} ballots`, value: seeded, unit: 'ms' },
			{ name: 'bare SELECT count(*) FROM participations (median)', value: bare, unit: 'ms' },
			{ name: 'floor: count(*) of ballots in the period, full scan (median)', value: floor, unit: 'ms' }
		];
		for (const indicator of indicatorsFor('residence')) {
			// A fresh scope object per call: a report shares answers between its indicators, a bench run must not.
			const ms = await time(() => indicator.compute({ ...ctx, scope: { ...scope } }));
			rows.push({ name: `${indicator.id} (median)`, value: ms, unit: 'ms' }, { name: `${indicator.id} / floor`, value: ms / floor, unit: 'ratio' });
		}
		// The staff page's own call: scope and policy check, every indicator, the surveys.
		const admin = loadActor(db, 'staff')!;
		const page = await time(() => app.services.indicators.report(admin, input));
		rows.push({ name: 'whole page, every indicator (median)', value: page, unit: 'ms' }, { name: 'whole page / floor', value: page / floor, unit: 'ratio' }, { name: 'whole page / 300 ms goal', value: page / 300, unit: 'ratio' });
		return rows;
	} finally {
		app.close();
	}
}
