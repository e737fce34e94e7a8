/**
 * The load driver of the board bench (board.ts): clients opened in waves, actions spread evenly over
 * each second, and a tracker that matches each action to its receipt on every client, with the
 * percentiles of the latencies. Kept apart so board.ts reads as the scenario and its baseline.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import type { BoardCard, ProposalUpdate } from '../lib/realtime/board-events';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/realtime/events';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export const WARMUP_SECONDS = 2;
export const ACTION_TIMEOUT_MS = 10_000;
/** A board of 20 ideas; member i acts on idea i mod 20, so comments notify about N/20 followers. */
export const PROPOSALS = 20;
/** Connections and joins go in waves so the handshakes do not all time out together. */
export const WAVE = 50;
export const SETUP_TIMEOUT_MS = 120_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function envNumbers(name: string, fallback: number[]): number[] {
	const raw = process.env[name];
	if (!raw) return fallback;
	const list = raw
		.split(',')
		.map((s) => Number(s.trim()))
		.filter((n) => Number.isInteger(n) && n > 0);
	return list.length ? list : fallback;
}

/** Every third action of a member is a comment, the others toggle their support on and off. */
export const kindOf = (round: number): 'support' | 'comment' => (round % 3 === 2 ? 'comment' : 'support');

interface Action {
	start: number;
	/** When the server published it (app run: on the bus, after the service's commit); NaN if never seen. */
	published: number;
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
export class Tracker {
	readonly #clients: number;
	readonly #actorIndex = new Map<string, number>();
	readonly #byActor: Action[][];
	readonly #seen: Uint32Array;
	readonly #published: number[];
	readonly #queue: Action[] = [];
	#head = 0;
	/** The actions begun so far: a run reads its results from where it started (one tracker, several runs). */
	get begun() {
		return this.#queue.length;
	}
	inflight = 0;
	sample: BoardCard | null = null;

