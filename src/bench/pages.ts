/**
 * Pages as a browser and a room of phones get them, from the BUILT app (`npm run build` first; the
 * bench builds it when `build/` is missing) served by `src/server.ts` on a loopback port, on a fresh
 * SQLite file with the demo data and L’Aventurière's board filled to 120 ideas (then on PostgreSQL).
 *
 * 1. JavaScript on first load: the gzip size of every script a page loads before any interaction
 *    (its `modulepreload` links and entry imports, read from the served HTML), for the board, a
 *    proposal and a vote, against the goal of 60 KB each.
 * 2. Pages under load, with autocannon (a maintained HTTP load tool, run in this process while the
 *    server has its own): 50 concurrent signed-in readers for 10 s on the board page and on its
 *    `__data.json`, against the goals of 150 pages/s and p99 under 500 ms. The floor, measured the
 *    same way in the same run, is a static asset from the same server: what the machine and Node
 *    serve with no page work at all.
 *    The server's CPU time per board page (user + system, read from /proc) is printed too: on a busy
 *    machine it is steadier than the rate. So is its main thread's share, which is what bounds the
 *    rate (compression and part of the garbage collector run on other threads), and the minor page
 *    faults per page: memory the kernel maps in afresh, which V8 and the allocator take from and give
 *    back to the system. A string of 128 KB or more is one such block in V8: the board of 120 ideas
 *    (~270 KB) made one per page, ~80 faults, until the server's build sent it in parts
 *    (src/build/page-parts.ts; ~5–20 faults a page since). What a fault costs
 *    depends on the host (a virtual machine's can be ten times a bare machine's), so the count says
 *    how much of the main thread's time may be the kernel's. So is the server's own time per board
 *    page (its `request` event to the last byte handed to the system, server-latency.mjs): what the
 *    load tool measures on top of it is queueing before the server reads a request and the tool's
 *    own reading, on the same two cores. The slowest first page of the connections a run opens
 *    together is printed as well: how long the last of a room of phones arriving at once waited to
 *    be let in.
 * 3. Memory: the server's resident set after warm-up, after the first load round and after a second
 *    one (flat means no growth between the two rounds). The warm-up (BENCH_PAGES_WARMUP_SECONDS, as
 *    long as a round by default) loads the board page as the rounds do, so that the rounds measure a
 *    server that has compiled its path and grown its heap, as one does after its first minute.
 * 4. The same board on PostgreSQL (the scale-out mode's database, one node): a fresh database on the
 *    local server, the same data and load, against the same goals; with PostgreSQL's own CPU per page
 *    beside the server's (`postgresRound`).
 *
 * BENCH_PAGES_ENGINES=postgres runs the PostgreSQL round alone (sqlite: the SQLite rounds alone).
 *
 *   npm run bench -- pages        BENCH_PAGES_SECONDS=10 BENCH_PAGES_ENGINES=sqlite,postgres npx tsx src/bench/pages.ts
 */
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import { createSession, generateSessionToken, loadActor, SESSION_COOKIE } from '../lib/server/auth/session';
import { openDataStore } from '../lib/server/db/open';
import { seedDemo } from '../lib/server/demo/seed';
import { randomIds, systemClock } from '../lib/server/ids';
import { createLocalBus } from '../lib/server/realtime/bus';
import { createServices } from '../lib/server/services';
import { freshPostgres } from '../lib/server/testing/postgres';
import { SERVER_NODE_ARGS } from '../cli/server-node.mjs';
import { atLeast, atMost, type BenchRow } from './row';

const PORT = Number(process.env.BENCH_PAGES_PORT ?? 4391);
const SECONDS = Number(process.env.BENCH_PAGES_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_PAGES_CONNECTIONS ?? 50);
/**
 * The warm-up before the measured rounds, as long as a round: after 3 s the first round still ran
 * ~20 % slower than the second (106/135, 123/146, 134/166, 136/168 pages/s in four runs), the server
 * still compiling and its heap still growing; after 10 s they mostly agree (128/130, 169/162,
 * 115/106, 133/129, 147/139, 136/136; 134/150 in one full run, on a machine whose speed swings).
 */
