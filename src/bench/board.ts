/**
 * Live residence board: N members with the board open (real socket.io-client connections, signed in
 * with their own session cookie, joined to the board as the browser does), each supporting,
 * withdrawing their support or commenting once a second, start times spread evenly over the second.
 * Each action goes through the proposals service in-process, as the form action calls it (zod,
 * policy, transaction, audit, notifications, publish after commit), then the bus and the hub's
 * socket.io room fan-out. Latency = from just before the service call to the moment the LAST of the
 * N clients has received the matching `proposal.updated` event.
 *
 * The clients live in P child processes (board-clients.ts; BENCH_BOARD_PROCS, 2 by default), so the
 * server process keeps the core the clients do not use; each child reports when all of its sockets
 * have an action, with one clock for the whole machine.
 *
 * Baseline: the same N clients, in child processes the same way, on a bare socket.io server in this
 * process (no auth, no database, no connection state recovery), the server emitting a
 * `proposal.updated` of the same shape (a real card captured from the app run) to one room at the
 * same rate. The ratio says what the app adds on top of socket.io's own fan-out.
 *
 * N members at one action a second make N² deliveries a second for the clients to decode. When the
 * machine cannot keep up, slots more than a second late are dropped and counted, and an action not
 * seen by every client within 10 s counts as timed out, so the achieved rate is reported next to the
 * latencies rather than hidden in them.
 *
 * Each member acting once a second asks N actions a second, N² deliveries: at 500 and 1,000 members
 * neither the app nor bare socket.io keeps up on a small machine, and the latencies then measure how
 * fast the queue grows over the run more than what a fan-out costs. So each size also runs at a steady
 * BENCH_BOARD_RATE actions a second in all (20 by default, one every 50 ms: a busy meeting; 0 skips it)
 * for BENCH_BOARD_STEADY_SECONDS (30: 600 actions, so that the p99 is not the second-slowest of 200),
 * on the same connections just before the main run: the fan-out's cost at a load both sides carry.
 * The app and the baseline take turns in it (`interleaved`): BENCH_BOARD_STEADY_BLOCKS rounds (6) of
 * one block each, app first in even rounds and baseline first in odd ones, both servers and both sets
 * of members up meanwhile. Run one after the other, each side had its own 30 s of a shared machine,
 * and the ratio moved from 0.7 to 2.4 between runs with nothing changed in its path; taking turns
 * every few seconds, both sides meet the same machine.
 *
 * The app's writer runs at `synchronous=NORMAL` (board writes are not votes: db/data.ts). With
 * BENCH_BOARD_SYNC=NORMAL,FULL the board also runs with its writer at FULL (every support and comment
 * fsynced, as before issue 15), in the same run and against the same baseline, to show what it costs.
 *
 * The server CPU spent inside the service calls is split into the bus's publish (the hub's emit to
 * the room and the followers' notifications) and the rest. BENCH_BOARD_HUB=1 adds a run whose actions
 * publish their idea's card on the bus as the service would, without calling it: the app's realtime
 * side alone (authenticated sockets, rooms, connection state recovery, the hub) against bare socket.io.
 *
 * Before the first size, the service path is warmed up (warmUpServicePath: BENCH_BOARD_WARMUP_CALLS
 * actions back to back, 3,000 by default), as in a server that has been up a while: the sizes' own
 * warm-ups are a few dozen actions, and the first size (100 members) met code still being optimised.
 *
 * After the sizes, with a steady rate, `idlePenalty`: the service call alone, back to back and at the
 * steady pace, and a plain memory read the same two ways, to show what an idle core costs the call.
 *
 *   npm run bench -- board          BENCH_BOARD_WARMUP_CALLS=3000 BENCH_BOARD_N=100,500 BENCH_BOARD_SECONDS=10 BENCH_BOARD_PROCS=2 BENCH_BOARD_RATE=20 BENCH_BOARD_STEADY_SECONDS=30 BENCH_BOARD_STEADY_BLOCKS=6 BENCH_BOARD_SYNC=NORMAL,FULL BENCH_BOARD_HUB=1 npx tsx src/bench/board.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Server } from 'socket.io';
import type { BoardCard, ProposalUpdate } from '../lib/realtime/board-events';
import { roomForSpace, type ServerToClientEvents } from '../lib/realtime/events';
import type { SessionUser } from '../lib/server/auth/session';
import { sessionCookie, createResidence, createTestApp, createUser, startRealtimeServer } from '../lib/server/testing';
import { ACTION_TIMEOUT_MS, drive, envNumbers, kindOf, percentile, pool, PROPOSALS, SETUP_TIMEOUT_MS, sleep, Tracker, WARMUP_SECONDS, withTimeout, type LoadResult } from './board-load';
import { toLocal } from './machine-clock';
import { atMost, type BenchRow } from './row';

const PROCS = envNumbers('BENCH_BOARD_PROCS', [2])[0]!;
/** BENCH_BOARD_WARMUP_CALLS: the service path's warm-up before the first size (warmUpServicePath; 0: none). */
const WARMUP_CALLS = (() => {
	const calls = Number(process.env.BENCH_BOARD_WARMUP_CALLS ?? 3000);
	return Number.isFinite(calls) && calls > 0 ? Math.round(calls) : 0;
})();
/**
 * BENCH_BOARD_HUB=1: one more run per size whose actions publish their idea's card on the bus
 * without calling the service, to tell the app's realtime side from its service.
 */
