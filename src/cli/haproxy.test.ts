/**
 * The load balancer's health checks through the real HAProxy (`.ci/run` installs it): a node slow to
 * answer `/readyz` (a busy machine) keeps its people; a node that is gone loses them to the other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { haproxyConfig } from './haproxy';

const opened: { servers: Server[]; balancer?: ChildProcess; dir?: string } = { servers: [] };

/** A node that says its name, and answers `/readyz` after `readyMs`. */
async function node(name: string, readyMs: number): Promise<{ name: string; port: number; server: Server }> {
	const server = createServer((req, res) => {
		const answer = () => res.writeHead(200, { 'x-node': name }).end(name);
		if (req.url === '/readyz') setTimeout(answer, readyMs);
		else answer();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	opened.servers.push(server);
	return { name, port: (server.address() as AddressInfo).port, server };
}

async function freePort(): Promise<number> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise((resolve) => probe.close(resolve));
	return port;
}

/** Which node serves a browser pinned to `pinned` (HAProxy's cookie), through the balancer. */
async function servedBy(lb: number, pinned: string): Promise<string> {
	const res = await fetch(`http://127.0.0.1:${lb}/`, { headers: { cookie: `tib_node=${pinned}` } });
	return res.headers.get('x-node') ?? '';
}

afterEach(async () => {
	const { balancer } = opened;
	if (balancer && balancer.exitCode === null) await new Promise((resolve) => (balancer.once('exit', resolve), balancer.kill('SIGKILL')));
	await Promise.all(opened.servers.map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
	if (opened.dir) rmSync(opened.dir, { recursive: true, force: true });
	opened.servers = [];
	opened.balancer = undefined;
});

describe('HAProxy health checks (haproxyConfig)', () => {
	it('a node slower than the check interval to answer /readyz keeps the people pinned to it; a stopped one loses them', async () => {
		const haproxy = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).stdout.trim();
		expect(haproxy, 'HAProxy is needed (apt-get install haproxy; .ci/run installs it)').not.toBe('');
		// Checked every 200 ms, as the e2e spec does at 500: node1 takes 700 ms to say it is ready.
		const slow = await node('node1', 700);
		const quick = await node('node2', 0);
		const lb = await freePort();
		opened.dir = mkdtempSync(join(tmpdir(), 'tib-haproxy-'));
		const cfg = join(opened.dir, 'haproxy.cfg');
		writeFileSync(cfg, haproxyConfig(lb, [slow, quick].map(({ name, port }) => ({ name, port })), { bind: '127.0.0.1', checkEveryMs: 200 }));
		opened.balancer = spawn(haproxy, ['-db', '-f', cfg], { stdio: 'ignore' });
		for (let i = 0; i < 100 && !(await servedBy(lb, 'node2').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 100));
		// Long enough for several checks of node1 to run out their interval (fall 2).
		await new Promise((r) => setTimeout(r, 2500));
		expect(await servedBy(lb, 'node1')).toBe('node1');
		expect(await servedBy(lb, 'node2')).toBe('node2');
		// node1 stops: its people are sent to node2.
		slow.server.closeAllConnections();
		await new Promise((resolve) => slow.server.close(resolve));
		await new Promise((r) => setTimeout(r, 1500));
		expect(await servedBy(lb, 'node1')).toBe('node2');
	});
});
