import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';

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

export const randomIds: Ids = {
	id: () => encodeBase32LowerCaseNoPadding(randomBytes(10)),
	bytes: (n) => new Uint8Array(randomBytes(n))
};

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
