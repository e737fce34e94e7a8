import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealVersion, type MinutesVersion } from '../lib/domain/minutes';
import { verifyMinutes } from './verify-minutes';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const tmp = mkdtempSync(join(tmpdir(), 'verify-minutes-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const versions: MinutesVersion[] = [];
beforeAll(async () => {
	for (let i = 1; i <= 3; i++)
		versions.push(
			await sealVersion({
				schema: 'minutes-version/v1',
				body: { id: 'b1', name: 'Comité de pilotage' },
				sequence: i,
				meeting: { id: `m${i}`, title: `Réunion ${i}`, startsAt: '2026-10-01T16:00:00.000Z' },
				content: `# Réunion ${i}\n\nDécisions prises à l’unanimité.\n`,
				adoption: { method: i === 2 ? 'vote' : 'chair', by: 'Sophie Leroy', at: '2026-10-20T09:00:00.000Z' },
				publishedAt: '2026-10-20T09:00:00.000Z',
				corrects: null,
				correction: null,
				previousHash: versions.at(-1)?.hash ?? null
			})
		);
});

function write(name: string, list: unknown[]): string {
	const path = join(tmp, name);
	writeFileSync(path, JSON.stringify({ schema: 'minutes-chain/v1', body: { id: 'b1', name: 'Comité de pilotage' }, versions: list }, null, 2));
	return path;
}

function run(...args: string[]) {
	const r = spawnSync(tsx, ['src/cli/verify-minutes.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 50_000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('verify-minutes CLI (real child process)', { timeout: 60_000 }, () => {
	it('exits 0 on an intact chain and prints each hash', () => {
		const r = run(write('ok.json', versions), '--head', versions[2]!.hash);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain(`ok  version 2  ${versions[1]!.hash}`);
		expect(r.stdout).toContain(`head ${versions[2]!.hash}`);
	});

	it('exits 1 naming the tampered version', () => {
		const forged = versions.map((v, i) => (i === 1 ? { ...v, content: v.content.replace('unanimité', 'majorité') } : v));
		const r = run(write('tampered.json', forged));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('version 2 (entry 2 of the file): tampered');
	});

	it('exits 1 on a removed version and on a cut-off end when the head is known', () => {
		const removed = run(write('removed.json', [versions[0], versions[2]]));
		expect(removed.code).toBe(1);
		expect(removed.stderr).toContain('missing: version 2 is missing');
		const cut = run(write('cut.json', versions.slice(0, 2)), '--head', versions[2]!.hash);
		expect(cut.code).toBe(1);
		expect(cut.stderr).toContain(': head:');
	});
});

describe('verify-minutes in process', () => {
	async function inProcess(...args: string[]) {
		let stdout = '';
		let stderr = '';
		const code = await verifyMinutes(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readFile: (p) => readFileSync(p, 'utf8') });
		return { code, stdout, stderr };
	}
	it('exits 1 on reordered versions and on a file that is not JSON; 2 on wrong usage', async () => {
		expect((await inProcess(write('reordered.json', [versions[0], versions[2], versions[1]]))).stderr).toContain('reordered');
		const path = join(tmp, 'junk.json');
		writeFileSync(path, '{not json');
		expect((await inProcess(path)).code).toBe(1);
		expect((await inProcess()).code).toBe(2);
		expect((await inProcess(path, '--head', 'nothex')).code).toBe(2);
	});
});
