import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { randomBytes, randomFillSync } from 'node:crypto';

export interface Clock {
	now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface Ids {
	/** An opaque, URL-safe identifier. */
	id(): string;
	/** Random bytes for tokens and codes. */
	bytes(n: number): Uint8Array;
}

/**
 * Random bytes from the system's CSPRNG, drawn 4 KB at a time and handed out in order, each byte
 * once and zeroed in the pool as it is handed out (as Node's own `randomUUID` caches its entropy).
 * A vote asks for several small draws (ids, the secret, the shuffle), and each `randomBytes` call
 * costs ~1.7 µs of fixed overhead, ten times a copy out of the pool (issue 15). Large draws go
 * straight to `randomBytes`.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let drawn = POOL_BYTES;
export function secureRandom(n: number): Uint8Array {
	if (n > POOL_BYTES / 8) return new Uint8Array(randomBytes(n));
	if (drawn + n > POOL_BYTES) {
		randomFillSync(pool);
		drawn = 0;
	}
	const out = pool.subarray(drawn, drawn + n);
	const copy = new Uint8Array(out);
	out.fill(0);
	drawn += n;
	return copy;
}

export const randomIds: Ids = {
	id: () => encodeBase32LowerCaseNoPadding(secureRandom(10)),
	bytes: secureRandom
};

/**
 * base32hex in lower case (`0`–`9`, `a`–`v`): its characters sort as the values they stand for (in
 * RFC 4648 base32, `2`–`7` sort before the letters they follow).
 */
const SORTABLE = '0123456789abcdefghijklmnopqrstuv';

/**
 * An identifier of the usual shape (16 characters, 80 bits) that sorts by time: 48 bits of
 * milliseconds, then 32 random bits. Rows keyed by it, and the indexes that name them, grow at their
 * end instead of on a random page each (issue 15). Only for rows whose time is no secret: it can be
 * read from the id (a participation says when its elector voted; a secret ballot keeps a random id).
 * Each character is 5 bits, most significant first: 9.6 characters of time, 6.4 of chance.
 */
export function timeOrderedId(at: Date, ids: Ids): string {
	const ms = Math.max(0, Math.floor(at.getTime()));
	// 48 bits of time as two exact integers (each below 2^53): the high 24 and the low 24.
	const high = Math.floor(ms / 0x1000000) % 0x1000000;
	const low = ms % 0x1000000;
	const random = ids.bytes(4);
	// 80 bits as five 16-bit words, then sixteen 5-bit characters read across them.
	const words = [high >>> 8, ((high & 0xff) << 8) | (low >>> 16), low & 0xffff, (random[0]! << 8) | random[1]!, (random[2]! << 8) | random[3]!];
	let out = '';
	for (let k = 0; k < 16; k++) {
		const bit = k * 5;
		const w = bit >>> 4;
		const offset = bit & 15;
		// The 5 bits at [bit, bit + 5) of the 80, across at most two words.
		const pair = (words[w]! << 16) | (words[w + 1] ?? 0);
		out += SORTABLE[(pair >>> (27 - offset)) & 31];
	}
	return out;
}

/** Turns a name into a URL slug: "L'Aventurière" → "l-aventuriere". */
export function slugify(name: string): string {
	return name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60);
}
