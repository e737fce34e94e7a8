/**
 * A run's space and who plays what in it: a new run is materialised from the session's scenario,
 * and real people's memberships in its space are rebuilt from the session's participants.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Role } from '$lib/domain/policy';
import type { Scenario } from '$lib/domain/practice/scenario';
import { first, type AsyncDb } from '../../db/data';
import type { ServiceDeps } from '../deps';
import { scenarioOf, type PracticeContext, type PracticeRunRow, type PracticeSessionRow } from './context';
import { materialise, type MaterialiseHooks } from './materialise';

/** Codes people type: no 0/O or 1/I. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** The scenario role → the product role it plays, with the college for a body. */
function membershipFor(scenario: Scenario, roleKey: string) {
	const role = scenario.roles.find((r) => r.key === roleKey);
	return role ? { role: role.plays as Role, college: role.college ?? null } : null;
}

export function createRuns(deps: ServiceDeps, hooks: MaterialiseHooks, ctx: PracticeContext) {
	const { data: dataHandle, clock, ids } = deps;
	const { colleges, memberships, practiceRunSteps, practiceRuns, practiceSessions } = dataHandle.t;

	/** Rebuilds real people's memberships in a run's space from the session's participants. */
	async function applyAssignments(tx: AsyncDb, s: PracticeSessionRow, run: PracticeRunRow, collegeIds: Map<string, string> | null) {
		const scenario = scenarioOf(s);
		const people = await ctx.participants(s.id, tx);
		const realIds = [...people.map((p) => p.userId), s.createdBy];
		await tx.delete(memberships).where(and(eq(memberships.spaceId, run.spaceId), inArray(memberships.userId, realIds)));
		const now = clock.now();
		const collegeOf = collegeIds ?? (await collegeMap(tx, run));
		const assignments: Record<string, string> = {};
		// The trainer watches every run from inside, read-only.
		await tx.insert(memberships).values({ id: ids.id(), userId: s.createdBy, spaceType: run.spaceType, spaceId: run.spaceId, role: 'observer', createdAt: now });
		for (const p of people) {
			if (p.userId === s.createdBy) continue;
			const m = p.kind === 'trainee' && p.roleKey ? membershipFor(scenario, p.roleKey) : null;
			if (m && p.roleKey) assignments[p.userId] = p.roleKey;
			await tx.insert(memberships)
				.values({ id: ids.id(), userId: p.userId, spaceType: run.spaceType, spaceId: run.spaceId, role: m?.role ?? 'observer', collegeId: m?.college ? (collegeOf.get(m.college) ?? null) : null, createdAt: now });
		}
		await tx.update(practiceRuns).set({ assignments }).where(eq(practiceRuns.id, run.id));
	}
	/** Scenario college key → college id in the run's body (colleges are stored in scenario order). */
	async function collegeMap(tx: AsyncDb, run: PracticeRunRow): Promise<Map<string, string>> {
		if (run.spaceType !== 'body') return new Map();
		const s = (await first(tx.select().from(practiceSessions).where(eq(practiceSessions.id, run.sessionId))));
		const scenario = s ? scenarioOf(s) : null;
		if (scenario?.space.kind !== 'body') return new Map();
		const rows = (await tx.select({ id: colleges.id, position: colleges.position }).from(colleges).where(eq(colleges.bodyId, run.spaceId)));
		const byPosition = new Map(rows.map((c) => [c.position, c.id]));
		return new Map(scenario.space.colleges.map((c, i) => [c.key, byPosition.get(i) ?? '']));
	}

	async function newRun(s: PracticeSessionRow, number: number) {
		const runId = ids.id();
		const t = await ctx.training(s.trainingId);
		const built = await materialise(deps, hooks, scenarioOf(s), { runId, organisationId: t.organisationId, trainerId: s.createdBy });
		const now = clock.now();
		const run = await dataHandle.write(async (tx) => {
			await tx.insert(practiceRuns).values({ id: runId, sessionId: s.id, number, spaceType: built.space.type, spaceId: built.space.id, status: 'active', assignments: {}, startedAt: now });
			const firstStep = scenarioOf(s).steps[0];
			if (firstStep) await tx.insert(practiceRunSteps).values({ runId, stepKey: firstStep.key, startedAt: now });
			const row = (await first(tx.select().from(practiceRuns).where(eq(practiceRuns.id, runId))))!;
			await applyAssignments(tx, s, row, built.collegeIds);
			return row;
		});
		return run;
	}

	async function newCode(): Promise<string> {
		for (;;) {
			const bytes = ids.bytes(6);
			const code = 'PRA-' + Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
			if (!(await first(dataHandle.db.select({ id: practiceSessions.id }).from(practiceSessions).where(eq(practiceSessions.code, code))))) return code;
		}
	}

	return { applyAssignments, newRun, newCode };
}

export type PracticeRuns = ReturnType<typeof createRuns>;
