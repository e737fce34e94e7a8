/**
 * The canonical form of a published minutes version: what is hashed, written down here so that a
 * script outside this application can recompute every hash from an exported file alone.
 *
 * CANONICAL FORM (minutes-version/v1)
 * 1. Text: every string is first given LF line endings (each CR LF, then each lone CR, becomes LF),
 *    then Unicode normalisation form C (NFC).
 * 2. JSON, with no insignificant whitespace:
 *    - objects: members sorted by key in ascending order of UTF-16 code units (keys are ASCII
 *      letters and digits, so this is plain byte order); a member whose value is `undefined` is an
 *      error (use null);
 *    - arrays: in their order;
 *    - strings: as ECMAScript's JSON.stringify writes them (", \ and U+0000–U+001F escaped, \n \r
 *      \t \b \f as such, others as \u00xx in lowercase hex; nothing else escaped, no \/);
 *    - numbers: integers only (safe integers), written in decimal without exponent;
 *    - true, false, null.
 *    For our records this is what Python writes with
 *    `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` after step 1.
 * 3. Bytes: UTF-8 of that JSON text.
 * 4. Hash: SHA-256 of those bytes, as 64 lowercase hexadecimal digits. The record hashed is the
 *    version WITHOUT its own `hash` member (every other member, including `previousHash`, counts).
 *
 * The chain (per body): versions are numbered by `sequence` from 1 with no gap; version 1 has
 * `previousHash: null`; version n has `previousHash` equal to the `hash` of version n − 1.
 */

/** Step 1: LF line endings, then NFC. */
export function normaliseText(text: string): string {
	return text.replace(/\r\n?/g, '\n').normalize('NFC');
}

export type CanonicalValue = null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

export class CanonicalError extends Error {}

/** Step 2 (with step 1 applied to every string, keys included). */
export function canonicalJson(value: unknown): string {
	if (value === null) return 'null';
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (typeof value === 'number') {
		if (!Number.isSafeInteger(value)) throw new CanonicalError(`not a safe integer: ${value}`);
		return String(value);
	}
	if (typeof value === 'string') return JSON.stringify(normaliseText(value));
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
			if (v === undefined) throw new CanonicalError(`undefined member: ${k}`);
			return [normaliseText(k), v] as const;
		});
		entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	throw new CanonicalError(`cannot be written canonically: ${typeof value}`);
}

/** Steps 3 and 4, with the platform's Web Crypto (browsers and Node ≥ 20 alike). */
export async function sha256Hex(text: string): Promise<string> {
	const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hash of a version: SHA-256 of the canonical JSON of every member but `hash`. */
export async function versionHash(version: Record<string, unknown>): Promise<string> {
	const { hash: _ignored, ...rest } = version;
	return sha256Hex(canonicalJson(rest));
}
