/**
 * Meeting room: M members and W watchers (the projector, screens following the meeting) in one
 * room, every one a real socket.io-client connection signed in with its own session cookie and
 * joined with `meeting.join`, as the room page does. The screens live in P child processes, so the
 * server process keeps a core of its own. Two kinds of change, one at a time (closed loop):
 * - a speaker-list change: the chair adds a member to the list, then gives the floor (each a
 *   service call: zod, policy, transaction, audit, then the whole room state published);
 * - a vote: a present member casts a ballot on the open motion (ballot box, live tally, then the
 *   room's state with the new tally; the `vote.tally` event goes to the consultation's own room,
 *   which the room's screens do not join).
 * Latency = from just before the service call to the moment the LAST of the M + W screens has the
 * new state (each child reports when all of its sockets have it; one clock for the whole machine).
 * A change travels as a `meeting.patch` (the sections that changed); each screen applies it to the
 * state it joined with, as the room page does.
 *
 * Baseline: a bare socket.io server in the same process, the same screens (no auth, no database),
 * sending the same messages the app sent, captured from the app run (its whole state first, then
 * each change's patch), to one room, one at a time, timed the same way. The ratio says what the app
 * adds on top of socket.io's own fan-out of what it sends. BENCH_MEETING_WHOLE=1 has the baseline send
 * the whole state at every change instead (what the app sent before patches).
 *
 *   npm run bench -- meeting      BENCH_MEETING_MEMBERS=60 BENCH_MEETING_WATCHERS=500 BENCH_MEETING_PROCS=2
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Server } from 'socket.io';
import type { MeetingRoomPatch, MeetingRoomState } from '../lib/realtime/meeting-events';
import { applyRoomPatch } from '../lib/realtime/meeting-patch';
import type { SessionUser } from '../lib/server/auth/session';
import { createBodyFixture } from '../lib/server/services/meetings/fixture';
import { sessionCookie, createTestApp, createUser, startRealtimeServer } from '../lib/server/testing';
import { stateKey } from './meeting-key';
import { machineNow } from './machine-clock';
import type { BenchRow } from './row';

const envInt = (name: string, fallback: number) => {
	const n = Number(process.env[name]);
	return Number.isInteger(n) && n > 0 ? n : fallback;
};
const MEMBERS = envInt('BENCH_MEETING_MEMBERS', 60);
const WATCHERS = envInt('BENCH_MEETING_WATCHERS', 500);
const PROCS = envInt('BENCH_MEETING_PROCS', 2);
const SPEAKER_ACTIONS = envInt('BENCH_MEETING_SPEAKER_ACTIONS', 100);
/** Changes left out at the start of each series (speakers; votes, which are fewer, leave out 3). */
const WARMUP = 10;
const VOTE_WARMUP = 3;
const TIMEOUT_MS = 20_000;
const WHOLE = process.env.BENCH_MEETING_WHOLE === '1';

const now = machineNow;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function percentile(sorted: number[], q: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The screens, spread over child processes; `waitFor(key)` resolves when every screen has that state. */
class Screens {
	readonly #children: ChildProcess[] = [];
	readonly #done = new Map<string, { count: number; last: number }>();
	readonly #waiters = new Map<string, (at: number) => void>();

	async open(url: string, meetingId: string | null, cookies: (string | null)[]) {
		const share = Math.ceil(cookies.length / PROCS);
		const file = resolve(import.meta.dirname, 'meeting-clients.ts');
		const ready: Promise<void>[] = [];
		for (let p = 0; p < PROCS; p++) {
			const part = cookies.slice(p * share, (p + 1) * share);
			if (!part.length) continue;
			const child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
			this.#children.push(child);
			ready.push(
				new Promise<void>((res, rej) => {
					child.on('message', (m: { type: string; key?: string; at?: number; message?: string }) => {
						if (m.type === 'ready') res();
						else if (m.type === 'error') rej(new Error(m.message));
						else if (m.type === 'done') this.#report(m.key!, m.at!);
					});
					child.once('exit', (code) => rej(new Error(`screen process exited (${code})`)));
				})
			);
			child.send({ type: 'start', url, meetingId, cookies: part });
		}
		await Promise.all(ready);
	}

	#report(key: string, at: number) {
		const d = this.#done.get(key) ?? { count: 0, last: 0 };
		d.count++;
		d.last = Math.max(d.last, at);
		this.#done.set(key, d);
		if (d.count === this.#children.length) this.#waiters.get(key)?.(d.last);
	}

	/** When the last screen had the state with this key (it may already have). */
	waitFor(key: string): Promise<number | null> {
		const d = this.#done.get(key);
		if (d && d.count === this.#children.length) return Promise.resolve(d.last);
		return new Promise((res) => {
			const timer = setTimeout(() => {
				this.#waiters.delete(key);
				res(null);
			}, TIMEOUT_MS);
			this.#waiters.set(key, (at) => {
				clearTimeout(timer);
				this.#waiters.delete(key);
				res(at);
			});
		});
	}

	close() {
		for (const c of this.#children) {
			c.removeAllListeners('exit');
			c.send({ type: 'stop' });
		}
	}
}

