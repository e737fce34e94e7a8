import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recount } from './recount';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const examples = join(root, 'src/lib/domain/voting/examples');
const tmp = mkdtempSync(join(tmpdir(), 'recount-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]) {
	const r = spawnSync(tsx, ['src/cli/recount.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 50_000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function temp(name: string, content: string): string {
	const path = join(tmp, name);
	writeFileSync(path, content);
	return path;
}

/** Same code path as the real CLI, without starting a process. */
function runInProcess(...args: string[]) {
	let stdout = '';
	let stderr = '';
	const code = recount(args, {
		stdout: (t) => (stdout += t),
		stderr: (t) => (stderr += t),
		readFile: (p) => readFileSync(p, 'utf8')
	});
	return { code, stdout, stderr };
}

// Child processes (tsx start-up) can be slow on a loaded machine: generous timeout.
describe('recount CLI (real child process)', { timeout: 60_000 }, () => {
	it('recounts the Tennessee example with Schulze', () => {
		const r = run(join(examples, 'tennessee-schulze.json'));
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^\{\n {2}"method": "schulze",\n/); // 2-space indented JSON
		const out = JSON.parse(r.stdout);
		expect(out.winners).toEqual(['nashville']);
		expect(out.ranking).toEqual(['nashville', 'chattanooga', 'knoxville', 'memphis']);
		expect(out.valid).toBe(4);
		expect(out.invalid).toBe(0);
		expect(out.totalWeight).toBe(100);
		expect(out.tallies.nashville).toEqual({ memphis: 58, chattanooga: 68, knoxville: 68 });
		expect(typeof out.tieBreak).toBe('string');
	});

	it('recounts the bench-models majority-judgment example (tie on the median broken, one invalid ballot)', () => {
		const r = run(join(examples, 'bench-models-mj.json'));
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		// bois and recycle both have "Assez bien"; after removing medians, bois reaches "Bien" first.
		expect(out.medianLabels).toEqual({ bois: 'Assez bien', recycle: 'Assez bien', metal: 'Passable', beton: 'À rejeter' });
		expect(out.winners).toEqual(['bois']);
		expect(out.ranking).toEqual(['bois', 'recycle', 'metal', 'beton']);
		expect(out.valid).toBe(9);
		expect(out.invalid).toBe(1);
		expect(out.gauges.bois.sign).toBe('+');
	});

	it('exits 1 with one line per problem for a malformed file', () => {
		const path = temp(
			'bad.json',
			JSON.stringify({
				format: 'ballots/v1',
				method: 'borda',
				options: [
					{ id: 'a', label: 'A' },
					{ id: 'a', label: 'B' }
				],
				ballots: [{ ranking: [['a']] }]
			})
		);
		const r = run(path);
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		expect(r.stderr).toBe(`${path}: options[1].id: duplicate option id "a"\n`);
	});

	it('exits 2 with a usage message without argument', () => {
		const r = run();
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/^usage: recount FILE\.json/);
		expect(r.stdout).toBe('');
	});
});

describe('recount() error paths (in process)', () => {
	it('reports every structural problem, one line each, prefixed by the file name', () => {
		const path = temp(
			'bad2.json',
			JSON.stringify({ format: 'ballots/v1', method: 'irv', options: [{ id: 'a', label: 'A' }], ballots: [{}, 'x', {}, { ranking: 'a' }] })
		);
		const r = runInProcess(path);
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		expect(r.stderr).toBe(
			`${path}: ballots[1]: expected an object, got "x"\n${path}: ballots[3].ranking: expected an array, got "a"\n`
		);
	});

	it('exits 1 for invalid JSON and for a missing file', () => {
		const bad = runInProcess(temp('truncated.json', '{"format": "ballots/v1", '));
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/truncated\.json: invalid JSON: /);
		const missing = runInProcess(join(tmp, 'does-not-exist.json'));
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/does-not-exist\.json: cannot read the file/);
	});

	it('exits 2 for wrong usage', () => {
		expect(runInProcess('a.json', 'b.json').code).toBe(2);
		expect(runInProcess('--help').code).toBe(2);
	});

	it('prints the same JSON as the child process would', () => {
		const r = runInProcess(join(examples, 'tennessee-schulze.json'));
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout).winners).toEqual(['nashville']);
	});
});
