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
 * RFC 4648 base32 (`a`–`z`, `2`–`7`) to base32hex in lower case (`0`–`9`, `a`–`v`), whose characters
 * sort as the values they stand for (in base32, `2`–`7` sort before the letters they follow).
 */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const SORTABLE = '0123456789abcdefghijklmnopqrstuv';
const toSortable = new Map([...BASE32].map((c, i) => [c, SORTABLE[i]!]));

/**
 * An identifier of the usual shape (16 characters, 80 bits) that sorts by time: 48 bits of
 * milliseconds, then 32 random bits. Rows keyed by it, and the indexes that name them, grow at their
 * end instead of on a random page each (issue 15). Only for rows whose time is no secret: it can be
 * read from the id (a participation says when its elector voted; a secret ballot keeps a random id).
 */
export function timeOrderedId(at: Date, ids: Ids): string {
	const bytes = new Uint8Array(10);
	let ms = Math.max(0, Math.floor(at.getTime()));
	for (let i = 5; i >= 0; i--) {
		bytes[i] = ms % 256;
		ms = Math.floor(ms / 256);
	}
	bytes.set(ids.bytes(4), 6);
	return [...encodeBase32LowerCaseNoPadding(bytes)].map((c) => toSortable.get(c)!).join('');
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