const HUB_RUN = process.env.BENCH_BOARD_HUB === '1';
/** BENCH_BOARD_RATE: the steady run's actions a second, all members together (0: no steady run). */
const STEADY_RATE = (() => {
	const rate = Number(process.env.BENCH_BOARD_RATE ?? 20);
	return Number.isFinite(rate) && rate > 0 ? rate : 0;
})();
/** BENCH_BOARD_STEADY_SECONDS: long enough for a p99 that is not one or two actions (600 at 20/s). */
const STEADY_SECONDS = envNumbers('BENCH_BOARD_STEADY_SECONDS', [30])[0]!;
/** BENCH_BOARD_STEADY_BLOCKS: the steady run's rounds, each one block of the app and one of the baseline. */
const STEADY_BLOCKS = envNumbers('BENCH_BOARD_STEADY_BLOCKS', [6])[0]!;
/** Before each later block of a side, unmeasured: the other side's last actions have all landed (drive drains them). */
const TURN_WARMUP_SECONDS = 0.5;
type SyncLevel = 'NORMAL' | 'FULL';
const SYNC_LEVELS: SyncLevel[] = (() => {
	const list = (process.env.BENCH_BOARD_SYNC ?? 'NORMAL')
		.split(',')
		.map((s) => s.trim().toUpperCase())
		.filter((s): s is SyncLevel => s === 'NORMAL' || s === 'FULL');
	return list.length ? list : ['NORMAL'];
})();

type ChildMessage =
	| { type: 'ready'; settled: boolean }
	| { type: 'joined' }
	| { type: 'error'; message: string }
	| { type: 'sample'; card: BoardCard }
	| { type: 'done'; items: [string, number, number][] };

/** The members' sockets, spread over child processes (board-clients.ts). */
class Members {
	readonly #children: ChildProcess[] = [];
	tracker: Tracker | null = null;
	sample: BoardCard | null = null;

	get parts() {
		return this.#children.length;
	}

	/** Resolves once every child has its sockets connected (and joined, with presence settled, for the app run). */
	async open(url: string, residenceId: string | null, cookies: (string | null)[]): Promise<boolean> {
		const share = Math.ceil(cookies.length / PROCS);
		const file = resolve(import.meta.dirname, 'board-clients.ts');
		const ready: Promise<boolean>[] = [];
		for (let p = 0; p < PROCS; p++) {
			const part = cookies.slice(p * share, (p + 1) * share);
			if (!part.length) continue;
			const child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
			this.#children.push(child);
			ready.push(
				new Promise<boolean>((res, rej) => {
					child.on('message', (m: ChildMessage) => {
						if (m.type === 'ready') res(m.settled);
						else if (m.type === 'error') rej(new Error(m.message));
						else if (m.type === 'sample') this.sample ??= m.card;
						else if (m.type === 'done') for (const [actorId, k, at] of m.items) this.tracker?.complete(actorId, k, toLocal(at));
					});
					child.once('exit', (code) => rej(new Error(`member process exited (${code})`)));
				})
			);
			child.send({ type: 'start', url, residenceId, cookies: part, total: cookies.length });
		}
		const settled = await withTimeout(Promise.all(ready), 2 * SETUP_TIMEOUT_MS, 'member processes');
		return settled.every(Boolean);
	}

