/**
 * Published minutes versions, their export file and the verification of a body's hash chain.
 * See canonical.ts for what exactly is hashed. The same code runs in `npm run verify-minutes`, on
 * the server and behind the portal's "verify" button (Web Crypto).
 */
import { z } from 'zod';
import { versionHash } from './canonical';

export const VERSION_SCHEMA = 'minutes-version/v1';
export const CHAIN_SCHEMA = 'minutes-chain/v1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const isoDate = z.string().min(1).max(40);

export const minutesVersionSchema = z.object({
	schema: z.literal(VERSION_SCHEMA),
	body: z.object({ id: z.string().min(1).max(64), name: z.string().max(300) }).strict(),
	sequence: z.number().int().min(1),
	meeting: z.object({ id: z.string().min(1).max(64), title: z.string().max(300), startsAt: isoDate }).strict(),
	/** The minutes as canonical Markdown (see markdown.ts). */
	content: z.string().max(2_000_000),
	adoption: z.object({ method: z.enum(['chair', 'vote']), by: z.string().max(300), at: isoDate }).strict(),
	publishedAt: isoDate,
	/** For a correction: the version it corrects, and what changed and why. */
	corrects: z.object({ sequence: z.number().int().min(1), hash: hex64 }).strict().nullable(),
	correction: z.object({ what: z.string().max(5000), why: z.string().max(5000) }).strict().nullable(),
	previousHash: hex64.nullable(),
	hash: hex64
}).strict();
export type MinutesVersion = z.infer<typeof minutesVersionSchema>;
export type UnhashedVersion = Omit<MinutesVersion, 'hash'>;

export const minutesChainSchema = z.object({
	schema: z.literal(CHAIN_SCHEMA),
	body: z.object({ id: z.string().min(1).max(64), name: z.string().max(300) }).strict(),
	versions: z.array(z.unknown()).max(100_000)
});
export type MinutesChainFile = { schema: typeof CHAIN_SCHEMA; body: { id: string; name: string }; versions: MinutesVersion[] };

/** Seals a version: computes its hash over every other member. */
export async function sealVersion(version: UnhashedVersion): Promise<MinutesVersion> {
	return { ...version, hash: await versionHash(version) };
}

export type ChainProblem =
	/** The file is not a minutes-chain/v1 file at all. */
	| 'format'
	/** One version is not a well-formed minutes-version/v1 record. */
	| 'malformed'
	/** The content (or any member) no longer matches the version's own hash. */
	| 'tampered'
	/** The expected next version appears later in the file. */
	| 'reordered'
	/** The expected next version is nowhere: one or more versions were removed. */
	| 'missing'
	/** `previousHash` does not name the previous version's hash. */
	| 'brokenLink'
	/** A correction points at a version that is not earlier in this chain. */
	| 'badCorrection'
	/** The last version is not the head the verifier was told to expect. */
	| 'head'
	/** A version belongs to another body. */
	| 'otherBody';

export interface ChainFailure {
	ok: false;
	problem: ChainProblem;
	/** 0-based position in the file of the version where the chain breaks (−1 for the whole file). */
	index: number;
	/** The sequence number the version says it has (or expected), for people. */
	sequence: number | null;
	detail: string;
}
export interface ChainSuccess {
	ok: true;
	count: number;
	/** Hash of the last version (null for an empty chain). */
	head: string | null;
	/** For each version in order: its recomputed hash. */
	hashes: string[];
}
export type ChainResult = ChainSuccess | ChainFailure;

const fail = (problem: ChainProblem, index: number, sequence: number | null, detail: string): ChainFailure => ({ ok: false, problem, index, sequence, detail });

/**
 * Verifies a body's chain. Checks, for each version in file order: its shape, its own hash, its
 * place in the numbering, its link to the previous version, its correction link; then, when the
 * reader knows the head hash (the portal shows it), that nothing was cut off the end.
 */
export async function verifyChain(input: unknown, options: { expectedHead?: string } = {}): Promise<ChainResult> {
	const file = minutesChainSchema.safeParse(input);
	if (!file.success) return fail('format', -1, null, `not a ${CHAIN_SCHEMA} file`);
	const raw = file.data.versions;
	const hashes: string[] = [];
	const bySequence = new Map<number, string>();
	const seen: MinutesVersion[] = [];
	for (let i = 0; i < raw.length; i++) {
		const parsed = minutesVersionSchema.safeParse(raw[i]);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			return fail('malformed', i, null, `${issue?.path.join('.') || 'version'}: ${issue?.message ?? 'invalid'}`);
		}
		const v = parsed.data;
		if (v.body.id !== file.data.body.id) return fail('otherBody', i, v.sequence, `belongs to body ${v.body.id}`);
		const recomputed = await versionHash(v);
		if (recomputed !== v.hash) return fail('tampered', i, v.sequence, `recorded hash ${v.hash}, content hashes to ${recomputed}`);
		const expected = i + 1;
		if (v.sequence !== expected) {
			const later = raw.slice(i + 1).some((r) => (r as { sequence?: unknown } | null)?.sequence === expected);
			return later
				? fail('reordered', i, v.sequence, `version ${expected} expected here, found version ${v.sequence}`)
				: fail('missing', i, expected, `version ${expected} is missing (found version ${v.sequence})`);
		}
		const previous = seen[i - 1];
		const wanted = previous ? previous.hash : null;
		if (v.previousHash !== wanted) return fail('brokenLink', i, v.sequence, `previousHash ${v.previousHash ?? 'null'}, previous version hashes to ${wanted ?? 'null'}`);
		if (v.corrects) {
			const target = bySequence.get(v.corrects.sequence);
			if (!target || target !== v.corrects.hash || !v.correction) return fail('badCorrection', i, v.sequence, `corrects version ${v.corrects.sequence}, which is not that earlier version`);
		} else if (v.correction) return fail('badCorrection', i, v.sequence, 'states a correction without naming the version it corrects');
		hashes.push(recomputed);
		bySequence.set(v.sequence, v.hash);
		seen.push(v);
	}
	const head = hashes.at(-1) ?? null;
	if (options.expectedHead !== undefined && options.expectedHead !== head)
		return fail('head', raw.length - 1, seen.at(-1)?.sequence ?? null, `last version hashes to ${head ?? 'nothing'}, expected head ${options.expectedHead}`);
	return { ok: true, count: raw.length, head, hashes };
}

/** One line for people: which link breaks and why. */
export function describeFailure(f: ChainFailure): string {
	const where = f.index < 0 ? 'file' : `version ${f.sequence ?? '?'} (entry ${f.index + 1} of the file)`;
	return `${where}: ${f.problem}: ${f.detail}`;
}
