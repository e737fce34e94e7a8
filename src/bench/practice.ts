/**
 * Practice reset (issue 13): "well under a second for a scenario of 50 households". Times the
 * practice service's `reset` on the shipped L'Aventurière scenario (3 buildings, 50 households, 2
 * ideas with comments and co-edited descriptions, a prepared vote, 3 simulated people, 2 trainees),
 * with a real SQLite file: the run is closed and a new practice residence built and peopled. Each
 * reset's starting state is checked equal to the first (table by table, document by document).
 *
 * Floor, measured in the same run: inserting the same residence, buildings and 50 households in one
 * bare transaction (no validation, policy, audit, ideas, documents nor vote). The ratio says what the
 * rest of a reset costs on top of writing its biggest part.
 *
 *   npm run bench -- practice          BENCH_PRACTICE_RUNS=20
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { loadActor } from '../lib/server/auth/session';
import { transaction } from '../lib/server/db';
import { buildings, households, organisations, residences, trainingSessions } from '../lib/server/db/schema';
import { snapshotSpace } from '../lib/server/services/practice/snapshot';
import { createTestApp, createUser } from '../lib/server/testing';
import type { BenchRow } from './row';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchPractice(): Promise<BenchRow[]> {
	const runs = Number(process.env.BENCH_PRACTICE_RUNS ?? 20);
	const app = createTestApp();
	try {
		const { db, ids } = app.services.deps;
		const now = app.clock.now();
		db.insert(organisations).values({ id: 'org', slug: 'org', name: 'Org', kind: 'training', createdAt: now }).run();
		db.insert(trainingSessions).values({ id: 'tr', organisationId: 'org', slug: 'tr', name: 'Training', createdAt: now }).run();
		const trainer = await createUser(app, { roles: [{ type: 'training', id: 'tr', role: 'trainer' }] });
		const trainees = [await createUser(app, { roles: [{ type: 'training', id: 'tr', role: 'trainee' }] }), await createUser(app, { roles: [{ type: 'training', id: 'tr', role: 'trainee' }] })];
		const p = app.services.practice;
		const actor = async (id: string) => (await loadActor(app.services.deps.data, id))!;
		const { id } = await p.start(await actor(trainer.id), 'tr', { scenarioId: 'shipped:aventuriere:fr' });
		const code = (await p.session(await actor(trainer.id), id)).session.code!;
		for (const t of trainees) await p.join(await actor(t.id), 'tr', { code });
		const real = new Set([trainer.id, ...trainees.map((t) => t.id)]);
		const first = (await p.session(await actor(trainer.id), id)).run!;
		const reference = await snapshotSpace(app.services.deps.data, { type: 'residence', id: first.spaceId }, real);

		const resets: number[] = [];
		let unequal = 0;
		for (let i = 0; i < runs; i++) {
			const t0 = performance.now();
			await p.reset(await actor(trainer.id), id, { confirm: 'on' });
			resets.push(performance.now() - t0);
			const run = (await p.session(await actor(trainer.id), id)).run!;
			if (!isDeepStrictEqual(await snapshotSpace(app.services.deps.data, { type: 'residence', id: run.spaceId }, real), reference)) unequal++;
		}

		const floors: number[] = [];
		for (let i = 0; i < runs; i++) {
			const t0 = performance.now();
			transaction(db, (tx) => {
				const rid = ids.id();
				tx.insert(residences).values({ id: rid, organisationId: 'org', slug: `floor-${rid}`, name: 'Floor', practice: true, createdAt: now }).run();
				const bRows = ['a', 'b', 'c'].map((name, position) => ({ id: ids.id(), residenceId: rid, name, position }));
				tx.insert(buildings).values(bRows).run();
				tx.insert(households).values(Array.from({ length: 50 }, (_, n) => ({ id: ids.id(), residenceId: rid, buildingId: bRows[n % 3]!.id, label: `H-${n}` }))).run();
			});
			floors.push(performance.now() - t0);
		}
		const reset = median(resets);
		const floor = median(floors);
		return [
			{ name: 'reset 50 households (median)', value: reset, unit: 'ms' },
			{ name: 'reset 50 households (max)', value: Math.max(...resets), unit: 'ms' },
			{ name: 'reset / 1 s goal (median)', value: reset / 1000, unit: 'ratio' },
			{ name: 'floor: bare insert of the residence (median)', value: floor, unit: 'ms' },
			{ name: 'reset / floor', value: reset / floor, unit: 'ratio' },
			{ name: 'resets whose state differed from the first', value: unequal, unit: `of ${runs}` }
		];
	} finally {
		await app.close();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	for (const r of await benchPractice()) console.log(`${r.name.padEnd(48)} ${r.value.toFixed(2).padStart(10)} ${r.unit}`);
}
