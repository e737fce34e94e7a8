/**
 * The life of a practice session: the trainer starts it from a scenario, trainees join with the
 * code (or are added), get roles; the trainer pauses, resumes, resets, moves on a step and ends it.
 * Every change to who may act in a run's space is signalled to the people concerned after commit.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, type Actor } from '$lib/domain/policy';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import { guardRun, id, scenarioOf, trainingSpace, type PracticeContext, type PracticeRunRow } from './context';
import type { PracticeRuns } from './runs';
import type { PracticeScenarios } from './scenarios';

const startSchema = z.object({ scenarioId: z.string().trim().min(1, 'practice.error.scenario').max(80, 'practice.error.scenario'), title: z.string().trim().max(120, 'error.tooLong').optional().default('') });
const codeSchema = z.object({ code: z.string().trim().toUpperCase().min(4, 'practice.error.code').max(20, 'practice.error.code') });
const assignSchema = z.object({ userId: id, roleKey: z.preprocess((v) => (v === '' ? null : v), z.string().max(40).nullable()) });
const resetSchema = z.object({ confirm: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()).default(false) });
const stepSchema = z.object({ stepKey: z.string().trim().min(1).max(40) });
const addSchema = z.object({ userId: id, kind: z.enum(['trainee', 'observer']).default('trainee') });

interface Parts {
	ctx: PracticeContext;
	runs: PracticeRuns;
	scenarios: PracticeScenarios;
	openVotes(run: PracticeRunRow): Promise<number>;
}

export function createControls(deps: ServiceDeps, { ctx, runs, scenarios, openVotes }: Parts) {
	const { data: dataHandle, clock, ids } = deps;
	const { memberships, practiceParticipants, practiceRunSteps, practiceRuns, practiceSessions } = dataHandle.t;
	const { loadSession, currentRun, participants, signal, peopleOf } = ctx;

	return {
		/** Starts a session and its first run; trainees then join with the code. */
		async start(actor: Actor | null, trainingId: string, input: unknown) {
			const data = parse(startSchema, input);
			authorize(actor, 'practice.run', trainingSpace(trainingId));
			const { scenario } = await scenarios.findScenario(trainingId, data.scenarioId);
			const sid = ids.id();
			const now = clock.now();
			const code = await runs.newCode();
			await dataHandle.write(async (tx) => {
				await tx.insert(practiceSessions)
					.values({ id: sid, trainingId, title: data.title || scenario.title, scenario, scenarioRef: data.scenarioId, code, status: 'running', createdBy: actor.id, createdAt: now });
				await logAudit(dataHandle, now, actor.id, 'practice.session.start', { type: 'practice_session', id: sid }, { scenario: data.scenarioId });
			});
			await runs.newRun(await loadSession(sid), 1);
			signal([actor.id]);
			return { id: sid };
		},

		/** A trainee of the training joins with the code; gets the first free role of the scenario. */
		async join(actor: Actor | null, trainingId: string, input: unknown) {
			const data = parse(codeSchema, input);
			authorize(actor, 'practice.join', trainingSpace(trainingId));
			const s = (await first(dataHandle.db.select().from(practiceSessions).where(and(eq(practiceSessions.code, data.code), eq(practiceSessions.trainingId, trainingId)))));
			if (!s || s.status === 'ended') throw new UserError('practice.error.code', {}, 404);
			const already = (await participants(s.id)).find((p) => p.userId === actor.id);
			if (already) return { id: s.id };
			const taken = new Set((await participants(s.id)).map((p) => p.roleKey));
			const free = scenarioOf(s).roles.find((r) => !taken.has(r.key))?.key ?? null;
			await dataHandle.write(async (tx) => {
				await tx.insert(practiceParticipants).values({ sessionId: s.id, userId: actor.id, kind: 'trainee', roleKey: free, joinedAt: clock.now() });
				const run = await currentRun(s.id, tx);
				if (run && run.status !== 'closed') await runs.applyAssignments(tx, s, run, null);
				await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.join', { type: 'practice_session', id: s.id }, { role: free });
			});
			signal([actor.id]);
			return { id: s.id };
		},

		/** The trainer adds a trainee (or observer) of the training to a session without the code. */
		async add(actor: Actor | null, sessionId: string, input: unknown) {
			const s = await loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(addSchema, input);
			const held = (await dataHandle.db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, data.userId), eq(memberships.spaceType, 'training'), eq(memberships.spaceId, s.trainingId))));
			if (!held.some((m) => m.role === 'trainee' || m.role === 'observer')) throw new UserError('practice.error.notInTraining', {}, 409);
			await dataHandle.write(async (tx) => {
				await tx.insert(practiceParticipants).values({ sessionId: s.id, userId: data.userId, kind: data.kind, roleKey: null, joinedAt: clock.now() }).onConflictDoNothing();
				const run = await currentRun(s.id, tx);
				if (run && run.status !== 'closed') await runs.applyAssignments(tx, s, run, null);
				await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.add', { type: 'practice_session', id: s.id }, data);
			});
			signal([data.userId]);
		},

		/** Gives a participant another role (or none); takes effect in the current run at once. */
		async assign(actor: Actor | null, sessionId: string, input: unknown) {
			const s = await loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(assignSchema, input);
			if (data.roleKey && !scenarioOf(s).roles.some((r) => r.key === data.roleKey)) throw new UserError('practice.error.role');
			const p = (await participants(s.id)).find((x) => x.userId === data.userId);
			if (!p) throw notFound();
			await dataHandle.write(async (tx) => {
				await tx.update(practiceParticipants).set({ roleKey: data.roleKey, kind: 'trainee' }).where(and(eq(practiceParticipants.sessionId, s.id), eq(practiceParticipants.userId, data.userId)));
				const run = await currentRun(s.id, tx);
				if (run && run.status === 'active') await runs.applyAssignments(tx, s, run, null);
				await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.assign', { type: 'practice_session', id: s.id }, data);
			});
			signal([data.userId]);
		},

		/** Read-only for all until resumed: the policy refuses every write in the run's space. */
		async pause(actor: Actor | null, sessionId: string) {
			const s = await loadSession(sessionId);
			guardRun(actor, s);
			const run = await currentRun(s.id);
			if (!run || s.status !== 'running') throw new UserError('practice.error.notRunning', {}, 409);
			await dataHandle.write(async (tx) => {
				await tx.update(practiceSessions).set({ status: 'paused' }).where(eq(practiceSessions.id, s.id));
				await tx.update(practiceRuns).set({ status: 'paused' }).where(eq(practiceRuns.id, run.id));
				await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.pause', { type: 'practice_session', id: s.id }, { run: run.number });
			});
			signal(await peopleOf(run, s.id));
		},

		async resume(actor: Actor | null, sessionId: string) {
			const s = await loadSession(sessionId);
			guardRun(actor, s);
			const run = await currentRun(s.id);
			if (!run || s.status !== 'paused') throw new UserError('practice.error.notPaused', {}, 409);
			await dataHandle.write(async (tx) => {
				await tx.update(practiceSessions).set({ status: 'running' }).where(eq(practiceSessions.id, s.id));
				await tx.update(practiceRuns).set({ status: 'active' }).where(eq(practiceRuns.id, run.id));
				await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.resume', { type: 'practice_session', id: s.id }, { run: run.number });
			});
			signal(await peopleOf(run, s.id));
		},

		/**
		 * Back to the scenario's starting state: the current run is closed (kept for review) and a new
		 * run starts in a freshly built space with the current role assignments. With a vote open in
		 * the run, the trainer must confirm: that vote stays unfinished in the closed run.
		 */
		async reset(actor: Actor | null, sessionId: string, input: unknown = {}) {
			const s = await loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(resetSchema, input);
			const run = await currentRun(s.id);
			if (s.status === 'ended') throw new UserError('practice.error.ended', {}, 409);
			if (run && !data.confirm && (await openVotes(run)) > 0) throw new UserError('practice.error.voteOpen', {}, 409);
			if (run)
				await dataHandle.write(async (tx) => {
					await tx.update(practiceRuns).set({ status: 'closed', endedAt: clock.now() }).where(eq(practiceRuns.id, run.id));
					await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.reset', { type: 'practice_session', id: s.id }, { closedRun: run.number });
				});
			const next = await runs.newRun(s, (run?.number ?? 0) + 1);
			await dataHandle.write(async (tx) => {
				await tx.update(practiceSessions).set({ status: 'running' }).where(eq(practiceSessions.id, s.id));
			});
			signal(await peopleOf(run, s.id));
			return { runNumber: next.number };
		},

		/** Ends the session: its last run is closed and kept for review. */
		async end(actor: Actor | null, sessionId: string) {
			const s = await loadSession(sessionId);
			guardRun(actor, s);
			const run = await currentRun(s.id);
			await dataHandle.write(async (tx) => {
				await tx.update(practiceSessions).set({ status: 'ended' }).where(eq(practiceSessions.id, s.id));
				if (run) await tx.update(practiceRuns).set({ status: 'closed', endedAt: run.endedAt ?? clock.now() }).where(eq(practiceRuns.id, run.id));
				await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.end', { type: 'practice_session', id: s.id });
			});
			signal(await peopleOf(run, s.id));
		},

		/** Marks the start of a step in the current run (time per step in the debrief). */
		async step(actor: Actor | null, sessionId: string, input: unknown) {
			const s = await loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(stepSchema, input);
			if (!scenarioOf(s).steps.some((x) => x.key === data.stepKey)) throw notFound();
			const run = await currentRun(s.id);
			if (!run || run.status !== 'active') throw new UserError('practice.error.notRunning', {}, 409);
			await dataHandle.write(async (tx) => {
				await tx.insert(practiceRunSteps).values({ runId: run.id, stepKey: data.stepKey, startedAt: clock.now() }).onConflictDoNothing();
				await logAudit(dataHandle, clock.now(), actor.id, 'practice.session.step', { type: 'practice_session', id: s.id }, { step: data.stepKey, run: run.number });
			});
		}
	};
}