	close() {
		for (const c of this.#children) {
			c.removeAllListeners('exit');
			if (c.connected) c.send({ type: 'stop' });
		}
	}
}

interface BoardRun extends LoadResult {
	setupSeconds: number;
	settled: boolean;
	actorIds: string[];
	sample: BoardCard | null;
	/** Mean JSON size of a `proposal.updated` payload. */
	payloadBytes: number;
	/**
	 * Server CPU spent inside the service calls, split: the bus's publish (the hub's room emit, and the
	 * followers' notifications) and the rest (zod, policy, SQLite, the card query). Mean per action.
	 */
	callCpu: { publish: number; rest: number };
	/** The run at STEADY_RATE actions a second on the same connections, just before, with the baseline's turns (null: none). */
	steady: SteadyPair | null;
}

/** One block of the steady run on one side: `seconds` measured after `warmup` unmeasured. */
type Block = (seconds: number, warmup: number) => Promise<LoadResult>;

interface SteadyPair {
	/** Each side's blocks pooled. */
	app: LoadResult;
	bare: LoadResult;
	/** Each round's p99, app over baseline. */
	roundRatios: number[];
}

/**
 * The steady run, the app and bare socket.io taking turns: STEADY_BLOCKS rounds of one block each
 * (the app first in even rounds, the baseline first in odd ones: A B, B A, A B…), each block
 * STEADY_SECONDS / STEADY_BLOCKS measured seconds at STEADY_RATE. The baseline's members connect after
 * the app's first block (its server emits a card captured there) and stay until the last block. The
 * first block of each side warms it up as a run of its own would (WARMUP_SECONDS); later ones only
 * let the turn settle.
 */
async function interleaved(n: number, app: Block, actorIds: string[], sampleOf: () => BoardCard | null): Promise<SteadyPair> {
	const seconds = STEADY_SECONDS / STEADY_BLOCKS;
	const apps = [await app(seconds, WARMUP_SECONDS)];
	const sample = sampleOf();
	if (!sample) throw new Error('no client received any event');
	const bare = await openBaseline(n, actorIds, sample);
	try {
		const bares = [await bare.steady(seconds, WARMUP_SECONDS)];
		for (let round = 1; round < STEADY_BLOCKS; round++) {
			if (round % 2) {
				bares.push(await bare.steady(seconds, TURN_WARMUP_SECONDS));
				apps.push(await app(seconds, TURN_WARMUP_SECONDS));
			} else {
				apps.push(await app(seconds, TURN_WARMUP_SECONDS));
				bares.push(await bare.steady(seconds, TURN_WARMUP_SECONDS));
			}
		}
		return { app: pool(apps), bare: pool(bares), roundRatios: apps.map((a, i) => a.p99 / bares[i]!.p99) };
	} finally {
		await bare.close();
	}
}

/**
 * `service`: each action goes through the proposals service (the board as it runs). `hub`: each
 * action publishes, on the bus, the card of its idea as the service would, without calling it (the
 * app's realtime side alone: authenticated sockets, rooms, connection state recovery, the hub).
 */
type BoardMode = 'service' | 'hub';

