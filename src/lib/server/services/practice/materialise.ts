/**
 * Builds a run's simulated residence or body from a scenario: the space (marked `practice`), its
 * buildings and households or colleges, the scenario's simulated people, the ideas with their
 * comments and co-edited descriptions, the vote to prepare and, for a body, the meeting to hold.
 * Every run starts from this, so "reset" is: close the run, materialise again.
 */
import type { Actor, Role, SpaceRef } from '$lib/domain/policy';
import { householdLabels, type Scenario } from '$lib/domain/practice/scenario';
import type { ServiceDeps } from '../deps';

/** Other services' doors, awaited whether they are converted to the async data handle yet or not (issue 12). */
export interface MaterialiseHooks {
	seedDescription(proposalId: string, text: string): Promise<unknown>;
	createConsultation(actor: Actor, input: unknown): { id: string } | Promise<{ id: string }>;
	scheduleMeeting(actor: Actor, input: unknown): Promise<{ id: string }>;
	addItem(actor: Actor, input: unknown): Promise<unknown>;
}

export interface Materialised {
	space: SpaceRef & { type: 'residence' | 'body' };
	/** Scenario key → id, for buildings, colleges and simulated people. */
	buildingIds: Map<string, string>;
	collegeIds: Map<string, string>;
	characterIds: Map<string, string>;
}

/** An unusable password hash: simulated people never sign in. */
const NO_PASSWORD = '!practice';

/** "2026-12-03T18:30" in Paris time, as the meeting form sends it. */
function parisLocal(date: Date): string {
	const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
	return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

export async function materialise(deps: ServiceDeps, hooks: MaterialiseHooks, scenario: Scenario, ctx: { runId: string; organisationId: string; trainerId: string }): Promise<Materialised> {
	const { data: dataHandle, clock, ids } = deps;
	const { bodies, buildings, colleges, households, memberships, proposalComments, proposalEvents, proposals, residences, users } = dataHandle.t;
	const now = clock.now();
	const spaceId = ids.id();
	const slug = `practice-${ctx.runId}`.toLowerCase();
	const buildingIds = new Map<string, string>();
	const collegeIds = new Map<string, string>();
	const characterIds = new Map<string, string>();
	const s = scenario.space;
	const space = { type: s.kind, id: spaceId } as Materialised['space'];
	const proposalIds: { id: string; text: string }[] = [];

	await dataHandle.write(async (tx) => {
		if (s.kind === 'residence') {
			await tx.insert(residences).values({ id: spaceId, organisationId: ctx.organisationId, slug, name: s.name, city: s.city, practice: true, createdAt: now });
			const bRows = s.buildings.map((b, position) => {
				const id = ids.id();
				buildingIds.set(b.key, id);
				return { id, residenceId: spaceId, name: b.name, position };
			});
			if (bRows.length) await tx.insert(buildings).values(bRows);
			const hRows = householdLabels(scenario).map((h) => ({ id: ids.id(), residenceId: spaceId, buildingId: buildingIds.get(h.building)!, label: h.label }));
			for (let i = 0; i < hRows.length; i += 200) await tx.insert(households).values(hRows.slice(i, i + 200));
		} else {
			await tx.insert(bodies).values({ id: spaceId, organisationId: ctx.organisationId, slug, name: s.name, description: s.description, practice: true, createdAt: now });
			const cRows = s.colleges.map((c, position) => {
				const id = ids.id();
				collegeIds.set(c.key, id);
				return { id, bodyId: spaceId, name: c.name, weight: c.weight, seats: c.seats, position };
			});
			await tx.insert(colleges).values(cRows);
		}
		const simRole: Role = s.kind === 'residence' ? 'tenant' : 'member';
		for (const c of scenario.characters) {
			const id = ids.id();
			characterIds.set(c.key, id);
			await tx.insert(users).values({ id, username: `sim.${ctx.runId}.${c.key}`.toLowerCase(), displayName: c.name, passwordHash: NO_PASSWORD, createdAt: now, passwordChangedAt: now });
			await tx.insert(memberships)
				.values({ id: ids.id(), userId: id, spaceType: s.kind, spaceId, role: simRole, collegeId: c.college ? (collegeIds.get(c.college) ?? null) : null, createdAt: now });
		}
		for (const [i, idea] of scenario.ideas.entries()) {
			const id = ids.id();
			const authorId = characterIds.get(idea.author)!;
			await tx.insert(proposals)
				.values({ id, spaceType: s.kind, spaceId, title: idea.title, description: idea.description, category: idea.category, status: idea.status, position: i + 1, authorId, createdAt: now, updatedAt: now });
			await tx.insert(proposalEvents).values({ proposalId: id, at: now, actorId: authorId, kind: 'created', data: {} });
			for (const c of idea.comments) await tx.insert(proposalComments).values({ id: ids.id(), proposalId: id, parentId: null, authorId: characterIds.get(c.author)!, body: c.body, createdAt: now });
			proposalIds.push({ id, text: idea.description });
		}
	});

	// After the commit: the co-edited descriptions start from the scenario's text.
	for (const p of proposalIds) if (p.text) await hooks.seedDescription(p.id, p.text);

	// The trainer prepares what the scenario says is prepared, with the rights of the one who would.
	const preparer: Actor = { id: ctx.trainerId, isAdmin: false, roles: new Map([[`${s.kind}:${spaceId}`, [s.kind === 'residence' ? 'facilitator' : 'chair'] as Role[]]]) };
	if (scenario.vote) {
		const v = scenario.vote;
		await hooks.createConsultation(preparer, {
			space,
			question: v.question,
			description: v.description,
			method: v.method,
			options: v.method === 'yes-no-abstain' ? [] : v.options.map((label) => ({ label })),
			optionOrder: 'fixed',
			electorate: s.kind === 'residence' ? 'residence' : 'body',
			countBy: 'person',
			weighting: s.kind === 'body' ? 'colleges' : 'none',
			secrecy: 'public',
			resultsVisibility: 'live',
			openNow: false
		});
	}
	if (scenario.meeting && s.kind === 'body') {
		const m = scenario.meeting;
		const { id: meetingId } = await hooks.scheduleMeeting(preparer, { bodyId: spaceId, title: m.title, startsAt: parisLocal(new Date(now.getTime() + 60 * 60 * 1000)), durationMin: 90 });
		for (const [i, title] of m.items.entries())
			await hooks.addItem(preparer, { meetingId, title, kind: i === m.items.length - 1 && scenario.vote ? 'decision' : 'discussion' });
	}
	return { space, buildingIds, collegeIds, characterIds };
}
