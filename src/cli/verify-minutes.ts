/**
 * Verify a body's published minutes from an exported file alone:
 *
 *   npm run verify-minutes -- FILE.json [--head HASH]     ("-" reads the file from stdin)
 *
 * FILE is a `minutes-chain/v1` file (the portal's "minutes chain (JSON)" download). Every version's
 * SHA-256 is recomputed from its canonical form (src/lib/domain/minutes/canonical.ts says exactly
 * how) and every link checked. `--head` is the last hash the portal shows: it also detects versions
 * cut off the end. Exit 0 with one line per version when the chain holds; exit 1 naming the broken
 * link (`version 2 (entry 2 of the file): tampered: …`); exit 2 on wrong usage.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describeFailure, verifyChain } from '../lib/domain/minutes/chain';

const USAGE = 'usage: verify-minutes FILE.json [--head HASH]   (a minutes-chain/v1 file; "-" reads stdin)';

export interface Io {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	readFile: (path: string) => string;
}

export async function verifyMinutes(args: readonly string[], io: Io): Promise<number> {
	const rest = [...args];
	let head: string | undefined;
	const at = rest.indexOf('--head');
	if (at >= 0) {
		head = rest[at + 1];
		rest.splice(at, 2);
		if (!head || !/^[0-9a-f]{64}$/.test(head)) {
			io.stderr(`--head needs a SHA-256 in 64 lowercase hexadecimal digits\n${USAGE}\n`);
			return 2;
		}
	}
	if (rest.length !== 1 || rest[0] === '--help' || rest[0] === '-h' || rest[0] === '') {
		io.stderr(`${USAGE}\n`);
		return 2;
	}
	const path = rest[0] as string;
	let value: unknown;
	try {
		value = JSON.parse(io.readFile(path));
	} catch (e) {
		io.stderr(`${path}: cannot read the file as JSON (${e instanceof Error ? e.message : String(e)})\n`);
		return 1;
	}
	const result = await verifyChain(value, head === undefined ? {} : { expectedHead: head });
	if (!result.ok) {
		io.stderr(`${path}: chain broken at ${describeFailure(result)}\n`);
		return 1;
	}
	const versions = (value as { versions: { sequence: number; meeting: { title: string } }[] }).versions;
	io.stdout(result.hashes.map((h, i) => `ok  version ${versions[i]!.sequence}  ${h}  ${versions[i]!.meeting.title}\n`).join(''));
	io.stdout(`chain intact: ${result.count} version(s), head ${result.head ?? '(empty)'}\n`);
	return 0;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
	void verifyMinutes(process.argv.slice(2), {
		stdout: (t) => process.stdout.write(t),
		stderr: (t) => process.stderr.write(t),
		readFile: (p) => readFileSync(p === '-' ? 0 : p, 'utf8')
	}).then((code) => {
		process.exitCode = code;
	});
}
