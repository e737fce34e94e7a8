/**
 * Child process of crash.test.ts: opens the database, casts the given votes 20 at a time through the
 * real consultations service, and prints "ack <voterId>" the moment each vote is acknowledged. The
 * parent kills it with SIGKILL in the middle. (stdout to a pipe is synchronous on Linux.) The votes'
 * traces are folded every 15 votes, so the kill may also fall in the middle of a fold.
 */
import { openDatabase } from '../../../src/lib/server/db';
import { loadActor } from '../../../src/lib/server/auth/session';
import { randomIds, systemClock } from '../../../src/lib/server/ids';
import { createLocalBus } from '../../../src/lib/server/realtime/bus';
import { createServices } from '../../../src/lib/server/services';

const { file, consultationId, voterIds, options } = JSON.parse(process.argv[2]!) as { file: string; consultationId: string; voterIds: string[]; options: string[] };
const db = openDatabase(file);
const services = createServices({ db, clock: systemClock, ids: randomIds, bus: createLocalBus() }, { consultations: { ballotBox: { groupSize: 5, windowMs: 30 }, traces: { foldAt: 15 } } });
let next = 0;
async function voter() {
	while (next < voterIds.length) {
		const i = next++;
		const actor = (await loadActor(services.deps.data, voterIds[i]!))!;
		await services.consultations.cast(actor, { consultationId, ballot: { choice: options[i % options.length]! } });
		process.stdout.write(`ack ${voterIds[i]}\n`);
	}
}
await Promise.all(Array.from({ length: 20 }, voter));
process.stdout.write('done\n');
