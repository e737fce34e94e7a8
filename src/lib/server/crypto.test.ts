import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './crypto';

describe('sha256Hex', () => {
	it('is SHA-256 of the UTF-8 text in lower-case hex (the published test vectors, and accents, Arabic, emoji)', () => {
		expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		// What every secret, token and session id stored so far was hashed with: the same digests.
		for (const text of ['hé là, à bientôt', 'مرحبا بالجيران', '🌳 jardin partagé', 'x'.repeat(10_000)]) {
			expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
		}
	});
});
