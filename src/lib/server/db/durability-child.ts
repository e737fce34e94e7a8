/**
 * Child process of durability.test.ts: opens the database given, writes one ordinary unit
 * (synchronous=NORMAL, no fsync) per organisation and prints "ack <id>" the moment each unit has
 * committed. The parent kills it with SIGKILL mid-stream. (stdout to a pipe is synchronous on Linux.)
 */
import { openDatabase } from './index';
import { sqliteData } from './data';

const writer = openDatabase(process.argv[2]!);
const data = sqliteData(writer);
const at = new Date();
for (let i = 0; i < 20_000; i++) {
	const id = `org-${i}`;
	await data.write((tx) => tx.insert(data.t.organisations).values({ id, slug: id, name: id, kind: 'landlord', createdAt: at }).then(() => undefined));
	process.stdout.write(`ack ${id}\n`);
}
process.stdout.write('done\n');
