/**
 * Recount a `ballots/v1` file:
 *
 *   npm run recount -- FILE.json        (or "-" to read the file from stdin)
 *
 * Prints the count result as JSON (2-space indent) on stdout and exits 0. A malformed or unreadable
 * file prints one line per problem on stderr (`FILE: ballots[3].ranking: expected an array, got "x"`)
 * and exits 1. Wrong usage exits 2. Individual invalid ballots do not make the file malformed: they
 * are counted in `invalid` (see src/lib/domain/voting/ballot-file.ts).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseBallotFileText } from '../lib/domain/voting/ballot-file';
import { count } from '../lib/domain/voting/index';

const USAGE = 'usage: recount FILE.json   (a ballots/v1 file; "-" reads stdin)';

export interface Io {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	readFile: (path: string) => string;
}

export function recount(args: readonly string[], io: Io): number {
	if (args.length !== 1 || args[0] === '--help' || args[0] === '-h' || args[0] === '') {
		io.stderr(`${USAGE}\n`);
		return 2;
	}
	const path = args[0] as string;
	let text: string;
	try {
		text = io.readFile(path);
	} catch (e) {
		const reason = e instanceof Error ? e.message : String(e);
		io.stderr(`${path}: cannot read the file (${reason})\n`);
		return 1;
	}
	const parsed = parseBallotFileText(text);
	if (!parsed.ok) {
		io.stderr(parsed.problems.map((p) => `${path}: ${p}\n`).join(''));
		return 1;
	}
	io.stdout(`${JSON.stringify(count(parsed.file), null, 2)}\n`);
	return 0;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
	process.exitCode = recount(process.argv.slice(2), {
		stdout: (t) => process.stdout.write(t),
		stderr: (t) => process.stderr.write(t),
		readFile: (p) => readFileSync(p === '-' ? 0 : p, 'utf8')
	});
}