const WARMUP_SECONDS = Number(process.env.BENCH_PAGES_WARMUP_SECONDS ?? SECONDS);
const IDEAS = 120;
const JS_GOAL_KB = 60;
const RATE_GOAL = 150;
const P99_GOAL_MS = 500;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The demo data with L’Aventurière's board filled to IDEAS ideas, and amina's session, in `url` (SQLite file or PostgreSQL). */
async function prepare(url: string) {
	const opened = await openDataStore(url, { poolSize: 4 });
	const services = createServices({ db: opened.db, data: opened.data, clock: systemClock, ids: randomIds, bus: createLocalBus() });
	try {
		await seedDemo(services);
		const { db, t } = opened.data;
		const [residence] = await db.select().from(t.residences).where(eq(t.residences.name, 'L’Aventurière'));
		const [amina] = await db.select().from(t.users).where(eq(t.users.username, 'amina'));
		if (!residence || !amina) throw new Error('demo data without L’Aventurière or amina');
		const actor = await loadActor(services.deps.data, amina.id);
		const onBoard = async () => (await db.select({ id: t.proposals.id }).from(t.proposals).where(and(eq(t.proposals.spaceType, 'residence'), eq(t.proposals.spaceId, residence.id)))).length;
		for (let i = await onBoard(); i < IDEAS; i++) {
			await services.proposals.propose(actor, {
				residenceId: residence.id,
				title: `Idée de banc numéro ${i + 1}`,
				description: 'Un banc à l’ombre près de l’aire de jeux, pour que les parents puissent s’asseoir.',
				category: 'furniture'
			});
		}
		const [proposal] = await db.select({ id: t.proposals.id }).from(t.proposals).where(eq(t.proposals.spaceId, residence.id)).limit(1);
		const [vote] = await db.select({ id: t.consultations.id }).from(t.consultations).where(eq(t.consultations.spaceId, residence.id)).limit(1);
		const token = generateSessionToken(randomIds);
		await createSession(services.deps.data, systemClock, token, amina.id);
		const count = await onBoard();
		await services.settled();
		return { residenceId: residence.id, proposalId: proposal?.id, voteId: vote?.id, cookie: `${SESSION_COOKIE}=${token}`, ideas: count };
	} finally {
		await opened.close();
	}
}

function stop(child: ChildProcess, signal: NodeJS.Signals) {
	try {
		if (child.pid) process.kill(-child.pid, signal);
	} catch {
		/* already gone */
	}
}

/** Where the server writes its own times for the board page (server-latency.mjs). */
const latencyFile = (dir: string) => join(dir, 'server-latency.txt');

/** The built server on DATABASE_URL `url` (a SQLite file or PostgreSQL), writing its own times into `dir`. */
async function startServer(url: string, board: string, dir: string): Promise<ChildProcess> {
	const latency = {
		NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(resolve('src/bench/server-latency.mjs')).href}`.trim(),
		BENCH_LATENCY_PATH: board,
		BENCH_LATENCY_FILE: latencyFile(dir)
	};
	const child = spawn(process.execPath, SERVER_NODE_ARGS, {
		env: { ...process.env, ...latency, DATABASE_URL: url, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ORIGIN: `http://127.0.0.1:${PORT}` },
		stdio: ['ignore', 'ignore', 'inherit'],
		// Its own process group, so that stopping it also stops anything it starts.
		detached: true
	});
	process.once('exit', () => stop(child, 'SIGKILL'));
	for (let i = 0; i < 300; i++) {
		try {
			const res = await fetch(`http://127.0.0.1:${PORT}/`);
			if (res.ok) return child;
		} catch {
			/* not listening yet */
		}
		await sleep(200);
	}
	stop(child, 'SIGKILL');
	throw new Error('the built server did not start within 60 s');
}

