/**
 * One process of simulated members for `npm run bench -- cluster` (forked by cluster.ts, so the
 * nodes keep their cores): it opens its share of socket.io connections, each to the node its member
 * is "sticky" to, joins the member's board, and for every board event tells the parent once ALL of
 * its sockets on that board have received it, with the time (`machineNow()`: one
 * clock for every process of the machine). Events are matched without ids on the wire: an actor's
 * k-th event on its board is its k-th action (socket.io keeps order per connection).
 */
import { RoomFollower } from '../lib/realtime/meeting-patch';
import { openClients, type Client } from './board-load';
import { machineNow } from './machine-clock';

interface Start {
	type: 'start';
	urls: string[];
	members: { cookie: string; residenceId: string; node: number }[];
}

const now = machineNow;
const send = (m: unknown) => process.send?.(m);
const sockets: Client[] = [];

interface MeetingStart {
	type: 'meeting';
	urls: string[];
	meetingId: string;
	members: { cookie: string; node: number }[];
}

process.on('message', (raw: Start | MeetingStart | { type: 'stop' }) => {
	if (raw.type === 'stop') {
		for (const s of sockets) s.disconnect();
		process.exit(0);
	}
	const started = raw.type === 'meeting' ? meeting(raw) : start(raw);
	void started.catch((err: unknown) => send({ type: 'error', message: String(err) }));
});

/**
 * The meeting's screens of this process: each joins the room on its node and keeps the room's state
 * by the room page's rules (`RoomFollower`: the whole state, then each `meeting.patch` applied; a
 * patch that does not fit, as when two nodes' changes cross, makes it join again). Whenever the
 * fewest speeches any of them shows grows, the parent is told, with the time (every raised hand adds
 * one).
 */
async function meeting({ urls, meetingId, members }: MeetingStart) {
	// -1 until a screen has its first state; the parent is told only once every screen has one.
	const counts = new Array<number>(members.length).fill(-1);
	let reported = -1;
	const seen = (i: number, speeches: number) => {
		counts[i] = Math.max(counts[i]!, speeches);
		const least = Math.min(...counts);
		if (least >= 0 && least > reported) {
			reported = least;
			send({ type: 'meeting', speeches: least, at: now() });
		}
	};
	/** Each screen's first state: its first join answered. */
	const followers: RoomFollower[] = [];
	const firstStates: Promise<void>[] = [];
	let offset = 0;
	for (let node = 0; node < urls.length; node++) {
		const mine = members.filter((m) => m.node === node);
		const base = offset;
		offset += mine.length;
		const opened = await openClients(urls[node]!, mine.length, (i) => mine[i]!.cookie, (socket, i) => {
			let first = () => {};
			firstStates[base + i] = new Promise<void>((resolve) => (first = resolve));
			const follower = new RoomFollower(
				meetingId,
				(answer) =>
					socket.emit('meeting.join', { meetingId }, (r) => {
						if (!r.ok) send({ type: 'error', message: 'meeting.join refused' });
						answer(r);
					}),
				(state) => {
					seen(base + i, state.speeches.length);
					first();
				}
			);
			followers[base + i] = follower;
			socket.on('meeting.state', (state) => follower.accept(state));
			socket.on('meeting.patch', (patch) => follower.patch(patch));
		});
		sockets.push(...opened);
		for (let i = 0; i < opened.length; i++) followers[base + i]!.rejoin();
		await Promise.all(firstStates.slice(base, base + opened.length));
	}
	send({ type: 'meeting-ready' });
}

async function start({ urls, members }: Start) {
	const perBoard = new Map<string, number>();
	for (const m of members) perBoard.set(m.residenceId, (perBoard.get(m.residenceId) ?? 0) + 1);
	/** board → actor → how many of this process's sockets on the board saw each of its events. */
	const seen = new Map<string, Map<string, number[]>>();
	const receive = (residenceId: string, actorId: string, socketSeq: number) => {
		const byActor = seen.get(residenceId) ?? new Map<string, number[]>();
		seen.set(residenceId, byActor);
		const counts = byActor.get(actorId) ?? [];
		byActor.set(actorId, counts);
		counts[socketSeq] = (counts[socketSeq] ?? 0) + 1;
		if (counts[socketSeq] === perBoard.get(residenceId)) send({ type: 'done', actorId, seq: socketSeq, at: now() });
	};
	for (let node = 0; node < urls.length; node++) {
		const mine = members.filter((m) => m.node === node);
		const opened = await openClients(urls[node]!, mine.length, (i) => mine[i]!.cookie, (socket, i) => {
			const residenceId = mine[i]!.residenceId;
			const perActor = new Map<string, number>();
			socket.on('proposal.updated', ({ actorId }) => {
				const k = perActor.get(actorId) ?? 0;
				perActor.set(actorId, k + 1);
				receive(residenceId, actorId, k);
			});
		});
		sockets.push(...opened);
		await Promise.all(
			opened.map(
				(socket, i) =>
					new Promise<void>((resolve, reject) =>
						socket.emit('board.join', { residenceId: mine[i]!.residenceId }, (r: { ok: boolean }) => (r.ok ? resolve() : reject(new Error('board.join refused'))))
					)
			)
		);
	}
	send({ type: 'ready' });
}
