/**
 * What every part of the practice service shares: finding a training, a session, its scenario,
 * its current run and participants; the trainer's guard and who may observe; telling people's
 * connections that their rights changed.
 */
import { asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, can, type Actor, type SpaceRef } from '$lib/domain/policy';
import { scenarioSchema, type Scenario } from '$lib/domain/practice/scenario';
import { first, type AsyncDb } from '../../db/data';
import type { practiceRuns, practiceSessions } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { notFound } from '../errors';
import { parse } from '../validate';

export const id = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');

export type PracticeSessionRow = typeof practiceSessions.$inferSelect;
export type PracticeRunRow = typeof practiceRuns.$inferSelect;

export const trainingSpace = (trainingId: string): SpaceRef => ({ type: 'training', id: trainingId });
export const scenarioOf = (s: PracticeSessionRow): Scenario => scenarioSchema.parse(s.scenario);

/** Only a trainer of the session's training runs it. */
export function guardRun(actor: Actor | null, s: PracticeSessionRow): asserts actor is Actor {
	authorize(actor, 'practice.run', trainingSpace(s.trainingId));
}

export function createPracticeContext(deps: ServiceDeps) {
	const { data: dataHandle, bus } = deps;
	const { memberships, practiceParticipants, practiceRuns, practiceSessions, trainingSessions } = dataHandle.t;

	async function training(trainingId: string) {
		const row = (await first(dataHandle.db.select().from(trainingSessions).where(eq(trainingSessions.id, trainingId))));
		if (!row) throw notFound();
		return row;
	}
	async function loadSession(sessionId: string) {
		const row = (await first(dataHandle.db.select().from(practiceSessions).where(eq(practiceSessions.id, parse(id, sessionId)))));
		if (!row) throw notFound();
		return row;
	}
	// In a unit, `dataHandle.db` is the unit's transaction: these read what it wrote.
	const currentRun = async (sessionId: string, tx: AsyncDb = dataHandle.db) => (await first(tx.select().from(practiceRuns).where(eq(practiceRuns.sessionId, sessionId)).orderBy(desc(practiceRuns.number)))) ?? null;
	const participants = (sessionId: string, tx: AsyncDb = dataHandle.db) =>
		tx.select().from(practiceParticipants).where(eq(practiceParticipants.sessionId, sessionId)).orderBy(asc(practiceParticipants.joinedAt), asc(practiceParticipants.userId));

	/** Tells every connection of these people that their rights changed (live-auth re-reads them). */
	function signal(userIds: Iterable<string>) {
		for (const userId of new Set(userIds)) bus.signal('account.changed', { userId });
	}
	async function peopleOf(run: PracticeRunRow | null, sessionId: string) {
		const out = (await participants(sessionId)).map((p) => p.userId);
		if (run) out.push(...(await dataHandle.db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.spaceId, run.spaceId))).map((m) => m.userId));
		return out;
	}

	function mayObserve(actor: Actor | null, s: PracticeSessionRow, userIds: string[]) {
		if (!actor) return false;
		if (can(actor, 'practice.observe', trainingSpace(s.trainingId))) return true;
		return userIds.includes(actor.id) && can(actor, 'practice.join', trainingSpace(s.trainingId));
	}

	return { training, loadSession, scenarioOf, currentRun, participants, signal, peopleOf, mayObserve };
}

export type PracticeContext = ReturnType<typeof createPracticeContext>;