interface ManifestChunk {
	file: string;
	imports?: string[];
}

/**
 * Every script the page loads before any interaction, gzip bytes summed: SvelteKit's two entries,
 * the page's route nodes (`node_ids` in the served HTML) and the root error page (the router loads it
 * at start), each with its static imports followed through Vite's client manifest. The page's texts
 * come with its data (no catalogue chunk any more: src/lib/i18n/route-keys.ts). Dynamic imports (the
 * live connection, the co-editor, drag and drop…) are not counted: they load only when used.
 * `npm run bench -- bundle` gives the same from the build alone, with what loads later.
 */
async function firstLoadJs(path: string, cookie: string): Promise<number> {
	const html = await (await fetch(`http://127.0.0.1:${PORT}${path}`, { headers: { cookie } })).text();
	const manifest = JSON.parse(readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8')) as Record<string, ManifestChunk>;
	const nodeIds = (html.match(/node_ids:\s*\[([^\]]*)\]/)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
	const roots = [
		'node_modules/@sveltejs/kit/src/runtime/client/entry.js',
		'.svelte-kit/generated/client-optimized/app.js',
		'.svelte-kit/generated/client-optimized/nodes/1.js',
		...nodeIds.map((id) => `.svelte-kit/generated/client-optimized/nodes/${id}.js`)
	];
	const files = new Set<string>();
	const visit = (key: string) => {
		const chunk = manifest[key];
		if (!chunk || files.has(chunk.file)) return;
		files.add(chunk.file);
		for (const next of chunk.imports ?? []) visit(next);
	};
	roots.forEach(visit);
	let bytes = 0;
	for (const file of files) bytes += gzipSync(readFileSync(resolve('build/client', file)), { level: 9 }).byteLength;
	return bytes;
}

/** The server's process and its children, if any (it is started as `npm start` starts it: src/cli/server-node.mjs). */
const serverPids = (pid: number) => [pid, ...spawnSync('pgrep', ['-P', String(pid)]).stdout.toString().split('\n').filter(Boolean).map(Number)];

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;

interface ServerCounters {
	/** CPU time (user + system) of all the server's threads, in ms: steadier than a rate on a busy machine. */
	cpu: number;
	/** CPU time of the main threads alone (JavaScript, rendering, the garbage collector's pauses), in ms. */
	main: number;
	/** Minor page faults: memory the kernel had to map in (each large allocation the process touches afresh). */
	faults: number;
}

/** Fields after the command name in parentheses of /proc/…/stat (field 3 is at index 0). */
const statFields = (path: string) => readFileSync(path, 'utf8').replace(/^.*\) /, '').split(' ');

/** What the server's processes have used so far (utime, stime and minflt of /proc/PID/stat and of each main thread). */
function counters(pid: number | undefined): ServerCounters {
	const total = { cpu: 0, main: 0, faults: 0 };
	if (!pid) return total;
	for (const p of serverPids(pid)) {
		try {
			// Fields 10, 14 and 15: minor faults, then utime and stime in clock ticks.
			const all = statFields(`/proc/${p}/stat`);
			const main = statFields(`/proc/${p}/task/${p}/stat`);
			total.faults += Number(all[7]);
			total.cpu += ((Number(all[11]) + Number(all[12])) * 1000) / TICKS_PER_SECOND;
			total.main += ((Number(main[11]) + Number(main[12])) * 1000) / TICKS_PER_SECOND;
		} catch {
			/* gone */
		}
	}
	return total;
}

/**
 * The server's own times for the board page from now until the returned function is called
 * (server-latency.mjs; SIGUSR2 to the server's processes makes it write them, then forget them).
 */
async function serverLatency(pid: number | undefined, dir: string): Promise<() => Promise<number[]>> {
	const file = latencyFile(dir);
	const dump = async () => {
		rmSync(file, { force: true });
		for (const p of pid ? serverPids(pid) : []) process.kill(p, 'SIGUSR2');
		await sleep(200);
		return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
	};
	await dump();
	return dump;
}

