/**
 * The production shape, whole (issue 12): two nodes of the built app on one PostgreSQL database and
 * the local Redis, behind HAProxy with sticky sessions — what `npm run cluster` starts. Browsers are
 * pinned to a node by the load balancer's own cookie, so two people are on two different nodes.
 *
 * - Two browsers on two nodes see each other's proposal and support live.
 * - A node is killed with SIGKILL: the vote it acknowledged is still counted, and the board page its
 *   voter had open reconnects through the load balancer to the other node and follows it live.
 *
 * Needs HAProxy (`.ci/run` installs Debian's package), PostgreSQL and Redis on 127.0.0.1. The spec
 * creates and drops its own database and uses a Redis key prefix of its own.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { haproxyConfig } from '../../src/cli/haproxy';
import { POSTGRES_ADMIN_URL, withAdmin as admin } from '../../src/lib/server/testing/postgres';
import { proposeIdea, signIn } from './fixtures';
import { create } from './vote-helpers';

const LB_PORT = Number(process.env.E2E_PORT ?? 4173) + 20;
const NODES = [
	{ name: 'node1', port: LB_PORT + 1 },
	{ name: 'node2', port: LB_PORT + 2 }
];
const LB = `http://127.0.0.1:${LB_PORT}`;
const ADMIN_URL = POSTGRES_ADMIN_URL;
const DB_NAME = `tib_e2e_cluster_${process.pid}`;
const dbUrl = (() => {
	const u = new URL(ADMIN_URL);
	u.pathname = `/${DB_NAME}`;
	return u.toString();
})();
const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `tib-e2e-cluster-${process.pid}:`;
const ROOT = resolve(import.meta.dirname, '../..');

test.use({ baseURL: LB });
test.describe.configure({ mode: 'serial' });

const nodes = new Map<string, ChildProcess>();
let balancer: ChildProcess | undefined;
let dir = '';

async function answers(url: string): Promise<boolean> {
	try {
		return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
	} catch {
		return false;
	}
}

async function until(what: string, check: () => Promise<boolean>, seconds = 60) {
	for (let i = 0; i < seconds * 4; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${what}: not ready after ${seconds} s`);
}

const env = () => ({ ...process.env, DATABASE_URL: dbUrl, REDIS_URL, REDIS_PREFIX, HOST: '127.0.0.1', LOG_LEVEL: 'warn' });

function startNode(name: string, port: number) {
	// The server itself is this child (node with tsx's loader), not a tsx wrapper that would run it in
	// a grandchild: SIGKILL must reach the process that serves.
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: { ...env(), PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
	nodes.set(name, child);
}

test.beforeAll(async () => {
	test.setTimeout(240_000);
	const haproxy = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).stdout.trim();
	expect(haproxy, 'HAProxy is needed for the cluster spec (apt-get install haproxy; .ci/run installs it)').not.toBe('');
	await admin(async (c) => {
		await c.query(`drop database if exists ${DB_NAME} with (force)`);
		await c.query(`create database ${DB_NAME}`);
	});
	// The demo, seeded into PostgreSQL by the same command `npm run cluster` runs.
	const seeded = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/seed.ts'], { cwd: ROOT, env: env(), encoding: 'utf8' });
	expect(seeded.status, seeded.stderr).toBe(0);
	for (const n of NODES) startNode(n.name, n.port);
	for (const n of NODES) await until(`${n.name} /readyz`, () => answers(`http://127.0.0.1:${n.port}/readyz`));
	// Ready includes having joined the cluster's channels (the socket.io adapter's subscription).
	for (const n of NODES) {
		const { checks } = (await (await fetch(`http://127.0.0.1:${n.port}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
		expect(Object.keys(checks).sort(), n.name).toEqual(['cluster', 'database', 'migrations', 'redis']);
		expect(checks.cluster?.ok, `${n.name} in the cluster's channels`).toBe(true);
	}
	dir = mkdtempSync(join(tmpdir(), 'tib-e2e-cluster-'));
	const cfg = join(dir, 'haproxy.cfg');
	writeFileSync(cfg, haproxyConfig(LB_PORT, NODES, { bind: '127.0.0.1', checkEveryMs: 500 }));
	balancer = spawn(haproxy, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] });
	await until('the load balancer', () => answers(`${LB}/readyz`));
});

test.afterAll(async () => {
	// Every process is gone before its database is dropped (else its timers log failed queries).
	const running = [...nodes.values(), balancer].filter((c): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null);
	await Promise.all(running.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGKILL')))));
	if (dir) rmSync(dir, { recursive: true, force: true });
	await admin((c) => c.query(`drop database if exists ${DB_NAME} with (force)`));
	spawnSync('sh', ['-c', `redis-cli -u ${REDIS_URL} --scan --pattern '${REDIS_PREFIX}*' | xargs -r redis-cli -u ${REDIS_URL} del`], { stdio: 'ignore' });
});

/** A browser pinned by the load balancer's cookie to one node, signed in there. */
async function onNode(browser: Browser, node: string, username: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ baseURL: LB });
	await context.addCookies([{ name: 'tib_node', value: node, url: LB }]);
	const page = await context.newPage();
	await signIn(page, username);
	return { context, page };
}

