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
import type { BoardCard } from '../lib/realtime/board-events';
import type { ServerToClientEvents } from '../lib/realtime/events';
import type { SessionUser } from '../lib/server/auth/session';
import { sessionCookie, createResidence, createTestApp, createUser, startRealtimeServer } from '../lib/server/testing';
import { ACTION_TIMEOUT_MS, drive, envNumbers, kindOf, openClients, PROPOSALS, SETUP_TIMEOUT_MS, Tracker, until, WAVE, withTimeout, type Client, type LoadResult } from './board-load';

export interface BenchResult {
	name: string;
	value: number;
	unit: string;
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
		const cookies = await Promise.all(members.map((m) => sessionCookie(app, m.id)));
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
			if (kindOf(round) === 'comment') return service.comment(actor, { proposalId, body: `Bonne idée, j’en parle au voisin (${round})` });
			const on = !supported[member];
			supported[member] = on;
			return service.setSupport(actor, { proposalId, on });
		});
		return { ...result, setupSeconds, settled, actorIds: members.map((m) => m.id), sample: tracker.sample };
	} finally {
		// Server first: sockets closed from its side leave empty rooms, so no presence storm on the way out.
		await server.close();
		for (const c of clients) c.disconnect();
		await app.close();
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
