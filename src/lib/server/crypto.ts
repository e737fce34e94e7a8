import { createHash } from 'node:crypto';

/**
 * SHA-256 of a text (UTF-8), in lower-case hex: how session ids, access tokens and ballot secrets
 * are stored. Node's native hash: every vote hashes its secret twice, and the pure-JavaScript one
 * cost more than the rest of the check.
 */
export function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}