async function runBoard(n: number, seconds: number, sync: SyncLevel = 'NORMAL', mode: BoardMode = 'service', withSteady = false): Promise<BoardRun> {
	const app = createTestApp();
	// FULL: the level every commit ran at before issue 15 (board writes ask no durability of their own).
	if (sync === 'FULL') app.services.deps.db.$client.pragma('synchronous = FULL');
	const server = await startRealtimeServer(app);
	const members = new Members();
	// The test app's clock stands still unless moved: here it follows real time, so that what runs
	// by the clock in production runs here too (live sessions are re-read every LIVE_AUTH_TTL_MS).
	const ticking = setInterval(() => app.clock.advance(100), 100);
	try {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const users: SessionUser[] = [];
		for (let i = 0; i < n; i++) users.push(await createUser(app, { displayName: `Membre ${i}`, roles: [{ ...space, role: 'tenant' }] }));
		const cookies = await Promise.all(users.map((m) => sessionCookie(app, m.id)));
		const proposals: string[] = [];
		for (let i = 0; i < Math.min(PROPOSALS, n); i++)
			proposals.push((await app.services.proposals.propose(users[i]!, { residenceId: residence.id, title: `Idée numéro ${i + 1}` })).id);

		// Presence lists go to everyone at each connection and each join; the load starts once they are complete.
		const setupStart = performance.now();
		const settled = await members.open(server.url, residence.id, cookies);
		const setupSeconds = (performance.now() - setupStart) / 1000;
		const tracker = new Tracker(members.parts, users.map((m) => m.id));
		members.tracker = tracker;

		// Breakdown: the call to its publish on the bus (transaction, commit, card query), then the
		// hub's fan-out to the last client; and the size of what goes out. The publish is timed as it
		// is called (the wrapper below): the bus hands it to the hub before any later subscriber, so a
		// subscriber here would see it only once the hub's emit to every socket was done.
		let bytes = 0;
		let events = 0;
		const sent = (event: string, payload: unknown) => {
			if (event !== 'proposal.updated') return;
			const update = payload as ProposalUpdate;
			if (update.change !== 'support' && update.change !== 'comment') return;
			tracker.publish(update.actorId, performance.now());
			bytes += JSON.stringify(payload).length;
			events++;
		};

		const supported = new Array<boolean>(n).fill(false);
		const { proposals: service } = app.services;
		// The CPU of each call, and of the publishes inside it (process.cpuUsage: this thread and the
		// checkpoint thread, which rarely runs during a call).
		const { bus } = app.services.deps;
		const publish = bus.publish;
		let publishCpu = 0;
		let callCpu = 0;
		let calls = 0;
		bus.publish = ((...args: Parameters<typeof publish>) => {
			sent(args[1], args[2]);
			const before = process.cpuUsage();
			publish.apply(bus, args);
			const used = process.cpuUsage(before);
			publishCpu += (used.user + used.system) / 1000;
		}) as typeof publish;
		// Counted from the first measured action on (drive's first WARMUP_SECONDS are not): by time,
		// not by count, since a saturated run drops slots.
		let counting = false;
		const timed = (call: () => Promise<unknown>, measured: boolean) => {
			if (!measured) return call();
			if (!counting) publishCpu = 0;
			counting = true;
			const before = process.cpuUsage();
			return call().finally(() => {
				const used = process.cpuUsage(before);
				callCpu += (used.user + used.system) / 1000;
				calls++;
			});
		};
		const room = roomForSpace('residence', residence.id);
		const cards = new Map<string, BoardCard>();
		if (mode === 'hub') for (const proposalId of proposals) cards.set(proposalId, (await service.proposal(users[0]!, proposalId)).card);
		// The steady run's calls are not timed: the CPU split is the main run's.
		const act = (steady: boolean) => (member: number, round: number, slot: number, measured: boolean) => {
			const actor = users[member]!;
			const proposalId = proposals[member % proposals.length]!;
			const change = kindOf(steady ? slot : round);
			const call = (fn: () => Promise<unknown>) => (steady ? fn() : timed(fn, measured));
			if (mode === 'hub') {
				const card: BoardCard = { ...cards.get(proposalId)!, supports: round };
				return call(async () => bus.publish(room, 'proposal.updated', { card, change, actorId: actor.id }));
			}
			if (change === 'comment') return call(() => service.comment(actor, { proposalId, body: `Bonne idée, j’en parle au voisin (${round})` }));
			const on = !supported[member];
			supported[member] = on;
			return call(() => service.setSupport(actor, { proposalId, on }));
		};
		const pair = withSteady && STEADY_RATE ? await interleaved(n, (secs, warmup) => drive(n, secs, tracker, act(true), STEADY_RATE, warmup), users.map((m) => m.id), () => members.sample) : null;
		// The payload's size is the main run's (`timed` starts the publish CPU over at its first measured call).
		bytes = 0;
		events = 0;
		const result = await drive(n, seconds, tracker, act(false));
		bus.publish = publish;
		return {
			...result,
			setupSeconds,
			settled,
			actorIds: users.map((m) => m.id),
			sample: members.sample,
			payloadBytes: events ? bytes / events : Number.NaN,
			callCpu: { publish: calls ? publishCpu / calls : Number.NaN, rest: calls ? (callCpu - publishCpu) / calls : Number.NaN },
			steady: pair
		};
	} finally {
		// Server first: sockets closed from its side leave empty rooms, so no presence storm on the way out.
		clearInterval(ticking);
		await server.close();
		members.close();
		await app.services.settled();
		await app.close();
	}
}

