/**
 * Vote intake benchmark: votes cast through the consultations service (zod, policy, eligibility,
 * the group-committed ballot box with participation + ballot + audit, live tally update and publish)
 * on SQLite in WAL mode (the connection at synchronous=NORMAL, each ballot-box unit committed at FULL:
 * `data.write(…, { durable: true })`), by 10, 100 and 1,000 concurrent voters. Each voter is
 * acknowledged only after the transaction holding her vote has committed, so time-to-acknowledge
 * includes waiting for the group. The floor is a bare better-sqlite3 loop of one-row autocommit
 * inserts with the same pragmas (what one fsync per vote costs), run just before and just after each
 * level (a fresh file each time): the disk's fsync time drifts by a factor of two within a minute on
 * a shared machine, so each level's ratio is taken against the mean of the two floors beside it.
 * Each service run opens with warm-up consultations of their own (BENCH_VOTES_WARMUP_ROUNDS, 2 by
 * default, of 3,000 votes each, 10 at a time, reported apart and not compared): the process's first
 * votes compile the path they take, which a server that takes votes for months does once. It takes
 * thousands of votes: the 10-voter level on tmpfs, run again and again in one process after 300 votes,
 * went 6,165 · 7,000 · 8,579 · 10,658 · 9,960 · 9,716 votes/s (public), and flat at ~6,400 with V8's
 * optimising compiler off (`--no-opt`), so the climb is the compiler's. With 300 votes of warm-up (the
 * earlier setting), the 10-voter level, measured first, was measured on code still being optimised.
 * Each level counts the WAL pages its commits write, per vote, beside the floor's for one insert: at 10
 * voters a unit holds 10 votes, and its pages (random places in the ballots' and participations'
 * indexes, the indicators' traces) are what its commit writes and syncs, where the floor syncs one row's.
 * What the disk charges: a durable commit's sync and each WAL page it writes, fitted from bare commits
 * of 1 and 20 rows (diskCosts); with them each level prints the most votes/s its pages and its votes per
 * commit allow were its CPU free, against the floor: under 1, no saving of CPU can meet goal 1 there.
 * Where the 10-voter level's time goes: the same level run again with the database on tmpfs (/dev/shm,
 * memory: writes are copies and syncs do nothing), beside the floor's loop run there too. Not compared
 * to anything: it says how fast the vote path's own work goes when the disk costs nothing.
 * Also: the live-tally update cost per vote (add + result), for plurality and Schulze over 10 options,
 * in one run on a fresh tally (its first votes may still be compiling; voting-count.ts has the warm median).
 *
 *   npm run bench -- votes
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadActor, type SessionUser } from '../lib/server/auth/session';
import { openDatabase } from '../lib/server/db';
import { memberships, users } from '../lib/server/db/schema';
import { randomIds, systemClock } from '../lib/server/ids';
import { createLocalBus } from '../lib/server/realtime/bus';
import { createServices } from '../lib/server/services';
import { createTally, type Ballot, type ElectionConfig } from '../lib/domain/voting/index';
import { atLeast, type BenchRow } from './row';

const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(",").map(Number) : [10, 100, 1000];
/**
 * The writer's level for the service runs: NORMAL (what the app opens; votes' units go to FULL on
 * their own). BENCH_VOTES_SYNC=NORMAL,FULL also runs every level with the whole writer at FULL (every
 * commit fsynced, as before issue 15), in the same run.
 */
type SyncLevel = 'NORMAL' | 'FULL';
const SYNC_LEVELS: SyncLevel[] = (() => {
	const list = (process.env.BENCH_VOTES_SYNC ?? 'NORMAL')
		.split(',')
		.map((s) => s.trim().toUpperCase())
		.filter((s): s is SyncLevel => s === 'NORMAL' || s === 'FULL');
	return list.length ? list : ['NORMAL'];
})();
/** Votes per level: enough for the 1,000-voter level to run several groups. */
const VOTES_PER_LEVEL = 3000;
/** Warm-up consultations each service run opens with, VOTES_PER_LEVEL votes each (not compared to the floor). */
const WARMUP_ROUNDS = Math.max(1, Number(process.env.BENCH_VOTES_WARMUP_ROUNDS ?? 2) || 2);
/** Rows of the untimed run that counts the WAL pages of the floor's insert. */
const PAGE_COUNT_ROWS = 300;