interface Series {
	speaker: number[];
	vote: number[];
	timedOut: number;
}

/** What the room heard for one change, in order (usually one patch). */
type Sent = { event: 'meeting.state'; payload: MeetingRoomState } | { event: 'meeting.patch'; payload: MeetingRoomPatch };

/** The state a screen holds after these messages. */
function after(state: MeetingRoomState, sent: Sent[]): MeetingRoomState {
	for (const m of sent) {
		if (m.event === 'meeting.state') state = m.payload;
		else {
			const outcome = applyRoomPatch(state, m.payload);
			if (outcome.kind !== 'applied') throw new Error(`a patch did not fit the state (${outcome.kind})`);
			state = outcome.state;
		}
	}
	return state;
}

const summary = (label: string, s: number[]) => {
	const sorted = [...s].sort((a, b) => a - b);
	return { label, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), n: sorted.length };
};

interface AppRun extends Series {
	/** The state the screens joined with, and what each change sent (speaker changes, then votes). */
	initial: MeetingRoomState;
	sent: { speaker: Sent[][]; vote: Sent[][] };
	setupSeconds: number;
}

async function runApp(): Promise<AppRun> {
	const app = createTestApp();
	const server = await startRealtimeServer(app);
	const screens = new Screens();
	try {
		const f = await createBodyFixture(app, Math.max(0, MEMBERS - 5));
		const members: SessionUser[] = [f.chair, f.director, f.fatou, f.vincent, f.elise, ...f.extra].slice(0, MEMBERS);
		const watchers: SessionUser[] = [];
		for (let i = 0; i < WATCHERS; i++) watchers.push(await createUser(app, { displayName: `Écran ${i}`, roles: [{ ...f.space, role: 'observer' }] }));
		const m = app.services.meetings;
		const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Assemblée du réseau', startsAt: '2026-12-03T18:30' });
		const item = await m.addItem(f.chair, { meetingId: id, title: 'Budget 2027', kind: 'decision' });
		await m.open(f.chair, { meetingId: id });
		for (const u of members) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
		await m.moveTo(f.chair, { meetingId: id, expected: '', to: item.id });

		// What the app sends to the room, caught on the bus in this process as it goes out, and the key of
		// the state a screen then holds.
		const initial = await m.roomState(f.chair, id);
		let held = initial;
		let lastKey = stateKey(held);
		let current: Sent[] = [];
		app.services.deps.bus.subscribe(({ room, event, payload }) => {
			if (room !== `meeting:${id}` || (event !== 'meeting.state' && event !== 'meeting.patch')) return;
			const message = { event, payload } as Sent;
			current.push(message);
			held = after(held, [message]);
			lastKey = stateKey(held);
		});
		const sent: AppRun['sent'] = { speaker: [], vote: [] };

		const setupStart = performance.now();
		const cookies = await Promise.all([...members, ...watchers].map((u) => sessionCookie(app, u.id)));
		await screens.open(server.url, id, cookies);
		const setupSeconds = (performance.now() - setupStart) / 1000;

		const out: Series = { speaker: [], vote: [], timedOut: 0 };
		const measure = async (list: number[], k: number, act: () => Promise<unknown>, warmup = WARMUP) => {
			const before = lastKey;
			current = [];
			const start = now();
			await act();
			// A vote reaches the room through the bus (tracked work since issue 12): wait for it.
			await app.services.settled();
			if (lastKey === before) throw new Error('the action published no new state');
			(list === out.speaker ? sent.speaker : sent.vote).push(current);
			const at = await screens.waitFor(lastKey);
			if (at === null) out.timedOut++;
			else if (k >= warmup) list.push(at - start);
			await sleep(5);
		};
		for (let k = 0; k < SPEAKER_ACTIONS; k++) {
			const who = members[1 + (k % (members.length - 1))]!;
			await measure(out.speaker, k, () => (k % 2 === 0 ? m.addSpeaker(f.chair, { meetingId: id, userId: who.id }) : m.next(f.chair, { meetingId: id })));
		}
		const motion = await m.openMotion(f.chair, { meetingId: id, itemId: item.id, question: 'Adopter le budget 2027 ?' });
		await sleep(50);
		for (let k = 0; k < members.length; k++) {
			const voter = members[k]!;
			await measure(out.vote, k, () => app.services.consultations.cast(voter, { consultationId: motion.consultationId, ballot: { position: k % 3 === 0 ? 'against' : 'for' } }), VOTE_WARMUP);
		}
		return { ...out, initial, sent, setupSeconds };
	} finally {
		screens.close();
		await server.close();
		await app.services.consultations.flushBallotBox();
		await app.services.settled();
		await app.close();
	}
}

