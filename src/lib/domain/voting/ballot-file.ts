/**
 * The `ballots/v1` file format (read by other tools: keep it stable).
 *
 * {
 *   "format": "ballots/v1",
 *   "method": "plurality|approval|yes-no-abstain|schulze|irv|borda|majority-judgment|dot|budget",
 *   "options": [{ "id": "a", "label": "Jardin partagé", "cost": 1200 }],
 *   "budget": 5000,                       // budget only (required there)
 *   "dots": 3,                            // dot only (required there)
 *   "grades": ["Excellent", ..., "À rejeter"],   // majority-judgment only (required there), best first
 *   "colleges": [{ "id": "c1", "weight": 0.25 }],  // optional
 *   "ballots": [{ "weight": 1, "college": "c1",    // both optional
 *                 "choice": "a" | "approve": ["a"] | "position": "for|against|abstain|object"
 *                 | "ranking": [["a"], ["b", "c"]] | "grades": { "a": 0 } | "dots": { "a": 2 } | "select": ["a"],
 *                 "reason": "..." }]                // reason: for `object` positions
 * }
 *
 * Two levels of checking:
 * - the FILE is rejected (with one message per problem, e.g. `ballots[3].ranking: expected an array,
 *   got a string`) when it is malformed: wrong `format`, unknown `method`, missing or empty `options`,
 *   duplicate option ids, missing `budget` / `dots` / `grades` for the methods needing them, budget
 *   project without cost, yes-no-abstain with other than one option, a ballot that is not an object, a
 *   ballot field of the wrong JSON type...
 * - a well-formed file whose individual ballot is semantically invalid (unknown option id, too many
 *   dots, over budget, choice field not matching the method, grade out of range, option ranked twice,
 *   unknown college, negative weight...) is ACCEPTED: that ballot is counted as invalid by `count`.
 *
 * Unknown top-level and ballot keys are dropped.
 */
import { z } from 'zod';
import { METHODS, type Ballot, type Election } from './types';
import { checkElection, formatPath } from './validate';

export type BallotFile = Election & { format: 'ballots/v1' };

const ballotSchema = z.object({
	weight: z.number().optional(),
	college: z.string().optional(),
	choice: z.string().optional(),
	approve: z.array(z.string()).optional(),
	position: z.string().optional(),
	reason: z.string().optional(),
	ranking: z.array(z.array(z.string())).optional(),
	grades: z.record(z.string(), z.number()).optional(),
	dots: z.record(z.string(), z.number()).optional(),
	select: z.array(z.string()).optional()
});

export const ballotFileSchema = z
	.object({
		format: z.literal('ballots/v1'),
		method: z.enum(METHODS),
		options: z
			.array(z.object({ id: z.string().min(1), label: z.string(), cost: z.number().min(0).optional() }))
			.min(1),
		budget: z.number().min(0).optional(),
		dots: z.number().int().min(1).optional(),
		grades: z.array(z.string()).min(2).optional(),
		colleges: z.array(z.object({ id: z.string().min(1), weight: z.number().positive() })).min(1).optional(),
		ballots: z.array(ballotSchema)
	})
	.superRefine((file, ctx) => {
		// Cross-field rules, shared with `count` (duplicate ids, method-specific requirements...).
		for (const p of checkElection(file)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
	});

function describe(input: unknown): string {
	if (input === null) return 'null';
	if (Array.isArray(input)) return 'an array';
	switch (typeof input) {
		case 'string':
			return input.length > 30 ? 'a string' : `"${input}"`;
		case 'number':
			return String(input);
		case 'boolean':
			return String(input);
		case 'object':
			return 'an object';
		default:
			return typeof input;
	}
}

const EXPECTED: Record<string, string> = {
	object: 'an object',
	array: 'an array',
	string: 'a string',
	number: 'a number',
	int: 'an integer',
	boolean: 'a boolean',
	record: 'an object'
};

/** Error messages meant for people who wrote a JSON file by hand (or a tool that did). */
const errorMap: z.core.$ZodErrorMap = (issue) => {
	const got = issue.input === undefined ? 'missing' : `got ${describe(issue.input)}`;
	switch (issue.code) {
		case 'invalid_type': {
			const expected = EXPECTED[issue.expected] ?? issue.expected;
			return issue.input === undefined ? `missing (expected ${expected})` : `expected ${expected}, ${got}`;
		}
		case 'invalid_value': {
			const expected =
				issue.values.length === 1
					? JSON.stringify(issue.values[0])
					: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
			return issue.input === undefined ? `missing (expected ${expected})` : `expected ${expected}, ${got}`;
		}
		case 'too_small':
			if (issue.origin === 'array') return `expected at least ${issue.minimum} item${Number(issue.minimum) > 1 ? 's' : ''}`;
			if (issue.origin === 'string') return 'must not be empty';
			return `expected a number ${issue.inclusive ? '≥' : '>'} ${issue.minimum}, ${got}`;
		case 'too_big':
			return `expected at most ${issue.maximum}, ${got}`;
		default:
			return undefined;
	}
};

export type BallotFileParse = { ok: true; file: BallotFile } | { ok: false; problems: string[] };

/** Validates a parsed JSON value as a `ballots/v1` file. Problems: one line each, `path: message`. */
export function safeParseBallotFile(input: unknown): BallotFileParse {
	const r = ballotFileSchema.safeParse(input, { error: errorMap });
	if (r.success) {
		const file: BallotFile = r.data;
		return { ok: true, file };
	}
	return { ok: false, problems: r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
}

/** Same as `safeParseBallotFile`, from the file's text (reports invalid JSON as a problem). */
export function parseBallotFileText(text: string): BallotFileParse {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		return { ok: false, problems: [`invalid JSON: ${e instanceof Error ? e.message : String(e)}`] };
	}
	return safeParseBallotFile(data);
}

export class BallotFileError extends Error {
	constructor(readonly problems: string[]) {
		super(`Invalid ballot file:\n${problems.join('\n')}`);
		this.name = 'BallotFileError';
	}
}

/** Validates a parsed JSON value as a `ballots/v1` file; throws `BallotFileError` if malformed. */
export function parseBallotFile(input: unknown): BallotFile {
	const r = safeParseBallotFile(input);
	if (!r.ok) throw new BallotFileError(r.problems);
	return r.file;
}

const BALLOT_KEYS = [
	'weight',
	'college',
	'choice',
	'approve',
	'position',
	'reason',
	'ranking',
	'grades',
	'dots',
	'select'
] as const satisfies readonly (keyof Ballot)[];

/** The election as a `ballots/v1` file object (ready for JSON.stringify); undefined fields omitted. */
export function toBallotFile(election: Election): BallotFile {
	const file: BallotFile = {
		format: 'ballots/v1',
		method: election.method,
		options: election.options.map((o) => (o.cost === undefined ? { id: o.id, label: o.label } : { ...o })),
		ballots: []
	};
	if (election.budget !== undefined) file.budget = election.budget;
	if (election.dots !== undefined) file.dots = election.dots;
	if (election.grades !== undefined) file.grades = [...election.grades];
	if (election.colleges !== undefined) file.colleges = election.colleges.map((c) => ({ ...c }));
	file.ballots = election.ballots.map((b) => {
		const out: Record<string, unknown> = {};
		for (const k of BALLOT_KEYS) if (b[k] !== undefined) out[k] = b[k];
		return out as Ballot;
	});
	return file;
}