interface Intake {
	/** The floor's rows/s just before and just after this level. */
	floor: [number, number];
	/** The WAL pages the level's commits wrote, per vote. */
	pagesPerVote: number;
	/** Votes per commit that wrote to the WAL (the level's units, with the few other commits beside them). */
	votesPerCommit: number;
	/** Waiting, after the opening, for its notifications to the electors to be written and published. */
	notifyMs: number;
	perSecond: number;
	p99: number;
	count: number;
}

/**
 * Counts the pages a database's commits write to its WAL, from the frame count SQLite keeps in the
 * wal-index (the -shm file: `mxFrame`, 4 bytes at offset 16 of its header, in the machine's byte
 * order): read after each commit, it grows by the commit's frames, or starts again from 0 when the WAL
 * was restarted or truncated.
 */
function walFrameCounter(file: string) {
	const fd = openSync(`${file}-shm`, 'r');
	const word = Buffer.alloc(4);
	const little = endianness() === 'LE';
	const read = () => (readSync(fd, word, 0, 4, 16), little ? word.readUInt32LE(0) : word.readUInt32BE(0));
	let last = read();
	let frames = 0;
	let commits = 0;
	return {
		tick() {
			const now = read();
			const written = now >= last ? now - last : now;
			frames += written;
			if (written > 0) commits++;
			last = now;
			return written;
		},
		/** Commits seen that wrote a frame or more. */
		commits: () => commits,
		close() {
			closeSync(fd);
			return frames;
		}
	};
}

const p99 = (list: number[]) => [...list].sort((x, y) => x - y)[Math.min(list.length - 1, Math.floor(list.length * 0.99))]!;

