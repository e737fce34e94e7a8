/**
 * Vote intake benchmark: one consultation, 10,000 voters, every vote cast through the consultations
 * service (zod, policy, eligibility, one durable transaction with participation + ballot + audit,
 * live tally update and snapshot publish) on SQLite in WAL mode with synchronous=FULL. The baseline
 * is a bare better-sqlite3 loop of one-row autocommit inserts with the same pragmas: the ratio says
 * what the service costs on top of the fsync every acknowledged vote needs anyway.
 * Also: the live-tally update cost per vote (add + result), for plurality and Schulze over 10 options.
 *
 *   npm run bench -- votes
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadActor } from '../lib/server/auth/session';
import { openDatabase } from '../lib/server/db';
import { memberships, users } from '../lib/server/db/schema';
import { randomIds, systemClock } from '../lib/server/ids';
import { createLocalBus } from '../lib/server/realtime/bus';
import { createServices } from '../lib/server/services';
import { createTally, type Ballot, type ElectionConfig } from '../lib/domain/voting/index';

const VOTERS = 10_000;

interface Row {
	name: string;
	value: number;
	unit: string;
}

async function serviceIntake(dir: string): Promise<{ perSecond: number; count: number }> {
	const db = openDatabase(join(dir, 'app.db'));
	const services = createServices({ db, clock: systemClock, ids: randomIds, bus: createLocalBus() });
	const now = new Date();
	const adminId = randomIds.id();
	db.insert(users).values({ id: adminId, username: 'bench-admin', displayName: 'Admin', passwordHash: '-', isAdmin: true, createdAt: now, passwordChangedAt: now }).run();
	const admin = loadActor(db, adminId)!;
	const org = services.admin.createOrganisation(admin, { name: 'Bailleur bench', kind: 'landlord' });
	const residence = services.admin.createResidence(admin, {
		organisationId: org.id,
		name: 'Résidence bench',
		buildings: Array.from({ length: 10 }, (_, i) => ({ name: `Bâtiment ${i + 1}`, dwellings: 1000 }))
	});
	const homes = db.$client.prepare('select id from households where residence_id = ?').all(residence.id) as { id: string }[];
	const voterIds: string[] = [];
	db.transaction((tx) => {
		for (let i = 0; i < VOTERS; i++) {
			const id = randomIds.id();
			voterIds.push(id);
			tx.insert(users).values({ id, username: `voter-${i}`, displayName: `Voter ${i}`, passwordHash: '-', householdId: homes[i % homes.length]!.id, createdAt: now, passwordChangedAt: now }).run();
			tx.insert(memberships).values({ id: randomIds.id(), userId: id, spaceType: 'residence', spaceId: residence.id, role: 'tenant', createdAt: now }).run();
		}
		const fid = randomIds.id();
		tx.insert(users).values({ id: fid, username: 'facilitator', displayName: 'Facilitator', passwordHash: '-', createdAt: now, passwordChangedAt: now }).run();
		tx.insert(memberships).values({ id: randomIds.id(), userId: fid, spaceType: 'residence', spaceId: residence.id, role: 'facilitator', createdAt: now }).run();
		voterIds.push(fid);
	});
	const facilitator = loadActor(db, voterIds.pop()!)!;
	const { id } = services.consultations.create(facilitator, {
		space: { type: 'residence', id: residence.id },
		question: 'Quel banc ?',
		method: 'plurality',
		options: [{ label: 'Bois' }, { label: 'Métal' }, { label: 'Béton' }],
		electorate: 'residence',
		secrecy: 'secret',
		resultsVisibility: 'live',
		openNow: true
	});
	const options = services.consultations.view(facilitator, id).options.map((o) => o.id);
	const actors = voterIds.map((v) => loadActor(db, v)!);
	const start = performance.now();
	actors.forEach((actor, i) => services.consultations.cast(actor, { consultationId: id, ballot: { choice: options[i % options.length] } }));
	const seconds = (performance.now() - start) / 1000;
	const count = (db.$client.prepare('select count(*) as n from ballots').get() as { n: number }).n;
	db.$client.close();
	return { perSecond: VOTERS / seconds, count };
}

function bareIntake(dir: string): number {
	const client = new Database(join(dir, 'bare.db'));
	client.pragma('journal_mode = WAL');
	client.pragma('synchronous = FULL');
	client.exec('create table votes (id integer primary key, voter text not null unique, content text not null)');
	const insert = client.prepare('insert into votes (voter, content) values (?, ?)');
	const start = performance.now();
	for (let i = 0; i < VOTERS; i++) insert.run(`voter-${i}`, JSON.stringify({ choice: `o${i % 3}` }));
	const seconds = (performance.now() - start) / 1000;
	client.close();
	return VOTERS / seconds;
}

/** µs per vote for `tally.add` followed by `tally.result()` (what a live update pays). */
function tallyCost(config: ElectionConfig, ballot: (i: number) => Ballot): number {
	const tally = createTally(config);
	const start = performance.now();
	for (let i = 0; i < VOTERS; i++) {
		tally.add(ballot(i));
		tally.result();
	}
	return ((performance.now() - start) * 1000) / VOTERS;
}

export async function benchVotes(): Promise<Row[]> {
	const dir = mkdtempSync(join(tmpdir(), 'tib-bench-votes-'));
	try {
		const service = await serviceIntake(dir);
		if (service.count !== VOTERS) throw new Error(`expected ${VOTERS} ballots, found ${service.count}`);
		const bare = bareIntake(dir);
		const ids = Array.from({ length: 10 }, (_, i) => `o${i}`);
		const options = ids.map((id) => ({ id, label: id }));
		const plurality = tallyCost({ method: 'plurality', options }, (i) => ({ choice: ids[i % 10]! }));
		const schulze = tallyCost({ method: 'schulze', options }, (i) => ({ ranking: ids.map((_, k) => [ids[(i + k * 3) % 10]!]) }));
		return [
			{ name: 'service votes/s (10k voters, WAL+FULL)', value: service.perSecond, unit: 'votes/s' },
			{ name: 'bare insert rows/s (WAL+FULL)', value: bare, unit: 'rows/s' },
			{ name: 'service / bare', value: service.perSecond / bare, unit: 'ratio' },
			{ name: 'live tally add+result, plurality', value: plurality, unit: 'µs/vote' },
			{ name: 'live tally add+result, schulze 10 opt', value: schulze, unit: 'µs/vote' }
		];
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