/** The statements the server sent to PostgreSQL between the last two dumps of `serverLatency` (server-latency.mjs). */
function postgresQueries(dir: string): number {
	const file = `${latencyFile(dir)}.queries`;
	return existsSync(file) ? Number(readFileSync(file, 'utf8')) : Number.NaN;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!) : 0);

function rssMb(pid: number | undefined): number {
	if (!pid) return 0;
	// Take the largest resident set among the process and its children.
	const pids = serverPids(pid);
	let max = 0;
	for (const p of pids) {
		try {
			const m = readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
			max = Math.max(max, Number(m?.[1] ?? 0) / 1024);
		} catch {
			/* gone */
		}
	}
	return Math.round(max);
}

async function load(path: string, cookie: string, seconds = SECONDS) {
	// As a browser asks: compressed if the server can (pages are compressed by src/server.ts, static files come precompressed).
	const options = { url: `http://127.0.0.1:${PORT}${path}`, connections: CONNECTIONS, duration: seconds, headers: { cookie, 'accept-encoding': 'gzip, deflate, br' } };
	// Each run opens its CONNECTIONS at once, as a room of phones arriving: the slowest first answer
	// on one of them is how long the last of them waited to be let in (src/lib/server/http/turns.ts).
	const answered = new Set<unknown>();
	let slowestFirst = 0;
	const result = await new Promise<autocannon.Result>((done, fail) => {
		const run = autocannon(options, (err, res) => (err ? fail(err) : done(res)));
		run.on('response', (client, _status, _bytes, ms) => {
			if (answered.has(client)) return;
			answered.add(client);
			slowestFirst = Math.max(slowestFirst, ms);
		});
	});
	return { rate: Math.round(result.requests.average), total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, slowestFirst: Math.round(slowestFirst), errors: result.errors + result.non2xx };
}

/** CPU time (user + system, ms) the local PostgreSQL server's processes have used so far. */
function postgresCpu(): number {
	let ms = 0;
	for (const pid of spawnSync('pgrep', ['-x', 'postgres']).stdout.toString().split('\n').filter(Boolean)) {
		try {
			const f = statFields(`/proc/${pid}/stat`);
			ms += ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
		} catch {
			/* gone */
		}
	}
	return ms;
}

/**
 * The same board on PostgreSQL, the scale-out mode's database (one node here): a fresh database on
 * the local server (tests' template, dropped after), the same data, a warm-up and one round of the
 * board page. Beside the server's CPU per page, PostgreSQL's own (its processes on this machine, read
 * from /proc: a connection opened during the round counts from its start). Left out, with a word on
 * stderr, when no PostgreSQL answers.
 */
