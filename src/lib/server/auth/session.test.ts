import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../crypto';
import { randomIds } from '../ids';
import { generateSessionToken, sessionIdFromToken } from './session';

describe('session ids', () => {
	it('are the token’s SHA-256 in hex, the same through @oslojs and through the native hash used for ballot secrets', () => {
		expect(sessionIdFromToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		for (const token of [generateSessionToken(randomIds), generateSessionToken(randomIds), 'clé-été-€']) {
			expect(sessionIdFromToken(token)).toBe(sha256Hex(token));
			expect(sessionIdFromToken(token)).toMatch(/^[0-9a-f]{64}$/);
		}
	});
});
