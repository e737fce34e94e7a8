/**
 * `npm run cluster`: the production shape on one machine — two app nodes on one PostgreSQL database
 * and the local Redis, behind HAProxy (Debian's, installed when missing) with sticky sessions, as
 * socket.io's long-polling transport requires. Prints the address, stops everything on Ctrl-C.
 *
 * Environment (all optional):
 * - `CLUSTER_PORT` (3000): where the load balancer listens; the nodes take the next ports.
 * - `CLUSTER_NODES` (2): how many app nodes.
 * - `DATABASE_URL` (postgres://postgres@127.0.0.1:5432/tib_cluster): the shared database, created
 *   when missing (the local PostgreSQL is started when it does not answer, as `.ci/run` does). A
 *   SQLite file path works too: the nodes then share the file (WAL; one writer at a time across
 *   processes), which shows correctness under sharing but adds no capacity.
 * - `REDIS_URL` (redis://127.0.0.1:6379): started here when nothing answers and `redis-server` exists.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { buildIfStale } from './build-stale';
import { haproxyConfig } from './haproxy';
import { SERVER_NODE_ARGS } from './server-node.mjs';
import { connect } from 'node:net';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.CLUSTER_PORT ?? 3000);
const count = Math.max(1, Math.min(8, Number(process.env.CLUSTER_NODES ?? 2)));
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tib_cluster';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const children: ChildProcess[] = [];

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', env });
	if (r.status !== 0) {
		console.error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
		process.exit(r.status ?? 1);
	}
}

function answers(host: string, p: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = connect({ host, port: p }, () => {
			s.destroy();
			resolve(true);
		});
		s.on('error', () => resolve(false));
		s.setTimeout(1000, () => {
			s.destroy();
			resolve(false);
		});
	});
}

function which(cmd: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function stopAll(code = 0) {
	for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
	setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

/** Starts Debian's local PostgreSQL when it does not answer, and creates the database when missing. */
async function ensurePostgresDatabase(url: string) {
	const target = new URL(url);
	const host = target.hostname || '127.0.0.1';
	const pgPort = Number(target.port || 5432);
	if (!(await answers(host, pgPort)) && (host === '127.0.0.1' || host === 'localhost') && which('pg_ctlcluster')) {
		console.log('Starting PostgreSQL…');
		const version = spawnSync('sh', ['-c', 'ls /etc/postgresql | head -1'], { encoding: 'utf8' }).stdout.trim();
		run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
		for (let i = 0; i < 30 && !(await answers(host, pgPort)); i++) await new Promise((r) => setTimeout(r, 1000));
	}
	const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
	const admin = new URL(url);
	admin.pathname = '/postgres';
	const client = new pg.Client({ connectionString: admin.toString() });
	await client.connect();
	try {
		const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
		if (!rowCount) {
			console.log(`Creating the PostgreSQL database ${name}…`);
			await client.query(`create database "${name.replace(/"/g, '""')}"`);
		}
	} finally {
		await client.end();
	}
}

async function main() {
	if (!which('haproxy')) {
		console.log('Installing HAProxy (Debian package) for the load balancer…');
		run('apt-get', ['install', '-y', '-qq', 'haproxy'], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
	}
	const redis = new URL(redisUrl);
	if (!(await answers(redis.hostname, Number(redis.port || 6379)))) {
		if (!which('redis-server')) throw new Error(`Nothing answers at ${redisUrl} and redis-server is not installed (apt-get install redis-server).`);
		console.log('Starting Redis…');
		run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(redis.port || 6379), '--save', '', '--appendonly', 'no']);
	}
	if (databaseUrl.startsWith('postgres')) await ensurePostgresDatabase(databaseUrl);
	else mkdirSync('data', { recursive: true });
	const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, HOST: '127.0.0.1' };
	console.log('Migrating and seeding the demo database…');
	run('node_modules/.bin/tsx', ['src/cli/seed.ts'], env);
	buildIfStale();

	const nodes = Array.from({ length: count }, (_, i) => ({ name: `node${i + 1}`, port: port + 101 + i }));
	for (const node of nodes) {
		const child = spawn(process.execPath, SERVER_NODE_ARGS, { env: { ...env, PORT: String(node.port) }, stdio: ['ignore', 'inherit', 'inherit'] });
		child.on('exit', (code, signal) => console.log(`${node.name} (port ${node.port}) stopped (${signal ?? code}).`));
		children.push(child);
	}
	for (const node of nodes) for (let i = 0; i < 120 && !(await answers('127.0.0.1', node.port)); i++) await new Promise((r) => setTimeout(r, 500));

	const dir = mkdtempSync(join(tmpdir(), 'tib-cluster-'));
	const cfg = join(dir, 'haproxy.cfg');
	writeFileSync(cfg, haproxyConfig(port, nodes));
	const lb = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'inherit', 'inherit'] });
	lb.on('exit', (code) => {
		console.error(`HAProxy stopped (${code}).`);
		stopAll(code ?? 1);
	});
	children.push(lb);
	console.log(
		[
			'',
			`Cluster ready: http://localhost:${port}  (HAProxy, sticky sessions, ${count} nodes)`,
			...nodes.map((n) => `  ${n.name}: http://localhost:${n.port}`),
			`  database: ${databaseUrl.startsWith('postgres') ? 'PostgreSQL' : databaseUrl}; Redis: ${redisUrl}`,
			'Two browsers (or one private window) land on different nodes; Ctrl-C stops everything.',
			''
		].join('\n')
	);
}

main().catch((err: unknown) => {
	console.error(err instanceof Error ? err.message : err);
	stopAll(1);
});