async function postgresRound(): Promise<BenchRow[]> {
	let database: Awaited<ReturnType<typeof freshPostgres>>;
	try {
		database = await freshPostgres('pages');
	} catch (err) {
		process.stderr.write(`pages: no PostgreSQL to run the board on (${String(err)}); its round is left out\n`);
		return [];
	}
	const dir = mkdtempSync(join(tmpdir(), 'tib-bench-pages-pg-'));
	let server: ChildProcess | null = null;
	try {
		const ctx = await prepare(database.url);
		const board = `/r/${ctx.residenceId}/board`;
		server = await startServer(database.url, board, dir);
		await load(board, ctx.cookie, WARMUP_SECONDS); // warm-up
		const before = counters(server.pid);
		const postgresBefore = postgresCpu();
		const own = await serverLatency(server.pid, dir);
		const page = await load(board, ctx.cookie);
		const after = counters(server.pid);
		const postgresAfter = postgresCpu();
		const served = (await own()).length;
		const statements = postgresQueries(dir);
		const perPage = (ms: number) => Math.round((ms / Math.max(1, page.total)) * 100) / 100;
		const label = `${ctx.ideas} ideas, ${CONNECTIONS} concurrent, one node`;
		return [
			{ name: `board page on PostgreSQL (${label})`, value: page.rate, unit: 'req/s', goal: atLeast(5, RATE_GOAL) },
			{ name: `board page on PostgreSQL: ratio to the goal of ${RATE_GOAL} (≥ 1 meets it)`, value: Math.round((page.rate / RATE_GOAL) * 100) / 100, unit: '×' },
			{ name: `board page on PostgreSQL p50`, value: page.p50, unit: 'ms' },
			{ name: `board page on PostgreSQL p99 (goal < ${P99_GOAL_MS} ms)`, value: page.p99, unit: 'ms', goal: atMost(5, P99_GOAL_MS) },
			{ name: `board page on PostgreSQL: server CPU per page`, value: perPage(after.cpu - before.cpu), unit: 'ms' },
			{ name: `board page on PostgreSQL: server main-thread CPU per page`, value: perPage(after.main - before.main), unit: 'ms' },
			{ name: `board page on PostgreSQL: PostgreSQL's CPU per page`, value: perPage(postgresAfter - postgresBefore), unit: 'ms' },
			{ name: `board page on PostgreSQL: statements sent per page (round trips)`, value: served ? Math.round((statements / served) * 100) / 100 : Number.NaN, unit: '' },
			{ name: `board page on PostgreSQL: errors and non-2xx`, value: page.errors, unit: '' }
		];
	} finally {
		if (server) {
			stop(server, 'SIGTERM');
			await sleep(500);
			stop(server, 'SIGKILL');
		}
		await database.drop();
		rmSync(dir, { recursive: true, force: true });
	}
}

const ENGINES = (process.env.BENCH_PAGES_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());

