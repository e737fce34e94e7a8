/**
 * One process of meeting-room screens for `npm run bench -- meeting` (forked by meeting.ts, so the
 * server keeps its own core): it opens its share of socket.io connections, joins the meeting room
 * (app run) or is joined by the server (baseline run), keeps each screen's state as the room page
 * does (the whole state, then each `meeting.patch` applied to it), and for every state it sees tells
 * the parent once ALL of its sockets hold it, with the time (`machineNow()`: one clock for every
 * process of the machine). A patch that does not fit a screen's state is an error: nothing is lost on
 * loopback.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { MeetingRoomPatch, MeetingRoomState } from '../lib/realtime/meeting-events';
import { applyRoomPatch } from '../lib/realtime/meeting-patch';
import { stateKey } from './meeting-key';
import { machineNow } from './machine-clock';

interface Start {
	type: 'start';
	url: string;
	meetingId: string | null;
	/** One cookie per socket (app run), or null entries for the bare baseline. */
	cookies: (string | null)[];
}


const now = machineNow;
const send = (m: unknown) => process.send?.(m);
let sockets: Socket[] = [];

process.on('message', (raw: Start | { type: 'stop' }) => {
	if (raw.type === 'stop') {
		for (const s of sockets) s.disconnect();
		process.exit(0);
	}
	void start(raw).catch((err: unknown) => send({ type: 'error', message: String(err) }));
});

async function start({ url, meetingId, cookies }: Start) {
	const seen = new Map<string, number>();
	const n = cookies.length;
	const receive = (state: MeetingRoomState) => {
		const key = stateKey(state);
		const count = (seen.get(key) ?? 0) + 1;
		seen.set(key, count);
		if (count === n) send({ type: 'done', key, at: now() });
	};
	/** Each screen's state: what it joined with (or the first whole state the baseline sends), then its patches. */
	const held = new Map<Socket, MeetingRoomState>();
	const hold = (socket: Socket, state: MeetingRoomState) => {
		held.set(socket, state);
		receive(state);
	};
	const patch = (socket: Socket, p: MeetingRoomPatch) => {
		const state = held.get(socket);
		const outcome = state ? applyRoomPatch(state, p) : ({ kind: 'missed' } as const);
		if (outcome.kind === 'applied') hold(socket, outcome.state);
		else if (outcome.kind === 'missed') send({ type: 'error', message: 'a screen got a patch that does not fit its state' });
	};
	const WAVE = 40;
	for (let from = 0; from < n; from += WAVE) {
		const wave = cookies.slice(from, from + WAVE).map(
			(cookie) =>
				new Promise<Socket>((resolve, reject) => {
					const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 120_000, ...(cookie ? { extraHeaders: { cookie } } : {}) });
					socket.on('meeting.state', (state: MeetingRoomState) => hold(socket, state));
					socket.on('meeting.patch', (p: MeetingRoomPatch) => patch(socket, p));
					socket.once('connect', () => resolve(socket));
					socket.once('connect_error', reject);
				})
		);
		const opened = await Promise.all(wave);
		sockets.push(...opened);
		if (meetingId)
			await Promise.all(
				opened.map(async (s) => {
					const ack = (await s.timeout(120_000).emitWithAck('meeting.join', { meetingId })) as { ok: true; data: MeetingRoomState } | { ok: false };
					if (!ack.ok) throw new Error(`meeting.join refused: ${JSON.stringify(ack)}`);
					held.set(s, ack.data);
				})
			);
	}
	send({ type: 'ready' });
}

process.on('disconnect', () => {
	for (const s of sockets) s.disconnect();
	sockets = [];
	process.exit(0);
});
