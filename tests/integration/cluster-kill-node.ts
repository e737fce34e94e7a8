/**
 * One app node in a child process of cluster-kill.test.ts: its own database connection to the shared
 * database, its own services and socket.io server, the run's Redis prefix (bus, locks, throttles,
 * adapter). It casts the votes it is given 20 at a time through the real consultations service, as
 * the voters' requests would arrive at this node, and prints "ack <voterId>" the moment each vote is
 * acknowledged (stdout to a pipe is synchronous on Linux). The parent may kill it with SIGKILL.
 */
import { loadActor } from '../../src/lib/server/auth/session';
import { isDatabaseUnavailable } from '../../src/lib/server/db/errors';
import { UserError } from '../../src/lib/server/services/errors';
import { TestClock, type TestApp } from '../../src/lib/server/testing';
import { startNode } from '../../src/lib/server/testing/cluster';
import { testRedis } from '../../src/lib/server/testing/redis';

const { file, prefix, name, consultationId, voterIds, options } = JSON.parse(process.argv[2]!) as {
	file: string;
	prefix: string;
	name: string;
	consultationId: string;
	voterIds: string[];
	options: string[];
};
const node = await startNode({ file, clock: new TestClock() } as TestApp, testRedis(prefix), name);
const { consultations, deps } = node.services;
process.stdout.write(`ready ${node.server.url}\n`);

let next = 0;
async function voter() {
	while (next < voterIds.length) {
		const i = next++;
		// A voter told "try again" (the other node held the database past the busy timeout) tries
		// again, as the page asks her to; only an answered vote is acknowledged.
		for (let attempt = 1; ; attempt++) {
			try {
				const actor = (await loadActor(deps.data, voterIds[i]!))!;
				await consultations.cast(actor, { consultationId, ballot: { choice: options[i % options.length]! } });
				break;
			} catch (err) {
				// Her first node died after committing her vote but before answering her: the page she
				// retries on says her secret vote is already in (changing it needs her receipt code).
				if (err instanceof UserError && err.code === 'votes.error.codeNeeded') break;
				if (!isDatabaseUnavailable(err) || attempt >= 20) throw err;
				await new Promise((r) => setTimeout(r, 50 * attempt));
			}
		}
		process.stdout.write(`ack ${voterIds[i]}\n`);
	}
}
await Promise.all(Array.from({ length: 20 }, voter));
await consultations.flushBallotBox();
process.stdout.write('done\n');
await node.close();
process.exit(0);
