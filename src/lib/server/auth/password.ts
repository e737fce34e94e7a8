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

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	const [scheme, n, rr, pp, saltB64, keyB64] = hash.split('$');
	if (scheme !== 'scrypt' || !n || !rr || !pp || !saltB64 || !keyB64) return false;
	const expected = Buffer.from(keyB64, 'base64');
	const cost = Number(n);
	const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {
		N: cost,
		r: Number(rr),
		p: Number(pp),
		maxmem: 256 * cost * Number(rr)
	});
	return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether a stored hash is weaker than what this deployment hashes with now (never the other way). */
export function needsRehash(hash: string, cost = passwordHashCost()): boolean {
	const [scheme, n, rr, pp] = hash.split('$');
	if (scheme !== 'scrypt') return true;
	return Number(n) < 2 ** cost || Number(rr) < r || Number(pp) < p;
}
