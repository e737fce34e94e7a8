import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
	new Promise<Buffer>((resolve, reject) =>
		scryptCb(password.normalize('NFKC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))
	);

// OWASP's minimum for scrypt is N=2^17, r=8, p=1. Kept as parameters in the hash so they can rise later.
const N = 2 ** 17;
const r = 8;
const p = 1;
const KEYLEN = 32;
const maxmem = 256 * N * r;

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await scrypt(password, salt, KEYLEN, { N, r, p, maxmem });
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
