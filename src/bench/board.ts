/**
 * Live residence board: N members with the board open (real socket.io-client connections, signed in
 * with their own session cookie, joined to the board as the browser does), each supporting,
 * withdrawing their support or commenting once a second, start times spread evenly over the second.
 * Each action goes through the proposals service in-process, as the form action calls it (zod,
 * policy, transaction, audit, notifications, publish after commit), then the bus and the hub's
 * socket.io room fan-out. Latency = from just before the service call to the moment the LAST of the
 * N clients has received the matching `proposal.updated` event.
 *
 * Baseline: the same N clients on a bare socket.io server (no auth, no database, no connection state
 * recovery), the server emitting a `proposal.updated` of the same shape to one room at the same rate.
 * The ratio says what the app adds on top of socket.io's own fan-out.
 *
 * Everything (server, database and the N clients) runs in ONE Node process, so the figures include
 * the clients' own decoding work, which competes with the server for the same event loop: N members
 * at one action a second make N² deliveries a second to decode here, which real browsers would share
 * out. When the machine cannot keep up, slots more than a second late are dropped and counted, and an
 * action not seen by every client within 10 s counts as timed out, so the achieved rate is reported
 * next to the latencies rather than hidden in them.
 *
 *   npm run bench -- board          BENCH_BOARD_N=100,500 BENCH_BOARD_SECONDS=10 npx tsx src/bench/board.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import type { BoardCard, ProposalUpdate } from '../lib/realtime/board-events';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/realtime/events';
import type { SessionUser } from '../lib/server/auth/session';
import { cookieFor, createResidence, createTestApp, createUser, startRealtimeServer } from '../lib/server/testing';

export interface BenchResult {
	name: string;
	value: number;
	unit: string;
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const WARMUP_SECONDS = 2;
const ACTION_TIMEOUT_MS = 10_000;
/** A board of 20 ideas; member i acts on idea i mod 20, so comments notify about N/20 followers. */
const PROPOSALS = 20;
/** Connections and joins go in waves so the handshakes do not all time out together. */
const WAVE = 50;
const SETUP_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function envNumbers(name: string, fallback: number[]): number[] {
	const raw = process.env[name];
	if (!raw) return fallback;
	const list = raw
		.split(',')
		.map((s) => Number(s.trim()))
		.filter((n) => Number.isInteger(n) && n > 0);
	return list.length ? list : fallback;
}

/** Every third action of a member is a comment, the others toggle their support on and off. */
const kindOf = (round: number): 'support' | 'comment' => (round % 3 === 2 ? 'comment' : 'support');

interface Action {
	start: number;
	end: number;
	remaining: number;
	state: 'pending' | 'done' | 'timeout';
	measured: boolean;
}

/**
 * Matches receipts to actions without ids on the wire: one actor's events are published in the order
 * of its calls and socket.io keeps order per connection, so the k-th event from actor A seen by
 * client C is A's k-th action.
 */
class Tracker {
	readonly #clients: number;
	readonly #actorIndex = new Map<string, number>();
	readonly #byActor: Action[][];
	readonly #seen: Uint32Array;
	readonly #queue: Action[] = [];
	#head = 0;
	inflight = 0;
	sample: BoardCard | null = null;

