/**
 * `npm run bench -- cluster` (issue 12): one node against two, under the same load, from the BUILT
 * app (`src/server.ts`; built here when `build/` is stale), every node a process of its own on the
 * same database. One node runs as a single-node deployment does (live state in memory); two share
 * the real local Redis (`REDIS_URL`, a prefix per run).
 *
 * The load: 2,000 members across 20 residence boards (100 each), every one with a socket.io
 * connection joined to its board, opened from 4 client processes (socket.io-client, the maintained
 * client; forked so the nodes keep their cores). Each member is sticky to one node, as the load
 * balancer of `npm run cluster` makes them; with two nodes, half the members are on each. 200 of
 * them act: a support given or taken back through the board's form action (HTTP, as a browser
 * without JavaScript posts it), 20 actions a second in all, for BENCH_CLUSTER_SECONDS (15). Then a
 * live vote: the 100 tenants of the first residence vote at once, 20 at a time. Then a meeting: the 60
 * members of a governance body are in its room (`meeting.join`, spread over the nodes like everyone
 * else) and raise their hands one after the other through the room's form action; each change is
 * timed until every member's screen has the new room state.
 *
 * Figures, for each node count: HTTP time of a support (p50/p99), fan-out time from the request to
 * the moment every member of that board (on every node) has the update (p50/p99), the vote's
 * acknowledgement time (p50/p99), the meeting room's fan-out (request → every member's screen,
 * p50/p99), and errors (failed requests, updates that never arrived).
 * The database is PostgreSQL (the local server; a template database seeded once, cloned for each
 * run, dropped after), as a cluster runs; `BENCH_CLUSTER_DATABASE=sqlite` runs the nodes on one
 * shared SQLite file instead (correctness under sharing; no added capacity). On one machine with 2
 * cores, both nodes, PostgreSQL and the client processes share the cores: ratios matter more than
 * absolute times.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { buildIfStale } from '../cli/build-stale';
import { SERVER_NODE_ARGS } from '../cli/server-node.mjs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { loadActor, generateSessionToken, type SessionUser, SESSION_COOKIE, SESSION_LIFETIME, sessionIdFromToken } from '../lib/server/auth/session';
import { hashPassword } from '../lib/server/auth/password';
import { openDataStore } from '../lib/server/db/open';
import { POSTGRES_ADMIN_URL, withAdmin } from '../lib/server/testing/postgres';
import { randomIds, systemClock } from '../lib/server/ids';
import { createLocalBus } from '../lib/server/realtime/bus';
import { redisClient } from '../lib/server/shared/redis';
import { createServices } from '../lib/server/services';
import { machineNow } from './machine-clock';
import type { BenchRow } from './row';

const BOARDS = Number(process.env.BENCH_CLUSTER_BOARDS ?? 20);
const PER_BOARD = 100;
const ACTORS_PER_BOARD = 10;
const PROPOSALS_PER_BOARD = 5;
const CLIENT_PROCESSES = 4;
const RATE = 20;
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 15);
const BASE_PORT = Number(process.env.BENCH_CLUSTER_PORT ?? 4591);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ARRIVAL_TIMEOUT_MS = 10_000;
const MEETING_MEMBERS = 60;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = machineNow;

function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Member {
	id: string;
	cookie: string;
	residenceId: string;
}

interface Seeded {
	members: Member[];
	proposals: Map<string, string[]>;
	vote: { id: string; options: string[]; residenceId: string };
	meeting: { id: string; bodyId: string; members: Member[] };
}

/** 20 residences of 100 tenants (one per household), 5 ideas on each board, a live vote on the first. */
async function seed(file: string): Promise<Seeded> {
	const store = await openDataStore(file, { poolSize: 4 });
	const services = createServices({ db: store.db, data: store.data, clock: systemClock, ids: randomIds, bus: createLocalBus() });
	const { data } = services.deps;
	const { users, memberships, households, sessions } = data.t;
	const passwordHash = await hashPassword('bench-password-2026');
	const at = systemClock.now();
	const expiresAt = new Date(at.getTime() + SESSION_LIFETIME);
	const insertUser = (id: string, name: string, householdId: string | null, isAdmin = false) =>
		data.write((tx) => tx.insert(users).values({ id, username: name, email: null, displayName: name, passwordHash, isAdmin, householdId, createdAt: at, passwordChangedAt: at }).then(() => undefined));

	const adminId = randomIds.id();
	await insertUser(adminId, 'bench-admin', null, true);
	const admin = (await loadActor(data, adminId))!;
	const org = await services.admin.createOrganisation(admin, { name: 'Bailleur du banc d’essai', kind: 'landlord' });
	const members: Member[] = [];
	const proposals = new Map<string, string[]>();
	let vote: Seeded['vote'] | undefined;
	for (let b = 0; b < BOARDS; b++) {
		const residence = await services.admin.createResidence(admin, { organisationId: org.id, name: `Résidence ${b + 1}`, buildings: [{ name: 'Bâtiment A', dwellings: PER_BOARD }] });
		const homes = await data.db.select({ id: households.id }).from(households).where(eq(households.residenceId, residence.id));
		const ids = homes.map(() => randomIds.id());
		const tokens = ids.map(() => generateSessionToken(randomIds));
		await data.write(async (tx) => {
			for (const [i, id] of ids.entries()) {
				await tx.insert(users).values({ id, username: `r${b}-t${i}`, email: null, displayName: `Voisin ${b}-${i}`, passwordHash, isAdmin: false, householdId: homes[i]!.id, createdAt: at, passwordChangedAt: at });
				await tx.insert(memberships).values({ id: randomIds.id(), userId: id, spaceType: 'residence', spaceId: residence.id, role: 'tenant', collegeId: null, createdAt: at });
				await tx.insert(sessions).values({ id: sessionIdFromToken(tokens[i]!), userId: id, expiresAt });
			}
		});
		ids.forEach((id, i) => members.push({ id, cookie: `${SESSION_COOKIE}=${tokens[i]}`, residenceId: residence.id }));
		const proposer = (await loadActor(data, ids[0]!))!;
		const list: string[] = [];
		for (let p = 0; p < PROPOSALS_PER_BOARD; p++) list.push((await services.proposals.propose(proposer, { residenceId: residence.id, title: `Idée ${p + 1} de la résidence ${b + 1}` })).id);
		proposals.set(residence.id, list);
		if (b === 0) {
			const facilitatorId = randomIds.id();
			await insertUser(facilitatorId, 'bench-facilitator', null);
			await data.write((tx) => tx.insert(memberships).values({ id: randomIds.id(), userId: facilitatorId, spaceType: 'residence', spaceId: residence.id, role: 'facilitator', collegeId: null, createdAt: at }).then(() => undefined));
			const facilitator = (await loadActor(data, facilitatorId))!;
			const space = { type: 'residence' as const, id: residence.id };
			const { id } = await services.consultations.create(facilitator, { space, question: 'Quel banc ?', method: 'plurality', options: [{ label: 'Bois' }, { label: 'Métal' }], electorate: 'residence', countBy: 'household', secrecy: 'public', resultsVisibility: 'live', openNow: true });
			const view = await services.consultations.view(facilitator, id);
			vote = { id, options: view.options.map((o) => o.id), residenceId: residence.id };
		}
	}
	const meeting = await seedMeeting(services, admin, { users, memberships, sessions }, { passwordHash, at, expiresAt });
	await services.settled();
	await store.close();
	return { members, proposals, vote: vote!, meeting };
}

