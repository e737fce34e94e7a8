import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { config } from '../config';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
	new Promise<Buffer>((resolve, reject) =>
		scryptCb(password.normalize('NFKC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))
	);

/**
 * scrypt's cost N is 2^PASSWORD_HASH_COST (config.ts): 17 by default, OWASP's minimum (N=2^17, r=8,
 * p=1; about 0.6 s of one core per hash on a small server). The parameters are kept in each hash, so
 * the cost can rise later: a sign-in re-hashes a password stored at a lower cost (`needsRehash`).
 * The test suites run at a lower cost (the hashing is the same code, only cheaper).
 */
const r = 8;
const p = 1;
const KEYLEN = 32;

export const passwordHashCost = (): number => config().PASSWORD_HASH_COST;

export async function hashPassword(password: string, cost = passwordHashCost()): Promise<string> {
	const N = 2 ** cost;
	const salt = randomBytes(16);
	const key = await scrypt(password, salt, KEYLEN, { N, r, p, maxmem: 256 * N * r });
	return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A stored hash's parts (`scrypt$N$r$p$salt$key`), or null when it is not one. */
function parseHash(hash: string) {
	const [scheme, n, rr, pp, salt, key] = hash.split('$');
	if (scheme !== 'scrypt' || !n || !rr || !pp || !salt || !key) return null;
	return { N: Number(n), r: Number(rr), p: Number(pp), salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	const stored = parseHash(hash);
	if (!stored) return false;
	const { N, r, p, salt, key: expected } = stored;
	const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
	return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether a stored hash is weaker than what this deployment hashes with now (never the other way). */
export function needsRehash(hash: string, cost = passwordHashCost()): boolean {
	const stored = parseHash(hash);
	return !stored || stored.N < 2 ** cost || stored.r < r || stored.p < p;
}