	constructor(clients: number, actorIds: string[]) {
		this.#clients = clients;
		actorIds.forEach((id, i) => this.#actorIndex.set(id, i));
		this.#byActor = actorIds.map(() => []);
		this.#seen = new Uint32Array(clients * actorIds.length);
	}

	begin(actor: number, start: number, measured: boolean) {
		const action: Action = { start, end: 0, remaining: this.#clients, state: 'pending', measured };
		this.#byActor[actor]!.push(action);
		this.#queue.push(action);
		this.inflight++;
	}

	receive(client: number, payload: ProposalUpdate) {
		if (payload.change !== 'support' && payload.change !== 'comment') return;
		const actor = this.#actorIndex.get(payload.actorId);
		if (actor === undefined) return;
		this.sample ??= payload.card;
		const slot = client * this.#byActor.length + actor;
		const k = this.#seen[slot]!;
		this.#seen[slot] = k + 1;
		const action = this.#byActor[actor]![k];
		if (!action || action.state !== 'pending') return;
		action.remaining--;
		if (action.remaining === 0) {
			action.end = performance.now();
			action.state = 'done';
			this.inflight--;
		}
	}

	/** Actions start in order, so the oldest pending one is at the head of the queue. */
	expire(now: number) {
		while (this.#head < this.#queue.length) {
			const a = this.#queue[this.#head]!;
			if (a.state === 'pending') {
				if (now - a.start < ACTION_TIMEOUT_MS) return;
				a.state = 'timeout';
				this.inflight--;
			}
			this.#head++;
		}
	}

	results() {
		const measured = this.#queue.filter((a) => a.measured);
		const latencies = measured
			.filter((a) => a.state === 'done')
			.map((a) => a.end - a.start)
			.sort((a, b) => a - b);
		return { latencies, timedOut: measured.filter((a) => a.state !== 'done').length };
	}
}

function percentile(sorted: number[], q: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

interface LoadResult {
	p50: number;
	p99: number;
	achieved: number;
	dropped: number;
	errors: number;
	timedOut: number;
	lagP99: number;
}

/**
 * Open loop: slot j belongs to member j mod n at t0 + j/n seconds. A slot found more than a second
 * late is dropped (that member's next slot is already due) rather than fired in a burst.
 */
async function drive(n: number, seconds: number, tracker: Tracker, act: (member: number, round: number) => void): Promise<LoadResult> {
	const period = 1000 / n;
	const total = (WARMUP_SECONDS + seconds) * n;
	const t0 = performance.now() + 20;
	const measureFrom = t0 + WARMUP_SECONDS * 1000;
	let fired = 0;
	let dropped = 0;
	let errors = 0;
	const lags: number[] = [];
	for (let j = 0; j < total; ) {
		const tick = performance.now();
		while (j < total) {
			const due = t0 + j * period;
			const now = performance.now();
			if (due > now) break;
			const measured = due >= measureFrom;
			const member = j % n;
			if (now - due > 1000) {
				if (measured) dropped++;
			} else {
				const start = performance.now();
				try {
					act(member, Math.floor(j / n));
					tracker.begin(member, start, measured);
					if (measured) {
						fired++;
						lags.push(start - due);
					}
				} catch {
					if (measured) errors++;
				}
			}
			j++;
			// Let the sockets be read between bursts, as a server's event loop would.
			if (performance.now() - tick > 20) break;
		}
		tracker.expire(performance.now());
		const wait = t0 + j * period - performance.now();
		await sleep(Math.max(0, Math.min(5, wait)));
	}
	const drainUntil = performance.now() + ACTION_TIMEOUT_MS + 500;
	while (tracker.inflight > 0 && performance.now() < drainUntil) {
		await sleep(20);
		tracker.expire(performance.now());
	}
	tracker.expire(Number.POSITIVE_INFINITY);
	const { latencies, timedOut } = tracker.results();
	lags.sort((a, b) => a - b);
	return {
		p50: percentile(latencies, 0.5),
		p99: percentile(latencies, 0.99),
		achieved: fired / seconds,
		dropped,
		errors,
		timedOut,
		lagP99: percentile(lags, 0.99)
	};
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens n clients in waves; `setup` attaches listeners before the handshake completes. */
async function openClients(url: string, n: number, cookie: (i: number) => string | undefined, setup: (c: Client, i: number) => void): Promise<Client[]> {
	const clients: Client[] = [];
	for (let from = 0; from < n; from += WAVE) {
		const wave: Promise<void>[] = [];
		for (let i = from; i < Math.min(n, from + WAVE); i++) {
			const c = cookie(i);
			const socket: Client = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: SETUP_TIMEOUT_MS, ...(c ? { extraHeaders: { cookie: c } } : {}) });
			clients.push(socket);
			setup(socket, i);
			wave.push(
				new Promise<void>((resolve, reject) => {
					socket.once('connect', () => resolve());
					socket.once('connect_error', reject);
				})
			);
		}
		await withTimeout(Promise.all(wave), SETUP_TIMEOUT_MS, 'connect');
	}
	return clients;
}

async function until(done: () => boolean, ms: number): Promise<boolean> {
	const end = performance.now() + ms;
	while (!done()) {
		if (performance.now() > end) return false;
		await sleep(20);
	}
	return true;
}

interface BoardRun extends LoadResult {
	setupSeconds: number;
	settled: boolean;
	actorIds: string[];
	sample: BoardCard | null;
}

async function runBoard(n: number, seconds: number): Promise<BoardRun> {
	const app = createTestApp();
	const server = await startRealtimeServer(app);
	let clients: Client[] = [];
	try {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const members: SessionUser[] = [];
		for (let i = 0; i < n; i++) members.push(await createUser(app, { displayName: `Membre ${i}`, roles: [{ ...space, role: 'tenant' }] }));
		const cookies = members.map((m) => cookieFor(app, m.id));
		const proposals: string[] = [];
		for (let i = 0; i < Math.min(PROPOSALS, n); i++)
			proposals.push((await app.services.proposals.propose(members[i]!, { residenceId: residence.id, title: `Idée numéro ${i + 1}` })).id);

		const tracker = new Tracker(n, members.map((m) => m.id));
		// Presence lists go to everyone at each connection and each join; the load starts once they are complete.
		let boardComplete = 0;
		let spaceComplete = 0;
		const setupStart = performance.now();
		clients = await openClients(server.url, n, (i) => cookies[i], (socket, i) => {
			let seenBoard = false;
			let seenSpace = false;
			socket.on('board.presence', (p) => {
				if (!seenBoard && p.online.length === n) {
					seenBoard = true;
					boardComplete++;
				}
			});
			socket.on('presence.changed', (p) => {
				if (!seenSpace && p.online.length === n) {
					seenSpace = true;
					spaceComplete++;
				}
			});
			socket.on('proposal.updated', (p) => tracker.receive(i, p));
		});
		for (let from = 0; from < n; from += WAVE) {
			const acks = await withTimeout(
				Promise.all(clients.slice(from, from + WAVE).map((c) => c.timeout(SETUP_TIMEOUT_MS).emitWithAck('board.join', { residenceId: residence.id }))),
				SETUP_TIMEOUT_MS,
				'board.join'
			);
			const refused = acks.find((a) => !a.ok);
			if (refused) throw new Error(`board.join refused: ${JSON.stringify(refused)}`);
		}
		const settled = await until(() => boardComplete === n && spaceComplete === n, SETUP_TIMEOUT_MS);
		const setupSeconds = (performance.now() - setupStart) / 1000;

		const supported = new Array<boolean>(n).fill(false);
		const { proposals: service } = app.services;
		const result = await drive(n, seconds, tracker, (member, round) => {
			const actor = members[member]!;
			const proposalId = proposals[member % proposals.length]!;
			if (kindOf(round) === 'comment') service.comment(actor, { proposalId, body: `Bonne idée, j’en parle au voisin (${round})` });
			else {
				service.setSupport(actor, { proposalId, on: !supported[member] });
				supported[member] = !supported[member];
			}
		});
		return { ...result, setupSeconds, settled, actorIds: members.map((m) => m.id), sample: tracker.sample };
	} finally {
		// Server first: sockets closed from its side leave empty rooms, so no presence storm on the way out.
		await server.close();
		for (const c of clients) c.disconnect();
		app.close();
	}
}

async function runBaseline(n: number, seconds: number, actorIds: string[], sample: BoardCard): Promise<LoadResult> {
	const http = createServer((_req, res) => {
		res.statusCode = 404;
		res.end();
	});
	const io = new Server<Record<string, never>, ServerToClientEvents>(http, { serveClient: false });
	const room = 'board';
	io.on('connection', (socket) => void socket.join(room));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	let clients: Client[] = [];
	try {
		const tracker = new Tracker(n, actorIds);
		clients = await openClients(`http://127.0.0.1:${port}`, n, () => undefined, (socket, i) => {
			socket.on('proposal.updated', (p) => tracker.receive(i, p));
		});
		return await drive(n, seconds, tracker, (member, round) => {
			const change = kindOf(round);
			const card: BoardCard = { ...sample, supports: round, comments: change === 'comment' ? round : sample.comments };
			io.to(room).emit('proposal.updated', { card, change, actorId: actorIds[member]! });
		});
	} finally {
		await new Promise<void>((resolve) => void io.close(() => resolve()));
		for (const c of clients) c.disconnect();
	}
}

export async function benchBoard(): Promise<BenchResult[]> {
	const sizes = envNumbers('BENCH_BOARD_N', [100, 500, 1000]);
	const seconds = envNumbers('BENCH_BOARD_SECONDS', [10])[0]!;
	const rows: BenchResult[] = [];
	for (const n of sizes) {
		const tag = `N=${n}`;
		let board: BoardRun;
		let base: LoadResult;
		try {
			board = await runBoard(n, seconds);
			if (!board.sample) throw new Error('no client received any event');
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
			{ name: `board ${tag} connect+join`, value: board.setupSeconds, unit: board.settled ? 's' : 's (presence never settled)' }
		);
	}
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
