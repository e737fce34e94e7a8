/** A residence with `n` tenants (one per household) and an open secret consultation, for ballot-box tests. */
import { createResidence, createUser, type TestApp } from '$lib/server/testing';
import { asc, eq } from 'drizzle-orm';
import { existsSync, readFileSync } from 'node:fs';

/** `extra`: more settings of the consultation (secrecy, assisted-vote cap…). */
export async function secretVote(app: TestApp, n: number, svc = app.services.consultations, extra: Record<string, unknown> = {}) {
	const { residence } = await createResidence(app, [{ name: 'Bâtiment A', dwellings: n }]);
	const space = { type: 'residence' as const, id: residence.id };
	// Through the async handle: the fixture serves both engines.
	const { data } = app.services.deps;
	const { households } = data.t;
	const homes = await data.db.select().from(households).where(eq(households.residenceId, residence.id)).orderBy(asc(households.label), asc(households.id));
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	const voters = [];
	for (let i = 0; i < n; i++) voters.push(await createUser(app, { displayName: `Voisin ${i}`, householdId: homes[i]!.id, roles: [{ ...space, role: 'tenant' }] }));
	const { id } = await svc.create(claire, {
		space,
		question: 'Quel banc ?',
		method: 'plurality',
		options: [{ label: 'Bois' }, { label: 'Métal' }],
		electorate: 'residence',
		countBy: 'household',
		secrecy: 'secret',
		resultsVisibility: 'live',
		openNow: true,
		...extra
	});
	const options = (await svc.view(claire, id)).options.map((o) => o.id);
	return { residence, space, claire, voters, id, options, homes };
}

/** Commits of a WAL file: for each, the page images of its frames (https://sqlite.org/fileformat.html#the_write_ahead_log). */
export function walCommits(file: string): Buffer[][] {
	if (!existsSync(file)) return [];
	const wal = readFileSync(file);
	if (wal.length < 32) return [];
	const pageSize = wal.readUInt32BE(8);
	const commits: Buffer[][] = [];
	let current: Buffer[] = [];
	for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
		current.push(wal.subarray(at + 24, at + 24 + pageSize));
		if (wal.readUInt32BE(at + 4) !== 0) {
			commits.push(current);
			current = [];
		}
	}
	return commits;
}