/**
 * The baseline: the same N members on a bare socket.io server in this process, which emits `sample`
 * (a card the app sent) to one room as the app's hub would; its steady blocks and its main run go
 * through the same driver on the same connections.
 */
async function openBaseline(n: number, actorIds: string[], sample: BoardCard) {
	const http = createServer((_req, res) => {
		res.statusCode = 404;
		res.end();
	});
	const io = new Server<Record<string, never>, ServerToClientEvents>(http, { serveClient: false });
	const room = 'board';
	io.on('connection', (socket) => void socket.join(room));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	const members = new Members();
	const close = async () => {
		await new Promise<void>((resolve) => void io.close(() => resolve()));
		members.close();
	};
	try {
		await members.open(`http://127.0.0.1:${port}`, null, new Array<null>(n).fill(null));
	} catch (err) {
		await close();
		throw err;
	}
	const tracker = new Tracker(members.parts, actorIds);
	members.tracker = tracker;
	const act = (steady: boolean) => (member: number, round: number, slot: number) => {
		const change = kindOf(steady ? slot : round);
		const card: BoardCard = { ...sample, supports: round, comments: change === 'comment' ? round : sample.comments };
		io.to(room).emit('proposal.updated', { card, change, actorId: actorIds[member]! });
	};
	return {
		steady: ((seconds, warmup) => drive(n, seconds, tracker, act(true), STEADY_RATE, warmup)) satisfies Block,
		main: (seconds: number) => drive(n, seconds, tracker, act(false)),
		close
	};
}

async function runBaseline(n: number, seconds: number, actorIds: string[], sample: BoardCard): Promise<LoadResult> {
	const bare = await openBaseline(n, actorIds, sample);
	try {
		return await bare.main(seconds);
	} finally {
		await bare.close();
	}
}

/**
 * A board of 100 members and 10 ideas with no clients, whose `act` runs one member's next action
 * through the proposals service: her support toggled, or a comment.
 */
async function boardWithoutClients() {
	const app = createTestApp();
	const { residence } = await createResidence(app);
	const users: SessionUser[] = [];
	for (let i = 0; i < 100; i++) users.push(await createUser(app, { displayName: `Membre ${i}`, roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] }));
	const proposals: string[] = [];
	for (let i = 0; i < 10; i++) proposals.push((await app.services.proposals.propose(users[i]!, { residenceId: residence.id, title: `Idée numéro ${i + 1}` })).id);
	const supported = new Array<boolean>(users.length).fill(false);
	let next = 0;
	return {
		async act(change: 'support' | 'comment') {
			const member = next++ % users.length;
			const proposalId = proposals[member % proposals.length]!;
			if (change === 'comment') return void (await app.services.proposals.comment(users[member]!, { proposalId, body: `Bonne idée, j’en parle au voisin (${next})` }));
			supported[member] = !supported[member];
			await app.services.proposals.setSupport(users[member]!, { proposalId, on: supported[member] });
		},
		async close() {
			await app.services.settled();
			await app.close();
		}
	};
}

/**
 * Before the first size: the actions' path through the proposals service, WARMUP_CALLS times back to
 * back, with the steady run's mix (kindOf), on a board of its own with no clients. The first size met
 * that path still being compiled: V8 optimises a path this long over thousands of calls (the votes
 * bench's warm-up says how it was seen), and the sizes' own warm-ups are a few dozen actions (2 s at
 * 20 a second). The bare server's path is socket.io's emit, which the app's fan-out runs too.
 */
