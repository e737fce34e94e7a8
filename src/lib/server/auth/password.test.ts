import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordHashCost, verifyPassword } from './password';

describe('password hashes (scrypt)', () => {
	it("at the default cost: N = 2^17, r = 8, p = 1 (OWASP's minimum), kept in the hash", async () => {
		const hash = await hashPassword('un mot de passe', 17);
		expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
		expect(await verifyPassword(hash, 'un mot de passe')).toBe(true);
		expect(await verifyPassword(hash, 'un mot de passe ')).toBe(false);
	});

	it('at the configured cost otherwise, with a fresh salt each time', async () => {
		const cost = passwordHashCost();
		const [a, b] = await Promise.all([hashPassword('même mot'), hashPassword('même mot')]);
		expect(a.split('$')[1]).toBe(String(2 ** cost));
		expect(a).not.toBe(b);
		expect(await verifyPassword(a, 'même mot')).toBe(true);
		expect(await verifyPassword(b, 'même mot')).toBe(true);
	});

	it('compares the same text however its accents were typed (NFKC)', async () => {
		const hash = await hashPassword('caf\u00e9 noir', 10);
		expect(await verifyPassword(hash, 'cafe\u0301 noir')).toBe(true);
	});

	it('asks for a new hash only when the stored one is weaker than the configured cost', async () => {
		const low = await hashPassword('x', 11);
		expect(needsRehash(low, 12)).toBe(true);
		expect(needsRehash(low, 11)).toBe(false);
		expect(needsRehash(low, 10)).toBe(false);
		expect(needsRehash('scrypt$4096$4$1$c2FsdA==$a2V5', 12)).toBe(true);
		expect(needsRehash('bcrypt$whatever', 12)).toBe(true);
	});

	it('refuses a malformed hash instead of throwing', async () => {
		expect(await verifyPassword('', 'x')).toBe(false);
		expect(await verifyPassword('scrypt$1024$8', 'x')).toBe(false);
	});
});