/** The node the load balancer serves this browser from (its cookie, which it rewrites after a failover). */
async function nodeOf(context: BrowserContext): Promise<string | undefined> {
	return (await context.cookies(LB)).find((c) => c.name === 'tib_node')?.value;
}

async function openBoard(page: Page): Promise<string> {
	await page.goto('/');
	const residence = await page.getByRole('link', { name: /L’Aventurière/ }).first().getAttribute('href');
	await page.goto(`${residence}/board`);
	await expect(page.getByTestId('live-status')).toContainText('En direct');
	return `${residence}/board`;
}

const card = (page: Page, title: string) => page.locator('article', { has: page.getByRole('heading', { name: title }) });

test('two browsers on two nodes see each other’s proposal and support live', async ({ browser }) => {
	const amina = await onNode(browser, 'node1', 'amina');
	const karim = await onNode(browser, 'node2', 'karim');
	const board = await openBoard(amina.page);
	await karim.page.goto(board);
	await expect(karim.page.getByTestId('live-status')).toContainText('En direct');
	// Each sees the other online, though their sockets are on different nodes.
	await expect(amina.page.getByTestId('board-presence')).toContainText('Karim D.');
	await expect(karim.page.getByTestId('board-presence')).toContainText('Amina B.');

	const title = 'Un composteur partagé (deux nœuds)';
	await proposeIdea(amina.context, board, title);
	await expect(karim.page.getByTestId('column-idea').getByRole('heading', { name: title })).toBeVisible({ timeout: 30_000 });
	await card(karim.page, title).getByRole('button', { name: /Je soutiens/ }).click();
	await expect(card(amina.page, title).getByTestId('supports')).toHaveText(/1 soutien/);

	expect(await nodeOf(amina.context)).toBe('node1');
	expect(await nodeOf(karim.context)).toBe('node2');
	await amina.context.close();
	await karim.context.close();
});

test('a node killed with SIGKILL: its acknowledged vote stays counted, its board reconnects to the other node', async ({ browser }) => {
	const url = await create(browser, { question: 'Un bac à compost dans la cour ? (deux nœuds)', method: 'Pour, contre, abstention', public: true });
	const karim = await onNode(browser, 'node1', 'karim');
	const board = await openBoard(karim.page);
	const votePage = await karim.context.newPage();
	await votePage.goto(url);
	await votePage.getByRole('radio', { name: 'Pour', exact: true }).check();
	await votePage.getByRole('button', { name: 'Je vote' }).click();
	await expect(votePage.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();
	expect(await nodeOf(karim.context)).toBe('node1');

	const killed = nodes.get('node1')!;
	killed.kill('SIGKILL');
	await new Promise((r) => killed.once('exit', r));
	expect(await answers(`http://127.0.0.1:${NODES[0]!.port}/healthz`)).toBe(false);

	// His board page (its socket was on node1) reconnects on its own, through the load balancer, to
	// the surviving node, and follows it live: an idea proposed there appears without a reload.
	await expect(karim.page.getByTestId('live-status')).toContainText('En direct', { timeout: 30_000 });
	const amina = await onNode(browser, 'node2', 'amina');
	const title = 'Des nichoirs pour les mésanges (après la panne)';
	await proposeIdea(amina.context, board, title);
	await expect(karim.page.getByTestId('column-idea').getByRole('heading', { name: title })).toBeVisible({ timeout: 30_000 });

	// The vote node1 acknowledged is in the database: node2 (the only node left) shows it to him.
	expect(killed.signalCode).toBe('SIGKILL');
	await votePage.reload();
	await expect(votePage.getByRole('status').filter({ hasText: 'Votre vote est enregistré' })).toBeVisible();
	await karim.context.close();
	await amina.context.close();
});