export async function benchPages(): Promise<BenchRow[]> {
	if (!existsSync('build/handler.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
	if (!ENGINES.includes('sqlite')) return ENGINES.includes('postgres') ? postgresRound() : [];
	const dir = mkdtempSync(join(tmpdir(), 'tib-bench-pages-'));
	const file = join(dir, 'app.db');
	const rows: BenchRow[] = [];
	let server: ChildProcess | null = null;
	try {
		const ctx = await prepare(file);
		const board = `/r/${ctx.residenceId}/board`;
		server = await startServer(file, board, dir);
		const pages: [string, string | null][] = [
			['board', board],
			['proposal', ctx.proposalId ? `${board}/p/${ctx.proposalId}` : null],
			['vote', ctx.voteId ? `/c/${ctx.voteId}` : null]
		];
		for (const [name, path] of pages) {
			if (!path) continue;
			const kb = Math.round((await firstLoadJs(path, ctx.cookie)) / 102.4) / 10;
			rows.push({ name: `first-load JS, ${name} page (goal ${JS_GOAL_KB} KB gzip)`, value: kb, unit: 'KB' });
			rows.push({ name: `first-load JS, ${name} page: ratio to the goal (≤ 1 meets it)`, value: Math.round((kb / JS_GOAL_KB) * 100) / 100, unit: '×' });
		}

		const html = await (await fetch(`http://127.0.0.1:${PORT}${board}`, { headers: { cookie: ctx.cookie } })).text();
		const asset = `/${(html.match(/href="([^"]+\.css)"/)?.[1] ?? 'favicon.svg').replace(/^(\.\.?\/)+/, '')}`;
		await load(board, ctx.cookie, WARMUP_SECONDS); // warm-up
		const rssWarm = rssMb(server.pid);
		const floor = await load(asset, ctx.cookie);
		const before = counters(server.pid);
		const serverTimes = await serverLatency(server.pid, dir); // forgets the warm-up's
		const page = await load(board, ctx.cookie);
		const after = counters(server.pid);
		const perView = (key: keyof ServerCounters, digits: number) => Math.round(((after[key] - before[key]) / Math.max(1, page.total)) * 10 ** digits) / 10 ** digits;
		const own = await serverTimes();
		const data = await load(`${board}/__data.json`, ctx.cookie);
		const rssAfterFirst = rssMb(server.pid);
		const again = await load(board, ctx.cookie);
		const rssAfterSecond = rssMb(server.pid);
		// Each column shows its top 30 cards: the page above carries 30 of the idea column's cards. With
		// the whole column asked for, every card is on the page, as every board page was before: the
		// goal holds for both.
		const whole = await load(`${board}?col=idea&all=idea`, ctx.cookie);
		const label = `${ctx.ideas} ideas, ${CONNECTIONS} concurrent`;
		rows.push(
			{ name: `floor: static asset from the same server (${CONNECTIONS} concurrent)`, value: floor.rate, unit: 'req/s' },
			{ name: `board page (${label}), goal ≥ ${RATE_GOAL}`, value: page.rate, unit: 'req/s', goal: atLeast(5, RATE_GOAL) },
			{ name: `board page: ratio to the goal (≥ 1 meets it)`, value: Math.round((page.rate / RATE_GOAL) * 100) / 100, unit: '×' },
			{ name: `board page: ratio to the floor`, value: Math.round((page.rate / Math.max(1, floor.rate)) * 1000) / 1000, unit: '×' },
			{ name: `board page p50`, value: page.p50, unit: 'ms' },
			{ name: `board page p99 (goal < ${P99_GOAL_MS} ms)`, value: page.p99, unit: 'ms', goal: atMost(5, P99_GOAL_MS) },
			{ name: `board page: slowest first page of the ${CONNECTIONS} connections opened together`, value: page.slowestFirst, unit: 'ms' },
			{ name: `server CPU per board page`, value: perView('cpu', 2), unit: 'ms' },
			{ name: `server main-thread CPU per board page (the one that bounds the rate)`, value: perView('main', 2), unit: 'ms' },
			{ name: `server minor page faults per board page`, value: perView('faults', 0), unit: '' },
			{ name: `board page p50, the server's own time (request → last byte sent)`, value: percentile(own, 0.5), unit: 'ms' },
			{ name: `board page p99, the server's own time`, value: percentile(own, 0.99), unit: 'ms' },
			{ name: `board page errors and non-2xx`, value: page.errors + again.errors + whole.errors, unit: '' },
			{ name: `board __data.json (${label})`, value: data.rate, unit: 'req/s' },
			{ name: `board __data.json p50`, value: data.p50, unit: 'ms' },
			{ name: `board __data.json p99`, value: data.p99, unit: 'ms' },
			{ name: `board page, second round`, value: again.rate, unit: 'req/s' },
			{ name: `board page with its whole column of ideas (?all=idea: every card on the page), goal ≥ ${RATE_GOAL}`, value: whole.rate, unit: 'req/s', goal: atLeast(5, RATE_GOAL) },
			{ name: `board page with its whole column of ideas p99 (goal < ${P99_GOAL_MS} ms)`, value: whole.p99, unit: 'ms', goal: atMost(5, P99_GOAL_MS) },
			{ name: `server memory after warm-up`, value: rssWarm, unit: 'MB' },
			{ name: `server memory after the first load round`, value: rssAfterFirst, unit: 'MB' },
			{ name: `server memory after a second round (flat = no growth)`, value: rssAfterSecond, unit: 'MB' }
		);
	} finally {
		if (server) {
			stop(server, 'SIGTERM');
			await sleep(500);
			stop(server, 'SIGKILL');
		}
		rmSync(dir, { recursive: true, force: true });
	}
	if (ENGINES.includes('postgres')) rows.push(...(await postgresRound()));
	return rows;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
	const results = await benchPages();
	const width = Math.max(...results.map((r) => r.name.length));
	for (const r of results) console.log(`${r.name.padEnd(width)}  ${String(r.value).padStart(10)}  ${r.unit}`);
	process.exit(0);
}