async function warmUpServicePath(calls: number) {
	const board = await boardWithoutClients();
	try {
		for (let i = 0; i < calls; i++) await board.act(kindOf(i));
	} finally {
		await board.close();
	}
}

/**
 * The machine's idle penalty, which the steady run meets on both sides: the same support toggled through
 * the proposals service with no clients at all, back to back and then one call every 1000 / rate ms (the
 * steady run's pace), and a plain 512 KB read the same two ways. On a virtual machine of this kind, a
 * core left idle for 50 ms comes back with its caches emptied: the call (zod, the policy, SQLite, the
 * card) takes several times as long, the more so as it touches more memory, and the bare emit touches
 * far less. At 100 members, where the fan-out itself is ~3 ms, that penalty is most of what the app adds.
 */
async function idlePenalty(rate: number): Promise<BenchRow[]> {
	const gap = 1000 / rate;
	const board = await boardWithoutClients();
	try {
		const call = async () => {
			const start = performance.now();
			await board.act('support');
			return performance.now() - start;
		};
		const memory = new Float64Array((512 * 1024) / 8).fill(1);
		const read = () => {
			const start = performance.now();
			let sum = 0;
			// One read per 64-byte cache line.
			for (let i = 0; i < memory.length; i += 8) sum += memory[i]!;
			const ms = performance.now() - start;
			return sum > 0 ? ms : Number.NaN;
		};
		for (let i = 0; i < 500; i++) await call();
		for (let i = 0; i < 500; i++) read();
		const warm = { call: [] as number[], read: [] as number[] };
		const idle = { call: [] as number[], read: [] as number[] };
		// Two rounds of each, taking turns, as the steady run does.
		for (let round = 0; round < 2; round++) {
			for (let i = 0; i < 200; i++) warm.call.push(await call());
			for (let i = 0; i < 200; i++) warm.read.push(read());
			for (let i = 0; i < 100; i++) {
				await sleep(gap);
				idle.call.push(await call());
				await sleep(gap);
				idle.read.push(read());
			}
		}
		const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
		const us = (ms: number) => Math.round(ms * 1000);
		return [
			{ name: 'service call alone (no clients), back to back: p50', value: us(median(warm.call)), unit: 'µs (a support, through the proposals service)' },
			{ name: `service call alone, one every ${gap} ms: p50`, value: us(median(idle.call)), unit: 'µs (the same call after the core sat idle)' },
			{ name: 'service call alone: idle / back to back', value: median(idle.call) / median(warm.call), unit: '×' },
			{ name: '512 KB read (the machine alone), back to back: p50', value: us(median(warm.read)), unit: 'µs (one read per cache line)' },
			{ name: `512 KB read, one every ${gap} ms: p50`, value: us(median(idle.read)), unit: 'µs (the same read after the core sat idle)' }
		];
	} finally {
		await board.close();
	}
}