async function runBaseline(app: AppRun): Promise<Series> {
	const http = createServer((_req, res) => {
		res.statusCode = 404;
		res.end();
	});
	const io = new Server(http, { serveClient: false });
	io.on('connection', (socket) => void socket.join('meeting'));
	await new Promise<void>((res) => http.listen(0, '127.0.0.1', res));
	const { port } = http.address() as AddressInfo;
	const screens = new Screens();
	try {
		await screens.open(`http://127.0.0.1:${port}`, null, new Array<null>(MEMBERS + WATCHERS).fill(null));
		const out: Series = { speaker: [], vote: [], timedOut: 0 };
		let held = app.initial;
		io.to('meeting').emit('meeting.state', held);
		if ((await screens.waitFor(stateKey(held))) === null) throw new Error('the baseline screens did not get the first state');
		const emit = async (list: number[], k: number, warmup: number, sent: Sent[]) => {
			const next = after(held, sent);
			// BENCH_MEETING_WHOLE=1: the whole new state, as the app sent before patches.
			const messages: Sent[] = WHOLE ? [{ event: 'meeting.state', payload: next }] : sent;
			held = next;
			const start = now();
			for (const m of messages) (io.to('meeting').emit as (e: string, p: unknown) => boolean)(m.event, m.payload);
			const at = await screens.waitFor(stateKey(next));
			if (at === null) out.timedOut++;
			else if (k >= warmup) list.push(at - start);
			await sleep(5);
		};
		for (const [k, sent] of app.sent.speaker.entries()) await emit(out.speaker, k, WARMUP, sent);
		for (const [k, sent] of app.sent.vote.entries()) await emit(out.vote, k, VOTE_WARMUP, sent);
		return out;
	} finally {
		screens.close();
		await new Promise<void>((res) => void io.close(() => res()));
	}
}

export async function benchMeeting(): Promise<BenchRow[]> {
	const tag = `${MEMBERS}+${WATCHERS}`;
	let app: AppRun;
	let base: Series;
	try {
		app = await runApp();
		base = await runBaseline(app);
	} catch (err) {
		return [{ name: `meeting ${tag} failed`, value: Number.NaN, unit: err instanceof Error ? err.message : String(err) }];
	}
	const rows: BenchRow[] = [];
	for (const kind of ['speaker', 'vote'] as const) {
		const a = summary(kind, app[kind]);
		const b = summary(kind, base[kind]);
		rows.push(
			{ name: `${kind} change ${tag} p50`, value: a.p50, unit: `ms (n=${a.n})` },
			{ name: `${kind} change ${tag} p99`, value: a.p99, unit: 'ms' },
			{ name: `baseline ${kind} ${tag} p50`, value: b.p50, unit: `ms (n=${b.n})` },
			{ name: `baseline ${kind} ${tag} p99`, value: b.p99, unit: 'ms' },
			{ name: `ratio ${kind} ${tag} p50`, value: a.p50 / b.p50, unit: '×' },
			{ name: `ratio ${kind} ${tag} p99`, value: a.p99 / b.p99, unit: '×' }
		);
	}
	rows.push(
		{ name: `meeting ${tag} timed out`, value: app.timedOut, unit: `changes (not on every screen within ${TIMEOUT_MS / 1000} s)` },
		{ name: `baseline ${tag} timed out`, value: base.timedOut, unit: 'emits' },
		{ name: `meeting ${tag} whole state at the start`, value: Buffer.byteLength(JSON.stringify(app.initial)) / 1024, unit: 'KB (what a screen gets when it joins)' },
		{ name: `meeting ${tag} whole state at the end`, value: Buffer.byteLength(JSON.stringify(after(app.initial, [...app.sent.speaker, ...app.sent.vote].flat()))) / 1024, unit: 'KB (what every change sent before patches)' },
		...(['speaker', 'vote'] as const).map((kind) => {
			const sizes = app.sent[kind].map((sent) => sent.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m.payload)), 0)).sort((a, b) => a - b);
			return { name: `meeting ${tag} ${kind} change sent`, value: percentile(sizes, 0.5) / 1024, unit: `KB per screen, median (largest ${(sizes.at(-1)! / 1024).toFixed(1)})` };
		}),
		...(WHOLE ? [{ name: 'baseline sent', value: 1, unit: 'the whole state at every change (BENCH_MEETING_WHOLE=1)' }] : []),
		{ name: `meeting ${tag} connect+join`, value: app.setupSeconds, unit: `s (${PROCS} screen processes)` }
	);
	return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const r of await benchMeeting()) console.log(`${r.name.padEnd(40)} ${String(Math.round(r.value * 100) / 100).padStart(10)} ${r.unit}`);
	process.exit(0);
}
