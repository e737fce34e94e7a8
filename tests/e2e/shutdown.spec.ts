/**
 * A restart or a deploy sends the server SIGTERM. With a phone on a board (a signed-in socket open),
 * the server must still stop by itself, promptly and cleanly (exit code 0), hanging up the socket,
 * not wait until an orchestrator kills it. Its own server, on a freshly seeded SQLite file.
 */
import { expect, test } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';

const ROOT = resolve(import.meta.dirname, '../..');
const PORT = Number(process.env.E2E_PORT ?? 4173) + 40 + Number(process.env.TEST_PARALLEL_INDEX ?? 0);
const ORIGIN = `http://127.0.0.1:${PORT}`;

let dir = '';
let server: ChildProcess | undefined;
let socket: Socket | undefined;

test.afterEach(() => {
	socket?.close();
	if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
	if (dir) rmSync(dir, { recursive: true, force: true });
});

test('SIGTERM stops the server by itself with a signed-in socket open, and hangs the socket up', async () => {
	test.setTimeout(180_000);
	dir = mkdtempSync(join(tmpdir(), 'tib-e2e-shutdown-'));
	const env = { ...process.env, DATABASE_URL: join(dir, 'app.db'), MAIL_LOG: join(dir, 'mail.log'), UPLOAD_DIR: join(dir, 'uploads'), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
	const seeded = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/seed.ts'], { cwd: ROOT, env, encoding: 'utf8' });
	expect(seeded.status, seeded.stderr).toBe(0);
	// The server itself is this child (node with tsx's loader), so the signal reaches the process that serves.
	server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: { ...env, PORT: String(PORT) }, stdio: ['ignore', 'ignore', 'inherit'] });
	await expect
		.poll(async () => (await fetch(`${ORIGIN}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.status ?? 0, { timeout: 60_000 })
		.toBe(200);

	// Karim signs in (the form, without JavaScript) and his board's socket connects with his session.
	const signedIn = await fetch(`${ORIGIN}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'username=karim&password=demo-demo-2026'
	});
	const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
	expect(cookie).toMatch(/^session=/);
	socket = io(ORIGIN, { transports: ['websocket'], reconnection: false, extraHeaders: { origin: ORIGIN, cookie } });
	await new Promise<void>((resolve, reject) => {
		socket!.once('connect', resolve);
		socket!.once('connect_error', reject);
	});
	const hungUp = new Promise<string>((resolve) => socket!.once('disconnect', resolve));

	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server!.once('exit', (code, signal) => resolve({ code, signal })));
	server.kill('SIGTERM');
	const outcome = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
	expect(outcome).toEqual({ code: 0, signal: null });
	expect(await hungUp).toBeTruthy();
});
