/**
 * A run's space and who plays what in it: a new run is materialised from the session's scenario,
 * and real people's memberships in its space are rebuilt from the session's participants.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Role } from '$lib/domain/policy';
import type { Scenario } from '$lib/domain/practice/scenario';
import { transaction, type Db } from '../../db';
import { colleges, memberships, practiceRunSteps, practiceRuns, practiceSessions } from '../../db/schema';
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
	const { db, clock, ids } = deps;

	/** Rebuilds real people's memberships in a run's space from the session's participants. */
	function applyAssignments(tx: Db, s: PracticeSessionRow, run: PracticeRunRow, collegeIds: Map<string, string> | null) {
		const scenario = scenarioOf(s);
		const people = ctx.participants(s.id, tx);
		const realIds = [...people.map((p) => p.userId), s.createdBy];
		tx.delete(memberships).where(and(eq(memberships.spaceId, run.spaceId), inArray(memberships.userId, realIds))).run();
		const now = clock.now();
		const colleges = collegeIds ?? collegeMap(tx, run);
		const assignments: Record<string, string> = {};
		// The trainer watches every run from inside, read-only.
		tx.insert(memberships).values({ id: ids.id(), userId: s.createdBy, spaceType: run.spaceType, spaceId: run.spaceId, role: 'observer', createdAt: now }).run();
		for (const p of people) {
			if (p.userId === s.createdBy) continue;
			const m = p.kind === 'trainee' && p.roleKey ? membershipFor(scenario, p.roleKey) : null;
			if (m && p.roleKey) assignments[p.userId] = p.roleKey;
			tx.insert(memberships)
				.values({ id: ids.id(), userId: p.userId, spaceType: run.spaceType, spaceId: run.spaceId, role: m?.role ?? 'observer', collegeId: m?.college ? (colleges.get(m.college) ?? null) : null, createdAt: now })
				.run();
		}
		tx.update(practiceRuns).set({ assignments }).where(eq(practiceRuns.id, run.id)).run();
	}
	/** Scenario college key → college id in the run's body (colleges are stored in scenario order). */
	function collegeMap(tx: Db, run: PracticeRunRow): Map<string, string> {
		if (run.spaceType !== 'body') return new Map();
		const s = tx.select().from(practiceSessions).where(eq(practiceSessions.id, run.sessionId)).get();
		const scenario = s ? scenarioOf(s) : null;
		if (scenario?.space.kind !== 'body') return new Map();
		const rows = tx.select({ id: colleges.id, position: colleges.position }).from(colleges).where(eq(colleges.bodyId, run.spaceId)).all();
		const byPosition = new Map(rows.map((c) => [c.position, c.id]));
		return new Map(scenario.space.colleges.map((c, i) => [c.key, byPosition.get(i) ?? '']));
	}

	async function newRun(s: PracticeSessionRow, number: number) {
		const runId = ids.id();
		const t = ctx.training(s.trainingId);
		const built = await materialise(deps, hooks, scenarioOf(s), { runId, organisationId: t.organisationId, trainerId: s.createdBy });
		const now = clock.now();
		const run = transaction(db, (tx) => {
			tx.insert(practiceRuns).values({ id: runId, sessionId: s.id, number, spaceType: built.space.type, spaceId: built.space.id, status: 'active', assignments: {}, startedAt: now }).run();
			const first = scenarioOf(s).steps[0];
			if (first) tx.insert(practiceRunSteps).values({ runId, stepKey: first.key, startedAt: now }).run();
			const row = tx.select().from(practiceRuns).where(eq(practiceRuns.id, runId)).get()!;
			applyAssignments(tx, s, row, built.collegeIds);
			return row;
		});
		return run;
	}

	function newCode(): string {
		for (;;) {
			const bytes = ids.bytes(6);
			const code = 'PRA-' + Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
			if (!db.select({ id: practiceSessions.id }).from(practiceSessions).where(eq(practiceSessions.code, code)).get()) return code;
		}
	}

	return { applyAssignments, newRun, newCode };
}

export type PracticeRuns = ReturnType<typeof createRuns>;