/** A governance body of 60 members in three colleges, its meeting open on its first item, everyone checked in. */
async function seedMeeting(
	services: ReturnType<typeof createServices>,
	admin: SessionUser,
	t: Pick<ReturnType<typeof createServices>['deps']['data']['t'], 'users' | 'memberships' | 'sessions'>,
	at: { passwordHash: string; at: Date; expiresAt: Date }
): Promise<Seeded['meeting']> {
	const { data } = services.deps;
	const network = await services.admin.createOrganisation(admin, { name: 'Réseau du banc d’essai', kind: 'network' });
	const body = await services.admin.createBody(admin, {
		organisationId: network.id,
		name: 'Comité du banc d’essai',
		proxyLimit: 1,
		colleges: [
			{ name: 'Lieux', weight: 0.4, seats: 20 },
			{ name: 'Bénévoles', weight: 0.4, seats: 20 },
			{ name: 'Partenaires', weight: 0.2, seats: 20 }
		]
	});
	const colleges = await data.db.select({ id: data.t.colleges.id }).from(data.t.colleges).where(eq(data.t.colleges.bodyId, body.id)).orderBy(asc(data.t.colleges.position), asc(data.t.colleges.id));
	const ids = Array.from({ length: MEETING_MEMBERS + 1 }, () => randomIds.id());
	const tokens = ids.map(() => generateSessionToken(randomIds));
	await data.write(async (tx) => {
		for (const [i, id] of ids.entries()) {
			await tx.insert(t.users).values({ id, username: `m-${i}`, email: null, displayName: i === 0 ? 'Présidente' : `Membre ${i}`, passwordHash: at.passwordHash, isAdmin: false, householdId: null, createdAt: at.at, passwordChangedAt: at.at });
			await tx.insert(t.memberships).values({ id: randomIds.id(), userId: id, spaceType: 'body', spaceId: body.id, role: i === 0 ? 'chair' : 'member', collegeId: colleges[i % colleges.length]!.id, createdAt: at.at });
			await tx.insert(t.sessions).values({ id: sessionIdFromToken(tokens[i]!), userId: id, expiresAt: at.expiresAt });
		}
	});
	const chair = (await loadActor(data, ids[0]!))!;
	const m = services.meetings;
	const { id } = await m.schedule(chair, { bodyId: body.id, title: 'Assemblée du banc d’essai', startsAt: '2026-12-03T18:30' });
	const item = await m.addItem(chair, { meetingId: id, title: 'Tour de parole', kind: 'discussion' });
	await m.open(chair, { meetingId: id });
	for (const userId of ids.slice(1)) await m.checkIn(chair, { meetingId: id, userId });
	await m.moveTo(chair, { meetingId: id, expected: '', to: item.id });
	return { id, bodyId: body.id, members: ids.slice(1).map((userId, i) => ({ id: userId, cookie: `${SESSION_COOKIE}=${tokens[i + 1]}`, residenceId: '' })) };
}