	constructor(clients: number, actorIds: string[]) {
		this.#clients = clients;
		actorIds.forEach((id, i) => this.#actorIndex.set(id, i));
		this.#byActor = actorIds.map(() => []);
		this.#seen = new Uint32Array(clients * actorIds.length);
		this.#published = actorIds.map(() => 0);
	}

	begin(actor: number, start: number, measured: boolean) {
		const action: Action = { start, published: Number.NaN, end: 0, remaining: this.#clients, state: 'pending', measured };
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

	/** The server published the actor's next action now (its k-th publish is its k-th action). */
	publish(actorId: string, at: number) {
		const actor = this.#actorIndex.get(actorId);
		if (actor === undefined) return;
		const action = this.#byActor[actor]![this.#published[actor]!++];
		if (action) action.published = at;
	}

	/**
	 * For clients in other processes (board-clients.ts): `parts` of them (constructor's `clients`)
	 * each report once when all of their sockets have the actor's k-th action, at `end` (this
	 * process's performance.now() clock); the action is done at the last report.
	 */
	complete(actorId: string, k: number, end: number) {
		const actor = this.#actorIndex.get(actorId);
		if (actor === undefined) return;
		const action = this.#byActor[actor]![k];
		if (!action || action.state !== 'pending') return;
		action.end = Math.max(action.end, end);
		action.remaining--;
		if (action.remaining === 0) {
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

	results(from = 0) {
		const measured = this.#queue.slice(from).filter((a) => a.measured);
		const latencies = measured
			.filter((a) => a.state === 'done')
			.map((a) => a.end - a.start)
			.sort((a, b) => a - b);
		const done = measured.filter((a) => a.state === 'done');
		// Without a publish time (the bare baseline, which emits within the call) the fan-out starts at the call.
		const fanout = done.map((a) => a.end - (Number.isNaN(a.published) ? a.start : a.published)).sort((a, b) => a - b);
		const toPublish = done.filter((a) => !Number.isNaN(a.published)).map((a) => a.published - a.start).sort((a, b) => a - b);
		return { latencies, fanout, toPublish, timedOut: measured.filter((a) => a.state !== 'done').length };
	}
}

export function percentile(sorted: number[], q: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface LoadResult {
	p50: number;
	p99: number;
	achieved: number;
	dropped: number;
	errors: number;
	timedOut: number;
	lagP99: number;
	/** From the publish (the bus; the emit for the baseline) to the last client. */
	fanoutP50: number;
	fanoutP99: number;
	/** From the call to the publish (NaN for the baseline, which emits within the call). */
	publishP50: number;
	publishP99: number;
	/** CPU time of this process (server, services and driver; the clients run elsewhere) per measured action, in ms. */
	cpuPerAction: number;
	/** The longest the server's event loop was held at once during the run, in ms (every socket and page waits meanwhile). */
	loopMax: number;
	/** What the figures above are read from, so that runs can be pooled (`pool`). */
	raw: {
		/** Sorted, ms: call to last client, publish to last client, call to publish, start behind its slot. */
		latencies: number[];
		fanout: number[];
		toPublish: number[];
		lags: number[];
		fired: number;
		/** Measured seconds, and this process's CPU over them (ms). */
		seconds: number;
		cpuMs: number;
	};
}

type Raw = LoadResult['raw'];
type Counts = Pick<LoadResult, 'dropped' | 'errors' | 'timedOut' | 'loopMax'>;

/** A run's figures from its raw samples (sorted) and its counts. */
function figures(raw: Raw, counts: Counts): LoadResult {
	const { latencies, fanout, toPublish, lags, fired, seconds, cpuMs } = raw;
	return {
		...counts,
		p50: percentile(latencies, 0.5),
		p99: percentile(latencies, 0.99),
		achieved: fired / seconds,
		lagP99: percentile(lags, 0.99),
		fanoutP50: percentile(fanout, 0.5),
		fanoutP99: percentile(fanout, 0.99),
		publishP50: percentile(toPublish, 0.5),
		publishP99: percentile(toPublish, 0.99),
		cpuPerAction: fired ? cpuMs / fired : Number.NaN,
		raw
	};
}

/** The figures of several runs taken as one: percentiles over all their actions, rates over all their seconds. */
export function pool(runs: LoadResult[]): LoadResult {
	const all = (pick: (r: Raw) => number[]) => runs.flatMap((r) => pick(r.raw)).sort((a, b) => a - b);
	const sum = (pick: (r: LoadResult) => number) => runs.reduce((total, r) => total + pick(r), 0);
	return figures(
		{
			latencies: all((r) => r.latencies),
			fanout: all((r) => r.fanout),
			toPublish: all((r) => r.toPublish),
			lags: all((r) => r.lags),
			fired: sum((r) => r.raw.fired),
			seconds: sum((r) => r.raw.seconds),
			cpuMs: sum((r) => r.raw.cpuMs)
		},
		{ dropped: sum((r) => r.dropped), errors: sum((r) => r.errors), timedOut: sum((r) => r.timedOut), loopMax: Math.max(...runs.map((r) => r.loopMax)) }
	);
}

/**
 * Open loop: slot j belongs to member j mod n at t0 + j/rate seconds (`rate` actions a second in all;
 * by default n, each member once a second), and is its member's round floor(j / n). A slot found
 * more than a second late is dropped (the next slots are already due) rather than fired in a burst.
 * `act` also gets the slot's number, for a mix of actions that does not depend on the rounds (at a
 * rate below n, every slot of a run is in round 0), and whether the slot is measured (past the
 * warm-up, `warmup` seconds: WARMUP_SECONDS unless said).
 */
export async function drive(
	n: number,
	seconds: number,
	tracker: Tracker,
	act: (member: number, round: number, slot: number, measured: boolean) => void | Promise<unknown>,
	rate = n,
	warmup = WARMUP_SECONDS
): Promise<LoadResult> {
	const from = tracker.begun;
	const period = 1000 / rate;
	const total = Math.round((warmup + seconds) * rate);
	const t0 = performance.now() + 20;
	const measureFrom = t0 + warmup * 1000;
	let fired = 0;
	let dropped = 0;
	let errors = 0;
	const lags: number[] = [];
	let cpuFrom: NodeJS.CpuUsage | null = null;
	const loop = monitorEventLoopDelay({ resolution: 10 });
	loop.enable();
	for (let j = 0; j < total; ) {
		const tick = performance.now();
		while (j < total) {
			const due = t0 + j * period;
			const now = performance.now();
			if (due > now) break;
			const measured = due >= measureFrom;
			if (measured && !cpuFrom) cpuFrom = process.cpuUsage();
			const member = j % n;
			if (now - due > 1000) {
				if (measured) dropped++;
			} else {
				const start = performance.now();
				try {
					// Services answer asynchronously (issue 12): fired without waiting, as clients would; a refusal counts as an error.
					const pending = act(member, Math.floor(j / n), j, measured);
					tracker.begin(member, start, measured);
					if (pending)
						void pending.catch(() => {
							if (measured) errors++;
						});
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
	loop.disable();
	const cpu = process.cpuUsage(cpuFrom ?? undefined);
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const { latencies, fanout, toPublish, timedOut } = tracker.results(from);
	lags.sort((a, b) => a - b);
	return figures({ latencies, fanout, toPublish, lags, fired, seconds, cpuMs }, { dropped, errors, timedOut, loopMax: loop.max / 1e6 });
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens n clients in waves; `setup` attaches listeners before the handshake completes. */
export async function openClients(url: string, n: number, cookie: (i: number) => string | undefined, setup: (c: Client, i: number) => void): Promise<Client[]> {
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

export async function until(done: () => boolean, ms: number): Promise<boolean> {
	const end = performance.now() + ms;
	while (!done()) {
		if (performance.now() > end) return false;
		await sleep(20);
	}
	return true;
}
