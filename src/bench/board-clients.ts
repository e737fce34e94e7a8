/**
 * One process of board members for `npm run bench -- board` (forked by board.ts, so the server keeps
 * the core the clients do not use): it opens its share of socket.io connections, joins the board
 * (app run) or is joined by the server (bare baseline), waits until the presence lists count every
 * member, and for each `proposal.updated` tells the parent once ALL of its sockets have received it,
 * with the time (`machineNow()`: one clock for every process of the machine).
 * Events are matched without ids on the wire: an actor's k-th event is its k-th action (socket.io
 * keeps order per connection).
 */
import type { BoardCard } from '../lib/realtime/board-events';
import { openClients, SETUP_TIMEOUT_MS, until, WAVE, withTimeout, type Client } from './board-load';
import { machineNow } from './machine-clock';

interface Start {
	type: 'start';
	url: string;
	/** The board to join (app run), or null for the bare baseline, whose server joins every socket to one room. */
	residenceId: string | null;
	/** One cookie per socket (app run), or null entries for the bare baseline. */
	cookies: (string | null)[];
	/** Members on the board across every process: presence is settled when the lists count them all. */
	total: number;
}

const now = machineNow;
const send = (m: unknown) => process.send?.(m);
let sockets: Client[] = [];

process.on('message', (raw: Start | { type: 'stop' }) => {
	if (raw.type === 'stop') {
		for (const s of sockets) s.disconnect();
		process.exit(0);
	}
	void start(raw).catch((err: unknown) => send({ type: 'error', message: String(err) }));
});

async function start({ url, residenceId, cookies, total }: Start) {
	const n = cookies.length;
	/** `${actorId} ${k}` → how many of this process's sockets have seen the actor's k-th action. */
	const counts = new Map<string, number>();
	/** Done reports go to the parent in one message per tick, not one per action. */
	let batch: [string, number, number][] = [];
	const flush = () => {
		send({ type: 'done', items: batch });
		batch = [];
	};
	let sampled = false;
	let boardComplete = 0;
	let spaceComplete = 0;
	const opened = await openClients(url, n, (i) => cookies[i] ?? undefined, (socket) => {
		const perActor = new Map<string, number>();
		let seenBoard = false;
		let seenSpace = false;
		socket.on('board.presence', (p) => {
			if (!seenBoard && p.count === total) {
				seenBoard = true;
				boardComplete++;
			}
		});
		socket.on('presence.changed', (p) => {
			if (!seenSpace && p.count === total) {
				seenSpace = true;
				spaceComplete++;
			}
		});
		socket.on('proposal.updated', ({ actorId, change, card }) => {
			if (change !== 'support' && change !== 'comment') return;
			if (!sampled) {
				sampled = true;
				send({ type: 'sample', card: card satisfies BoardCard });
			}
			const k = perActor.get(actorId) ?? 0;
			perActor.set(actorId, k + 1);
			const key = `${actorId} ${k}`;
			const count = (counts.get(key) ?? 0) + 1;
			if (count < n) {
				counts.set(key, count);
				return;
			}
			counts.delete(key);
			if (batch.length === 0) setImmediate(flush);
			batch.push([actorId, k, now()]);
		});
	});
	sockets = opened;
	let settled = true;
	if (residenceId) {
		for (let from = 0; from < n; from += WAVE) {
			const acks = await withTimeout(
				Promise.all(opened.slice(from, from + WAVE).map((c) => c.timeout(SETUP_TIMEOUT_MS).emitWithAck('board.join', { residenceId }))),
				SETUP_TIMEOUT_MS,
				'board.join'
			);
			const refused = acks.find((a) => !a.ok);
			if (refused) throw new Error(`board.join refused: ${JSON.stringify(refused)}`);
		}
		send({ type: 'joined' });
		settled = await until(() => boardComplete === n && spaceComplete === n, SETUP_TIMEOUT_MS);
	}
	send({ type: 'ready', settled });
}

process.on('disconnect', () => {
	for (const s of sockets) s.disconnect();
	sockets = [];
	process.exit(0);
});