export async function benchBoard(): Promise<BenchRow[]> {
	const sizes = envNumbers('BENCH_BOARD_N', [100, 500, 1000]);
	const seconds = envNumbers('BENCH_BOARD_SECONDS', [10])[0]!;
	const rows: BenchRow[] = [];
	if (WARMUP_CALLS) {
		const start = performance.now();
		await warmUpServicePath(WARMUP_CALLS);
		rows.push({ name: `warm-up: ${WARMUP_CALLS} actions through the service, back to back (not compared)`, value: (performance.now() - start) / 1000, unit: 's' });
	}
	for (const n of sizes) {
		const tag = `N=${n}`;
		let board: BoardRun;
		let base: LoadResult;
		const others: [SyncLevel, BoardRun][] = [];
		let hub: BoardRun | null = null;
		try {
			board = await runBoard(n, seconds, SYNC_LEVELS[0]!, 'service', true);
			if (!board.sample) throw new Error('no client received any event');
			for (const level of SYNC_LEVELS.slice(1)) others.push([level, await runBoard(n, seconds, level)]);
			if (HUB_RUN) hub = await runBoard(n, seconds, SYNC_LEVELS[0]!, 'hub');
			base = await runBaseline(n, seconds, board.actorIds, board.sample);
		} catch (err) {
			// One size failing (say, handshakes timing out on a small machine) must not hide the others.
			rows.push({ name: `board ${tag} failed`, value: Number.NaN, unit: err instanceof Error ? err.message : String(err) });
			continue;
		}
		rows.push(
			{ name: `board ${tag} p50`, value: board.p50, unit: 'ms' },
			{ name: `board ${tag} p99`, value: board.p99, unit: 'ms' },
			{ name: `baseline ${tag} p50`, value: base.p50, unit: 'ms' },
			{ name: `baseline ${tag} p99`, value: base.p99, unit: 'ms' },
			{ name: `ratio ${tag} p50`, value: board.p50 / base.p50, unit: '×' },
			{ name: `ratio ${tag} p99`, value: board.p99 / base.p99, unit: '×' },
			{ name: `achieved actions/s ${tag}`, value: board.achieved, unit: `actions/s (target ${n})` },
			{ name: `baseline achieved actions/s ${tag}`, value: base.achieved, unit: `actions/s (target ${n})` },
			{ name: `board ${tag} dropped`, value: board.dropped + board.errors, unit: 'actions (>1 s late or failed)' },
			{ name: `board ${tag} timed out`, value: board.timedOut, unit: `actions (not seen by all within ${ACTION_TIMEOUT_MS / 1000} s)` },
			{ name: `baseline ${tag} dropped`, value: base.dropped + base.errors, unit: 'actions (>1 s late or failed)' },
			{ name: `baseline ${tag} timed out`, value: base.timedOut, unit: `actions (not seen by all within ${ACTION_TIMEOUT_MS / 1000} s)` },
			{ name: `board ${tag} start lag p99`, value: board.lagP99, unit: 'ms (call behind its slot)' },
			{ name: `baseline ${tag} start lag p99`, value: base.lagP99, unit: 'ms (call behind its slot)' },
			{ name: `board ${tag} call→publish p50`, value: board.publishP50, unit: 'ms (service call to the bus)' },
			{ name: `board ${tag} call→publish p99`, value: board.publishP99, unit: 'ms (service call to the bus)' },
			{ name: `board ${tag} publish→last client p50`, value: board.fanoutP50, unit: 'ms (hub fan-out and decoding)' },
			{ name: `board ${tag} publish→last client p99`, value: board.fanoutP99, unit: 'ms (hub fan-out and decoding)' },
			{ name: `board ${tag} server CPU per action`, value: board.cpuPerAction, unit: 'ms (server process: services, hub, socket writes)' },
			{ name: `baseline ${tag} server CPU per action`, value: base.cpuPerAction, unit: 'ms (bare socket.io emit)' },
			{ name: `CPU ratio ${tag}`, value: board.cpuPerAction / base.cpuPerAction, unit: '× (board / bare, CPU per action)' },
			{ name: `board ${tag} CPU in the call: the publish`, value: board.callCpu.publish, unit: 'ms per action (the hub\'s room emit, followers\' notifications)' },
			{ name: `board ${tag} CPU in the call: the rest`, value: board.callCpu.rest, unit: 'ms per action (zod, policy, SQLite, card query)' },
			{ name: `fan-out ratio ${tag} p99`, value: board.fanoutP99 / base.p99, unit: '× (publish→last client / bare)' },
			{ name: `board ${tag} payload`, value: board.payloadBytes, unit: 'bytes of JSON per proposal.updated' },
			{ name: `board ${tag} connect+join`, value: board.setupSeconds, unit: board.settled ? 's' : 's (presence never settled)' },
			{ name: `board ${tag} writer synchronous`, value: SYNC_LEVELS[0] === 'FULL' ? 2 : 1, unit: SYNC_LEVELS[0]! }
		);
		if (board.steady) {
			const t = `${tag} at ${STEADY_RATE} actions/s`;
			const { app, bare, roundRatios } = board.steady;
			const rounds = [...roundRatios].sort((x, y) => x - y);
			rows.push(
				{ name: `board ${t} p50`, value: app.p50, unit: 'ms' },
				{ name: `board ${t} p99`, value: app.p99, unit: 'ms' },
				{ name: `baseline ${t} p50`, value: bare.p50, unit: 'ms' },
				{ name: `baseline ${t} p99`, value: bare.p99, unit: 'ms' },
				{ name: `ratio ${t} p99`, value: app.p99 / bare.p99, unit: `× (goal ≤ 1.2; ${STEADY_BLOCKS} turns each, pooled)`, goal: atMost(3, 1.2) },
				{
					name: `ratio ${t} p99, median of the rounds`,
					value: (rounds[Math.floor((rounds.length - 1) / 2)]! + rounds[Math.ceil((rounds.length - 1) / 2)]!) / 2,
					unit: `× (each round's blocks: ${rounds.map((r) => r.toFixed(2)).join(', ')})`
				},
				{ name: `achieved actions/s ${t}`, value: app.achieved, unit: `actions/s (board), baseline ${Math.round(bare.achieved * 10) / 10}` },
				{ name: `board ${t} dropped or timed out`, value: app.dropped + app.errors + app.timedOut, unit: `actions (baseline ${bare.dropped + bare.errors + bare.timedOut})` },
				{ name: `board ${t} call→publish p99`, value: app.publishP99, unit: 'ms (service call to the bus)' },
				{ name: `board ${t} publish→last client p99`, value: app.fanoutP99, unit: 'ms (hub fan-out and decoding)' },
				{ name: `board ${t} longest event-loop hold`, value: app.loopMax, unit: `ms (baseline ${Math.round(bare.loopMax)})` },
				{ name: `CPU ratio ${t}`, value: app.cpuPerAction / bare.cpuPerAction, unit: `× (board ${Math.round(app.cpuPerAction * 100) / 100} / bare ${Math.round(bare.cpuPerAction * 100) / 100} ms per action)` }
			);
		}
		if (hub)
			rows.push(
				{ name: `board ${tag}, hub only: p99`, value: hub.p99, unit: 'ms (the card published without the service)' },
				{ name: `ratio ${tag}, hub only: p99`, value: hub.p99 / base.p99, unit: '× (same baseline)' },
				{ name: `board ${tag}, hub only: server CPU per action`, value: hub.cpuPerAction, unit: 'ms' },
				{ name: `CPU ratio ${tag}, hub only`, value: hub.cpuPerAction / base.cpuPerAction, unit: '× (hub only / bare, CPU per action)' },
				{ name: `board ${tag}, hub only: dropped or timed out`, value: hub.dropped + hub.errors + hub.timedOut, unit: 'actions' }
			);
		for (const [level, other] of others) {
			const t = `${tag} at ${level}`;
			rows.push(
				{ name: `board ${t} p50`, value: other.p50, unit: 'ms' },
				{ name: `board ${t} p99`, value: other.p99, unit: 'ms' },
				{ name: `ratio ${t} p50`, value: other.p50 / base.p50, unit: '× (same baseline)' },
				{ name: `ratio ${t} p99`, value: other.p99 / base.p99, unit: '× (same baseline)' },
				{ name: `achieved actions/s ${t}`, value: other.achieved, unit: `actions/s (target ${n})` },
				{ name: `board ${t} dropped`, value: other.dropped + other.errors, unit: 'actions (>1 s late or failed)' },
				{ name: `board ${t} timed out`, value: other.timedOut, unit: `actions (not seen by all within ${ACTION_TIMEOUT_MS / 1000} s)` },
				{ name: `board ${t} call→publish p99`, value: other.publishP99, unit: 'ms (service call to the bus)' },
				{ name: `board ${t} publish→last client p99`, value: other.fanoutP99, unit: 'ms (hub fan-out and decoding)' }
			);
		}
	}
	if (STEADY_RATE) rows.push(...(await idlePenalty(STEADY_RATE)));
	return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const started = performance.now();
	const results = await benchBoard();
	const width = Math.max(...results.map((r) => r.name.length));
	for (const r of results) console.log(`${r.name.padEnd(width)} ${String(Math.round(r.value * 100) / 100).padStart(10)} ${r.unit}`);
	console.log(`${'total'.padEnd(width)} ${String(Math.round((performance.now() - started) / 100) / 10).padStart(10)} s`);
	process.exit(0);
}
