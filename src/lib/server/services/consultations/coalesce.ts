/**
 * Reads asked for in the same turn share one query (issue 15: a crowd of voters each read the same
 * consultation, its options and their own household; one query per kind and turn instead of one per
 * voter). Only outside a unit of work: inside one, `data.db` is that unit's transaction, and a read
 * there must see the unit's own writes, so it runs alone, at once.
 *
 * A batch is sent once the microtasks of the current turn have run (`process.nextTick` queued from a
 * microtask runs after the microtask queue drains): every request that a burst of awaiting callers
 * reaches meanwhile joins it. A coalesced read returns what the same read run alone a moment later
 * would: the committed state of the reading connection (SQLite) or pool (PostgreSQL).
 */
import type { Data } from '../../db/data';
import { PREPARED_MAX } from '../../db/prepared';

/** Keys per query: the longest list a prepared query takes (`fetch` may prepare its queries: db/prepared.ts). */
const MAX_KEYS = PREPARED_MAX;

/** `fetch` reads many keys at once; the coalesced reader returns one key's value (undefined: none). */
export function coalesced<V>(data: Data, fetch: (keys: string[]) => Promise<Map<string, V>>) {
	let waiting: Map<string, { resolve(v: V | undefined): void; reject(e: unknown): void }[]> | undefined;

	async function send(batch: NonNullable<typeof waiting>) {
		const keys = [...batch.keys()];
		for (let i = 0; i < keys.length; i += MAX_KEYS) {
			const some = keys.slice(i, i + MAX_KEYS);
			try {
				const found = await fetch(some);
				for (const k of some) for (const w of batch.get(k)!) w.resolve(found.get(k));
			} catch (error) {
				for (const k of some) for (const w of batch.get(k)!) w.reject(error);
			}
		}
	}

	return (key: string): Promise<V | undefined> => {
		if (data.inUnit) return fetch([key]).then((found) => found.get(key));
		if (!waiting) {
			const batch = new Map<string, { resolve(v: V | undefined): void; reject(e: unknown): void }[]>();
			waiting = batch;
			process.nextTick(() => {
				waiting = undefined;
				void send(batch);
			});
		}
		const batch = waiting;
		return new Promise<V | undefined>((resolve, reject) => {
			const list = batch.get(key);
			if (list) list.push({ resolve, reject });
			else batch.set(key, [{ resolve, reject }]);
		});
	};
}