/** One node alone runs as a single-node deployment does (live state in memory); several share Redis. */
function startNode(file: string, port: number, prefix: string | null): ChildProcess {
	const shared = prefix ? { REDIS_URL, REDIS_PREFIX: prefix } : {};
	const { REDIS_URL: _ignored, ...env } = process.env;
	const child = spawn(process.execPath, SERVER_NODE_ARGS, {
		env: { ...env, DATABASE_URL: file, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...shared },
		stdio: ['ignore', 'ignore', 'inherit'],
		detached: true
	});
	process.once('exit', () => stop(child));
	return child;
}

function stop(child: ChildProcess) {
	try {
		if (child.pid) process.kill(-child.pid, 'SIGKILL');
	} catch {
		/* already gone */
	}
}

async function ready(url: string) {
	for (let i = 0; i < 300; i++) {
		try {
			if ((await fetch(`${url}/readyz`)).ok) return;
		} catch {
			/* not listening yet */
		}
		await sleep(200);
	}
	throw new Error(`${url} did not become ready within 60 s`);
}

async function post(url: string, path: string, cookie: string, form: Record<string, string>): Promise<boolean> {
	try {
		const res = await fetch(`${url}${path}`, {
			method: 'POST',
			headers: { cookie, origin: url, 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
			body: new URLSearchParams(form).toString()
		});
		const body = (await res.json()) as { type?: string };
		return res.ok && body.type === 'success';
	} catch {
		return false;
	}
}

/** Bytes the local Redis has taken in and sent out since it started (`INFO stats`). */
async function redisTraffic(): Promise<number> {
	const client = redisClient({ url: REDIS_URL, name: 'bench traffic' });
	await client.connect();
	try {
		const stats = await client.info('stats');
		const read = (key: string) => Number(new RegExp(`^${key}:(\\d+)`, 'm').exec(stats)?.[1] ?? Number.NaN);
		return read('total_net_input_bytes') + read('total_net_output_bytes');
	} finally {
		await client.quit();
	}
}

interface RunFigures {
	/** From the first client process told to start until every member is connected and joined. */
	connectSeconds: number;
	/** Bytes Redis took in and sent out meanwhile (every client of the server: the nodes, mostly). */
	connectRedisBytes: number;
	httpMs: number[];
	fanoutMs: number[];
	voteMs: number[];
	meetingMs: number[];
	errors: number;
	lost: number;
}

const ENGINE = process.env.BENCH_CLUSTER_DATABASE === 'sqlite' ? 'sqlite' : 'postgres';
const PG_ADMIN = POSTGRES_ADMIN_URL;

const admin = (statement: string): Promise<void> => withAdmin(async (c) => void (await c.query(statement)));

function pgUrl(name: string): string {
	const u = new URL(PG_ADMIN);
	u.pathname = `/${name}`;
	return u.toString();
}

/** Where the seeded template lives: a SQLite file in `dir`, or a PostgreSQL database of its own. */
async function createTemplate(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
	if (ENGINE === 'sqlite') return { url: join(dir, 'seed.db'), drop: async () => {} };
	const name = `tib_bench_cluster_tpl_${randomBytes(4).toString('hex')}`;
	await admin(`create database ${name}`);
	return { url: pgUrl(name), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** A fresh copy of the template for one run. */
async function copyOf(template: string, dir: string): Promise<{ url: string; drop(): Promise<void> }> {
	if (ENGINE === 'sqlite') {
		const file = join(dir, 'app.db');
		copyFileSync(template, file);
		return { url: file, drop: async () => {} };
	}
	const name = `tib_bench_cluster_${randomBytes(4).toString('hex')}`;
	await admin(`create database ${name} template ${new URL(template).pathname.slice(1)}`);
	return { url: pgUrl(name), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

async function run(template: string, seeded: Seeded, nodeCount: number): Promise<RunFigures> {
	const dir = mkdtempSync(join(tmpdir(), 'tib-bench-cluster-'));
	const copy = await copyOf(template, dir);
	const file = copy.url;
	const prefix = `tib-bench:${randomBytes(4).toString('hex')}:`;
	const ports = Array.from({ length: nodeCount }, (_, i) => BASE_PORT + i);
	const urls = ports.map((p) => `http://127.0.0.1:${p}`);
	const nodes = ports.map((p) => startNode(file, p, nodeCount > 1 ? prefix : null));
	const clients: ChildProcess[] = [];
	try {
		await Promise.all(urls.map(ready));
		const nodeOf = (i: number) => i % nodeCount;
		// Members dealt to the client processes; each connects to its own node.
		const done = new Map<string, number[]>();
		let readyCount = 0;
		let meetingReady = 0;
		const meetingSeen: { speeches: number; at: number }[] = Array.from({ length: CLIENT_PROCESSES }, () => ({ speeches: 0, at: 0 }));
		const trafficBefore = await redisTraffic();
		const connectStart = now();
		for (let c = 0; c < CLIENT_PROCESSES; c++) {
			const child = fork(resolve(import.meta.dirname, 'cluster-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
			clients.push(child);
			child.on('message', (m: { type: string; actorId?: string; seq?: number; at?: number; message?: string; speeches?: number }) => {
				if (m.type === 'ready') readyCount++;
				else if (m.type === 'meeting-ready') meetingReady++;
				else if (m.type === 'meeting') meetingSeen[c] = { speeches: m.speeches!, at: m.at! };
				else if (m.type === 'error') console.error(`client process: ${m.message}`);
				else if (m.type === 'done') {
					const key = `${m.actorId}:${m.seq}`;
					done.set(key, [...(done.get(key) ?? []), m.at!]);
				}
			});
			const mine = seeded.members.map((m, i) => ({ ...m, node: nodeOf(i) })).filter((_, i) => i % CLIENT_PROCESSES === c);
			child.send({ type: 'start', urls, members: mine.map(({ cookie, residenceId, node }) => ({ cookie, residenceId, node })) });
		}
		for (let i = 0; readyCount < CLIENT_PROCESSES; i++) {
			if (i > 6000) throw new Error('client processes did not connect within 120 s');
			await sleep(20);
		}
		const connectSeconds = (now() - connectStart) / 1000;
		const connectRedisBytes = (await redisTraffic()) - trafficBefore;

		// Every client process has members on every board: an update has arrived when all of them said so.
		const boardsOfProcess = CLIENT_PROCESSES;
		const actors = seeded.members.map((m, i) => ({ ...m, node: nodeOf(i) })).filter((_, i) => i % PER_BOARD < ACTORS_PER_BOARD);
		const state = new Map<string, { seq: number; on: boolean }>();
		const sent: { key: string; at: number }[] = [];
		const httpMs: number[] = [];
		let errors = 0;
		const inflight: Promise<void>[] = [];
		const total = RATE * SECONDS;
		const started = now();
		for (let k = 0; k < total; k++) {
			const wait = started + (k * 1000) / RATE - now();
			if (wait > 0) await sleep(wait);
			const actor = actors[k % actors.length]!;
			const s = state.get(actor.id) ?? { seq: 0, on: false };
			state.set(actor.id, s);
			const list = seeded.proposals.get(actor.residenceId)!;
			s.on = !s.on;
			const key = `${actor.id}:${s.seq++}`;
			const at = now();
			sent.push({ key, at });
			inflight.push(
				post(urls[actor.node]!, `/r/${actor.residenceId}/board?/support`, actor.cookie, { proposalId: list[0]!, on: String(s.on) }).then((ok) => {
					if (ok) httpMs.push(now() - at);
					else errors++;
				})
			);
		}
		await Promise.all(inflight);
		const deadline = now() + ARRIVAL_TIMEOUT_MS;
		while (now() < deadline && sent.some(({ key }) => (done.get(key)?.length ?? 0) < boardsOfProcess)) await sleep(50);
		const fanoutMs: number[] = [];
		let lost = 0;
		for (const { key, at } of sent) {
			const arrivals = done.get(key) ?? [];
			if (arrivals.length < boardsOfProcess) lost++;
			else fanoutMs.push(Math.max(...arrivals) - at);
		}

		// The live vote: the first residence's 100 tenants at once, 20 requests at a time.
		const voters = seeded.members.map((m, i) => ({ ...m, node: nodeOf(i) })).filter((m) => m.residenceId === seeded.vote.residenceId);
		const voteMs: number[] = [];
		let next = 0;
		await Promise.all(
			Array.from({ length: 20 }, async () => {
				while (next < voters.length) {
					const v = voters[next++]!;
					const at = now();
					if (await post(urls[v.node]!, `/c/${seeded.vote.id}?/vote`, v.cookie, { choice: seeded.vote.options[next % 2]! })) voteMs.push(now() - at);
					else errors++;
				}
			})
		);
		// The meeting: its members join the room, each client process on its share, on their nodes; then
		// they raise their hands one after another, and each change is timed to the last screen.
		const meetingMembers = seeded.meeting.members.map((m, i) => ({ ...m, node: nodeOf(i) }));
		clients.forEach((child, c) => {
			const mine = meetingMembers.filter((_, i) => i % CLIENT_PROCESSES === c);
			child.send({ type: 'meeting', urls, meetingId: seeded.meeting.id, members: mine.map(({ cookie, node }) => ({ cookie, node })) });
		});
		for (let i = 0; meetingReady < CLIENT_PROCESSES; i++) {
			if (i > 600) throw new Error('meeting screens did not join within 60 s');
			await sleep(100);
		}
		const meetingMs: number[] = [];
		const room = `/b/${seeded.meeting.bodyId}/meetings/${seeded.meeting.id}/room?/raiseHand`;
		for (const [k, member] of meetingMembers.entries()) {
			const at = now();
			if (!(await post(urls[member.node]!, room, member.cookie, { meetingId: seeded.meeting.id }))) {
				errors++;
				continue;
			}
			const deadline = now() + ARRIVAL_TIMEOUT_MS;
			while (now() < deadline && meetingSeen.some((s) => s.speeches < k + 1)) await sleep(2);
			if (meetingSeen.some((s) => s.speeches < k + 1)) lost++;
			else meetingMs.push(Math.max(...meetingSeen.map((s) => s.at)) - at);
		}
		return { connectSeconds, connectRedisBytes, httpMs, fanoutMs, voteMs, meetingMs, errors, lost };
	} finally {
		for (const c of clients) c.kill('SIGKILL');
		for (const n of nodes) stop(n);
		await sleep(300);
		await copy.drop();
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function benchCluster(): Promise<BenchRow[]> {
	buildIfStale();
	const dir = mkdtempSync(join(tmpdir(), 'tib-bench-cluster-seed-'));
	const template = await createTemplate(dir);
	try {
		const seeded = await seed(template.url);
		const rows: BenchRow[] = [];
		for (const n of [1, 2]) {
			const f = await run(template.url, seeded, n);
			const label = `${ENGINE === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${n === 1 ? '1 node (memory)' : `${n} nodes (Redis)`}`;
			rows.push(
				{ name: `${label}: ${(BOARDS * PER_BOARD).toLocaleString('en')} members connected and joined`, value: f.connectSeconds, unit: 's' },
				{ name: `${label}: Redis traffic meanwhile (in + out)`, value: f.connectRedisBytes / 1e6, unit: 'MB' },
				{ name: `${label}: support, HTTP p50`, value: percentile(f.httpMs, 50), unit: 'ms' },
				{ name: `${label}: support, HTTP p99`, value: percentile(f.httpMs, 99), unit: 'ms' },
				{ name: `${label}: support → every member of the board, p50`, value: percentile(f.fanoutMs, 50), unit: 'ms' },
				{ name: `${label}: support → every member of the board, p99`, value: percentile(f.fanoutMs, 99), unit: 'ms' },
				{ name: `${label}: vote acknowledged, p50`, value: percentile(f.voteMs, 50), unit: 'ms' },
				{ name: `${label}: vote acknowledged, p99`, value: percentile(f.voteMs, 99), unit: 'ms' },
				{ name: `${label}: meeting change → every member's screen, p50`, value: percentile(f.meetingMs, 50), unit: 'ms' },
				{ name: `${label}: meeting change → every member's screen, p99`, value: percentile(f.meetingMs, 99), unit: 'ms' },
				{ name: `${label}: failed requests`, value: f.errors, unit: 'requests' },
				{ name: `${label}: updates not delivered to every member`, value: f.lost, unit: 'updates' }
			);
		}
		return rows;
	} finally {
		await template.drop();
		rmSync(dir, { recursive: true, force: true });
	}
}