async function serviceIntake(
	dir: string,
	secrecy: 'secret' | 'public',
	sync: SyncLevel,
	floor: () => number,
	levels: number[] = LEVELS
): Promise<{ levels: Intake[]; warmUp: { perSecond: number; count: number }[] }> {
	const db = openDatabase(join(dir, `app-${secrecy}-${sync}.db`));
	// Before createServices: the data handle takes the writer's level as its own.
	if (sync === 'FULL') db.$client.pragma('synchronous = FULL');
	const services = createServices({ db, clock: systemClock, ids: randomIds, bus: createLocalBus() });
	const now = new Date();
	const adminId = randomIds.id();
	db.insert(users).values({ id: adminId, username: 'bench-admin', displayName: 'Admin', passwordHash: '-', isAdmin: true, createdAt: now, passwordChangedAt: now }).run();
	const admin = (await loadActor(services.deps.data, adminId))!;
	const org = await services.admin.createOrganisation(admin, { name: 'Bailleur bench', kind: 'landlord' });
	const residence = await services.admin.createResidence(admin, {
		organisationId: org.id,
		name: 'Résidence bench',
		buildings: Array.from({ length: 4 }, (_, i) => ({ name: `Bâtiment ${i + 1}`, dwellings: 1000 }))
	});
	const homes = db.$client.prepare('select id from households where residence_id = ?').all(residence.id) as { id: string }[];
	const voterIds: string[] = [];
	db.transaction((tx) => {
		for (let i = 0; i < VOTES_PER_LEVEL; i++) {
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
	const facilitator = (await loadActor(services.deps.data, voterIds.pop()!))!;
	const actors: SessionUser[] = [];
	for (const v of voterIds) actors.push((await loadActor(services.deps.data, v))!);
	const out: Intake[] = [];
	/**
	 * One level: a fresh consultation, `level` voters at a time; `voters` of the actors each vote once.
	 * The WAL pages the votes' commits write are counted too: a read of 4 bytes of the -shm file after
	 * each commit, a few µs a unit of 1-3 ms.
	 */
	const intake = async (level: number, voters: SessionUser[], question: string) => {
		const { id } = await services.consultations.create(facilitator, {
			space: { type: 'residence', id: residence.id },
			question,
			method: 'plurality',
			options: [{ label: 'Bois' }, { label: 'Métal' }, { label: 'Béton' }],
			electorate: 'residence',
			countBy: 'person',
			secrecy,
			resultsVisibility: 'live',
			openNow: true
		});
		const options = (await services.consultations.view(facilitator, id)).options.map((o) => o.id);
		// The opening tells the 3,000 electors (one unit of notifications, then their payloads): that
		// is the opening's cost, not the intake's; left running it sat ahead of the first group.
		const opened = performance.now();
		await services.settled();
		const notifyMs = performance.now() - opened;
		const latencies: number[] = [];
		let next = 0;
		// `level` voters at a time: each casts, waits for her acknowledgement, and the next takes her place.
		const voter = async () => {
			while (next < voters.length) {
				const i = next++;
				const t0 = performance.now();
				await services.consultations.cast(voters[i]!, { consultationId: id, ballot: { choice: options[i % options.length] } });
				latencies.push(performance.now() - t0);
			}
		};
		const counter = walFrameCounter(db.$client.name);
		const unsubscribe = services.deps.data.onCommit(() => counter.tick());
		const start = performance.now();
		await Promise.all(Array.from({ length: level }, voter));
		const seconds = (performance.now() - start) / 1000;
		unsubscribe();
		const frames = counter.close();
		const count = (db.$client.prepare('select count(*) as n from ballots where consultation_id = ?').get(id) as { n: number }).n;
		await services.consultations.close(facilitator, { consultationId: id });
		return { perSecond: voters.length / seconds, p99: p99(latencies), count, notifyMs, pagesPerVote: frames / voters.length, votesPerCommit: voters.length / Math.max(1, counter.commits()) };
	};
	// A server takes votes for months: the first votes of the process, which compile the path they
	// take, are consultations of their own before the levels (reported apart, not compared).
	const warmUp: { perSecond: number; count: number }[] = [];
	for (let round = 1; round <= WARMUP_ROUNDS; round++) warmUp.push(await intake(10, actors, `Quel banc ? (mise en route ${round})`));
	let before = floor();
	for (const level of levels) {
		const run = await intake(level, actors, `Quel banc ? (${level})`);
		const after = floor();
		out.push({ ...run, floor: [before, after] });
		before = after;
	}
	await services.consultations.flushBallotBox();
	await services.settled();
	db.$client.close();
	return { levels: out, warmUp };
}

/** The floor's database: a fresh WAL file at FULL, one table, and its one-row insert (`vote(i)`). */
function bareDatabase(file: string) {
	const client = new Database(file);
	client.pragma('journal_mode = WAL');
	client.pragma('synchronous = FULL');
	client.exec('create table votes (id integer primary key, voter text not null unique, content text not null)');
	const insert = client.prepare('insert into votes (voter, content) values (?, ?)');
	return {
		vote: (i: number) => insert.run(`voter-${i}`, JSON.stringify({ choice: `o${i % 3}` })),
		remove() {
			client.close();
			for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
		}
	};
}

let bareRuns = 0;
function bareIntake(dir: string): { perSecond: number; p99: number } {
	const bare = bareDatabase(join(dir, `bare-${++bareRuns}.db`));
	const latencies: number[] = [];
	const start = performance.now();
	for (let i = 0; i < VOTES_PER_LEVEL; i++) {
		const t0 = performance.now();
		bare.vote(i);
		latencies.push(performance.now() - t0);
	}
	const seconds = (performance.now() - start) / 1000;
	bare.remove();
	return { perSecond: VOTES_PER_LEVEL / seconds, p99: p99(latencies) };
}

/** The WAL pages one row of the floor's loop writes (an untimed run of its own, counted as the levels' are). */
function barePagesPerRow(dir: string): number {
	const file = join(dir, 'bare-pages.db');
	const bare = bareDatabase(file);
	const counter = walFrameCounter(file);
	for (let i = 0; i < PAGE_COUNT_ROWS; i++) {
		bare.vote(i);
		counter.tick();
	}
	const frames = counter.close();
	bare.remove();
	return frames / PAGE_COUNT_ROWS;
}

/**
 * What this disk charges for a durable commit, fitted from commits of 1 and of 20 rows, alternated on
 * a file of its own: a fixed part (the commit's sync) and a part per WAL page written. Each row has a
 * random key in the table and in a unique index over 20,000 rows, so it writes two random leaf pages,
 * as a vote's index entries do. With them, `bound` says how many votes/s a level's pages allow at
 * most were its CPU free: a commit of n votes of p pages each costs at least sync + n·p·page. That is
 * what the floor's loop is up against too (its one row a commit, ~2 pages), so a level whose bound is
 * under the floor cannot meet goal 1 on this disk by any saving of CPU, only by writing fewer pages.
 */
function diskCosts(dir: string): { syncUs: number; pageUs: number } {
	const file = join(dir, 'disk-costs.db');
	const client = new Database(file);
	client.pragma('journal_mode = WAL');
	client.exec('create table rows (id integer primary key, key text not null unique, content text not null)');
	const insert = client.prepare('insert into rows (id, key, content) values (?, ?, ?)');
	const random = () => randomIds.bytes(6).reduce((n, b) => n * 256 + b, 0);
	const rows = client.transaction((n: number) => {
		for (let i = 0; i < n; i++) insert.run(random(), randomIds.id(), JSON.stringify({ choice: `o${i % 3}` }));
	});
	for (let i = 0; i < 200; i++) rows(100);
	client.pragma('wal_checkpoint(TRUNCATE)');
	client.pragma('synchronous = FULL');
	const counter = walFrameCounter(file);
	const sizes = [1, 20] as const;
	const sum = new Map<number, { us: number; frames: number; n: number }>(sizes.map((k) => [k, { us: 0, frames: 0, n: 0 }]));
	for (let round = 0; round < 300; round++) {
		for (const k of sizes) {
			const t0 = performance.now();
			rows(k);
			const us = (performance.now() - t0) * 1000;
			const at = sum.get(k)!;
			at.us += us;
			at.frames += counter.tick();
			at.n++;
		}
	}
	counter.close();
	client.close();
	for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
	const [one, many] = sizes.map((k) => {
		const at = sum.get(k)!;
		return { us: at.us / at.n, frames: at.frames / at.n };
	}) as [{ us: number; frames: number }, { us: number; frames: number }];
	const pageUs = (many.us - one.us) / (many.frames - one.frames);
	return { pageUs, syncUs: one.us - pageUs * one.frames };
}

/** The most votes/s a level's pages allow on this disk were its CPU free (see diskCosts). */
const bound = (disk: { syncUs: number; pageUs: number }, level: Pick<Intake, 'pagesPerVote' | 'votesPerCommit'>) =>
	1e6 / (disk.syncUs / level.votesPerCommit + disk.pageUs * level.pagesPerVote);

/**
 * The 10-voter level with no disk to wait for: the database on tmpfs, where a write is a copy in memory
 * and fsync returns at once, and the floor's loop there too. What is left is each side's own work.
 */
async function withoutDisk(): Promise<BenchRow[]> {
	if (!existsSync('/dev/shm')) return [];
	const dir = mkdtempSync(join('/dev/shm', 'tib-bench-votes-'));
	try {
		const bare = bareIntake(dir).perSecond;
		const rows: BenchRow[] = [{ name: 'floor loop on tmpfs (no disk; not compared)', value: bare, unit: 'rows/s' }];
		for (const secrecy of ['secret', 'public'] as const) {
			const { levels } = await serviceIntake(dir, secrecy, 'NORMAL', () => 0, [10]);
			if (levels[0]!.count !== VOTES_PER_LEVEL) throw new Error(`expected ${VOTES_PER_LEVEL} ballots on tmpfs, found ${levels[0]!.count}`);
			rows.push({ name: `${secrecy} votes, 10 concurrent, on tmpfs (no disk; not compared)`, value: levels[0]!.perSecond, unit: 'votes/s' });
		}
		return rows;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** µs per vote for `tally.add` followed by `tally.result()` (what a live update pays). */
function tallyCost(config: ElectionConfig, ballot: (i: number) => Ballot): number {
	const tally = createTally(config);
	const start = performance.now();
	for (let i = 0; i < VOTES_PER_LEVEL; i++) {
		tally.add(ballot(i));
		tally.result();
	}
	return ((performance.now() - start) * 1000) / VOTES_PER_LEVEL;
}

export async function benchVotes(): Promise<BenchRow[]> {
	const dir = mkdtempSync(join(tmpdir(), 'tib-bench-votes-'));
	try {
		const bare = bareIntake(dir);
		const floors: number[] = [bare.perSecond];
		const floor = () => {
			const r = bareIntake(dir).perSecond;
			floors.push(r);
			return r;
		};
		const disk = diskCosts(dir);
		const rows: BenchRow[] = [
			{ name: 'floor: bare insert p99 (first run)', value: bare.p99, unit: 'ms' },
			{ name: 'floor: WAL pages one bare insert writes', value: barePagesPerRow(dir), unit: 'pages' },
			{ name: "disk: a durable commit's sync (fitted from 1- and 20-row commits)", value: disk.syncUs, unit: 'µs' },
			{ name: 'disk: each WAL page a durable commit writes (same fit)', value: disk.pageUs, unit: 'µs' }
		];
		for (const sync of SYNC_LEVELS) {
			for (const secrecy of ['secret', 'public'] as const) {
				const { levels: results, warmUp } = await serviceIntake(dir, secrecy, sync, floor);
				warmUp.forEach((round, i) => {
					if (round.count !== VOTES_PER_LEVEL) throw new Error(`expected ${VOTES_PER_LEVEL} warm-up ballots, found ${round.count}`);
					rows.push({
						name: `${secrecy} votes${sync === 'FULL' ? ', writer at FULL' : ''}: warm-up round ${i + 1} of ${warmUp.length}, ${VOTES_PER_LEVEL} votes (10 concurrent, compiling; not compared)`,
						value: round.perSecond,
						unit: 'votes/s'
					});
				});
				results.forEach((r, i) => {
					if (r.count !== VOTES_PER_LEVEL) throw new Error(`expected ${VOTES_PER_LEVEL} ballots, found ${r.count}`);
					const label = `${secrecy} votes, ${LEVELS[i]} concurrent${sync === 'FULL' ? ', writer at FULL' : ''}`;
					const beside = (r.floor[0] + r.floor[1]) / 2;
					rows.push(
						{ name: `${label}: floor beside it (mean of before ${Math.round(r.floor[0])}, after ${Math.round(r.floor[1])})`, value: beside, unit: 'rows/s' },
						{ name: `${label}: votes/s`, value: r.perSecond, unit: 'votes/s' },
						{ name: `${label}: p99 time-to-ack`, value: r.p99, unit: 'ms' },
						{ name: `${label}: WAL pages written per vote (floor: one insert's)`, value: r.pagesPerVote, unit: 'pages' },
						{ name: `${label}: votes per commit`, value: r.votesPerCommit, unit: 'votes' },
						{ name: `${label}: the most its pages allow were the CPU free (sync / votes per commit + pages × page) / bare`, value: bound(disk, r) / beside, unit: 'ratio' },
						{ name: `${label}: / bare`, value: r.perSecond / beside, unit: 'ratio', ...(sync === 'NORMAL' ? { goal: atLeast(1, 1) } : {}) },
						{ name: `${label}: opening's notifications (before timing)`, value: r.notifyMs, unit: 'ms' }
					);
				});
			}
		}
		rows.push(...(await withoutDisk()));
		const sorted = [...floors].sort((x, y) => x - y);
		rows.unshift(
			{ name: `floor: bare insert rows/s (WAL+FULL), median of ${floors.length} runs`, value: sorted[Math.floor(sorted.length / 2)]!, unit: 'rows/s' },
			{ name: 'floor: lowest / highest of those runs', value: sorted[0]! / sorted[sorted.length - 1]!, unit: 'ratio' }
		);
		const ids = Array.from({ length: 10 }, (_, i) => `o${i}`);
		const options = ids.map((id) => ({ id, label: id }));
		const plurality = tallyCost({ method: 'plurality', options }, (i) => ({ choice: ids[i % 10]! }));
		const schulze = tallyCost({ method: 'schulze', options }, (i) => ({ ranking: ids.map((_, k) => [ids[(i + k * 3) % 10]!]) }));
		return [
			...rows,
			// One run on a fresh tally, whose first votes may still be compiling the method's code: goal 2's
			// figure is voting-count's median of warm runs (`npm run bench -- voting-count`), which prints
			// its first run apart too.
			{ name: `live tally add+result, plurality (one run of ${VOTES_PER_LEVEL.toLocaleString('en')} votes on a fresh tally)`, value: plurality, unit: 'µs/vote' },
			{ name: `live tally add+result, schulze 10 opt (one run of ${VOTES_PER_LEVEL.toLocaleString('en')} votes on a fresh tally)`, value: schulze, unit: 'µs/vote' }
		];
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
