import { and, asc, eq, ne } from 'drizzle-orm';
import sharp from 'sharp';
import { hashPassword } from '../auth/password';
import { loadActor, type SessionUser } from '../auth/session';
import { demoActors } from './actors';
import type { Services } from '../services';
import { reencodePhoto } from '../uploads/photos';

const DAY = 24 * 60 * 60 * 1000;

/** A simple drawing of a bench model, so the demo's options have pictures without shipping photos. */
async function benchPicture(seat: string, legs: string, back: string): Promise<Buffer> {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 480 320">
		<rect width="480" height="320" fill="#dfeee0"/><rect y="250" width="480" height="70" fill="#b9c9a8"/>
		<rect x="70" y="80" width="340" height="34" rx="6" fill="${back}"/><rect x="70" y="122" width="340" height="34" rx="6" fill="${back}"/>
		<rect x="50" y="170" width="380" height="36" rx="6" fill="${seat}"/>
		<rect x="80" y="206" width="26" height="62" fill="${legs}"/><rect x="374" y="206" width="26" height="62" fill="${legs}"/>
		<rect x="90" y="110" width="16" height="60" fill="${legs}"/><rect x="374" y="110" width="16" height="60" fill="${legs}"/></svg>`;
	const png = await sharp(Buffer.from(svg)).png().toBuffer();
	return reencodePhoto(new Uint8Array(png));
}

/**
 * Demo consultations: the bench vote of L’Aventurière (majority judgment, one vote per household),
 * the residence's 2027 priorities (Schulze ranking of its board's ideas), a closed vote with a show
 * of hands to show results and the recount, and a college-weighted motion in the LCP committee.
 * Neighbours without a demo login vote too, so turnout by building means something.
 */
export async function seedVotes(services: Services, residenceId: string, bodyId: string, userIds: Map<string, string>) {
	const { data, clock, ids } = services.deps;
	const { households, memberships, proposals, users } = data.t;
	const c = services.consultations;
	const actor = await demoActors(services.deps.data, userIds);
	const now = clock.now();

	// Neighbours who vote but have no demo login (their password is random and never shown).
	const passwordHash = await hashPassword(Buffer.from(ids.bytes(18)).toString('base64'));
	const homes = await data.db.select().from(households).where(eq(households.residenceId, residenceId)).orderBy(asc(households.label), asc(households.id));
	const labels = ['A-02', 'A-11', 'A-23', 'B-04', 'B-09', 'B-31', 'C-06', 'C-14'];
	const created: string[] = [];
	await data.write(async (tx) => {
		created.length = 0;
		for (const [i, label] of labels.entries()) {
			const home = homes.find((h) => h.label === label);
			if (!home) continue;
			const id = ids.id();
			created.push(id);
			await tx
				.insert(users)
				.values({ id, username: `voisin.${i + 1}.${label.toLowerCase()}`, displayName: `Voisin ${label}`, passwordHash, householdId: home.id, createdAt: now, passwordChangedAt: now });
			await tx.insert(memberships).values({ id: ids.id(), userId: id, spaceType: 'residence', spaceId: residenceId, role: 'tenant', createdAt: now });
		}
	});
	const neighbours: SessionUser[] = [];
	for (const id of created) neighbours.push((await loadActor(services.deps.data, id))!);

	const claire = actor('claire.martin@lmh.demo');
	const residence = { type: 'residence' as const, id: residenceId };
	const optionIds = async (id: string) => (await c.view(claire, id)).options.map((o) => o.id);
	const inDays = (d: number) => new Date(now.getTime() + d * DAY).toISOString();

	// 1. The bench: majority judgment, one vote per household, secret, live results.
	const pictures = new Map([
		[0, await benchPicture('#9a6a3a', '#5b3a1e', '#b07b45')],
		[1, await benchPicture('#3f7d4e', '#2f3b33', '#4e9460')],
		[2, await benchPicture('#a8a29a', '#77736d', '#b07b45')]
	]);
	const bench = await c.create(claire, {
		space: residence,
		question: 'Quel banc devant l’entrée du bâtiment A ?',
		description: 'Trois modèles proposés par le service espaces verts. Donnez une mention à chacun : le banc le mieux noté sera installé au printemps.',
		method: 'majority-judgment',
		options: [
			{ label: 'Banc en bois massif', description: 'Chaud au toucher, à huiler chaque année.', cost: 900 },
			{ label: 'Banc en plastique recyclé', description: 'Sans entretien, fabriqué à Lyon.', cost: 750 },
			{ label: 'Banc béton et bois', description: 'Très solide, le plus cher.', cost: 1400 }
		],
		electorate: 'residence',
		countBy: 'household',
		secrecy: 'secret',
		resultsVisibility: 'live',
		closesAt: inDays(14),
		openNow: true
	}, pictures);
	const [bois, recycle, beton] = (await optionIds(bench.id)) as [string, string, string];
	const grades = [
		{ [bois]: 1, [recycle]: 0, [beton]: 3 },
		{ [bois]: 0, [recycle]: 2, [beton]: 4 },
		{ [bois]: 2, [recycle]: 1, [beton]: 2 },
		{ [bois]: 1, [recycle]: 3, [beton]: 5 },
		{ [bois]: 3, [recycle]: 1, [beton]: 1 }
	];
	// Cast together, so secret ballots go into the box as one group rather than waiting for its window.
	await Promise.all(grades.map((g, i) => c.cast(neighbours[i]!, { consultationId: bench.id, ballot: { grades: g } })));

	// 2. Priorities 2027: a Schulze ranking of the board's ideas still on the table.
	const ideas = await data.db
		.select({ id: proposals.id, title: proposals.title, cost: proposals.costEuros })
		.from(proposals)
		.where(and(eq(proposals.spaceType, 'residence'), eq(proposals.spaceId, residenceId), ne(proposals.status, 'declined'), ne(proposals.status, 'done')))
		.orderBy(asc(proposals.createdAt), asc(proposals.id))
		.limit(5);
	const priorityOptions =
		ideas.length >= 3
			? ideas.map((p) => ({ label: p.title, proposalId: p.id }))
			: [{ label: 'Jardin partagé' }, { label: 'Bancs devant l’entrée' }, { label: 'Fête des voisins' }, { label: 'Boîte à outils partagée' }];
	const priorities = await c.create(claire, {
		space: residence,
		question: 'Priorités 2027 : quels projets d’abord ?',
		description: 'Classez les idées du tableau, de la plus importante à la moins importante pour vous.',
		method: 'schulze',
		options: priorityOptions,
		electorate: 'residence',
		countBy: 'person',
		secrecy: 'secret',
		resultsVisibility: 'afterClose',
		closesAt: inDays(30),
		openNow: true
	});
	const p = (await optionIds(priorities.id));
	const rankings = [
		[0, 1, 2],
		[1, 0, 3],
		[0, 2, 1],
		[2, 0],
		[1, 2, 0, 3]
	];
	await Promise.all(rankings.map((r, i) => c.cast(neighbours[i + 3]!, { consultationId: priorities.id, ballot: { ranking: r.filter((k) => k < p.length).map((k) => [p[k]!]) } })));

	// 3. A closed vote decided partly by a show of hands at the foot of the building.
	const party = await c.create(claire, {
		space: residence,
		question: 'Fête des voisins : quel samedi ?',
		method: 'plurality',
		options: [{ label: 'Samedi 30 mai' }, { label: 'Samedi 6 juin' }, { label: 'Samedi 13 juin' }],
		electorate: 'residence',
		countBy: 'person',
		secrecy: 'public',
		resultsVisibility: 'live',
		openNow: true
	});
	const [mai, juin6, juin13] = (await optionIds(party.id)) as [string, string, string];
	for (const [i, choice] of [juin6, mai, juin6, juin13, juin6].entries()) await c.cast(neighbours[i]!, { consultationId: party.id, ballot: { choice } });
	await c.cast(actor('josiane'), { consultationId: party.id, ballot: { choice: juin6 } });
	await c.recordBatch(claire, { consultationId: party.id, kind: 'show-of-hands', note: 'Apéritif au pied du bâtiment C', counts: { [mai]: 3, [juin6]: 7, [juin13]: 2 } });
	await c.close(claire, { consultationId: party.id });

	// 4. The LCP committee: a motion weighted by college, with a quorum in each college.
	const motion = await c.create(actor('sophie.leroy@lcp.demo'), {
		space: { type: 'body', id: bodyId },
		question: 'Motion : adopter la charte de fonctionnement démocratique du réseau',
		description: 'Chaque collège pèse 25 % quel que soit son nombre de membres. Consentement : une objection motivée bloque la motion.',
		method: 'yes-no-abstain',
		electorate: 'body',
		weighting: 'colleges',
		secrecy: 'public',
		resultsVisibility: 'live',
		quorumPercent: 50,
		quorumPerCollege: true,
		closesAt: inDays(10),
		openNow: true
	});
	await c.cast(actor('marc.guerin@lcp.demo'), { consultationId: motion.id, ballot: { position: 'for' } });
}
