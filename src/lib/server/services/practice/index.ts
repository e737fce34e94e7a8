/**
 * Practice sessions (issue 13): scenarios, sessions of a training group, runs in their own
 * simulated residence or body, pause / reset / run again, debrief and progress.
 * Every call validates (zod), asks the policy on the training space, writes in a transaction with
 * an audit entry, and signals after commit when people's rights in a practice space changed.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, can, canReadBrief, ForbiddenError, type Actor, type Role, type SpaceRef } from '$lib/domain/policy';
import { shippedScenario, shippedScenarios } from '$lib/domain/practice/library';
import { readScenario, scenarioSchema, writeScenario, type Scenario } from '$lib/domain/practice/scenario';
import { transaction, type Db } from '../../db';
import {
	colleges,
	memberships,
	practiceParticipants,
	practiceReflections,
	practiceRunSteps,
	practiceRuns,
	practiceScenarios,
	practiceSessions,
	trainingSessions,
	users
} from '../../db/schema';
import { audit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import { materialise, type MaterialiseHooks } from './materialise';
import { createDebrief } from './debrief';

const id = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
const startSchema = z.object({ scenarioId: z.string().trim().min(1, 'practice.error.scenario').max(80, 'practice.error.scenario'), title: z.string().trim().max(120, 'error.tooLong').optional().default('') });
const codeSchema = z.object({ code: z.string().trim().toUpperCase().min(4, 'practice.error.code').max(20, 'practice.error.code') });
const assignSchema = z.object({ userId: id, roleKey: z.preprocess((v) => (v === '' ? null : v), z.string().max(40).nullable()) });
const resetSchema = z.object({ confirm: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()).default(false) });
const stepSchema = z.object({ stepKey: z.string().trim().min(1).max(40) });
const reflectSchema = z.object({ runId: id, body: z.string().trim().min(1, 'practice.error.reflection').max(4000, 'error.tooLong'), aboutId: z.preprocess((v) => (v === '' ? null : v), id.nullable()).default(null) });
const scenarioTextSchema = z.object({ json: z.string().max(400_000, 'practice.error.tooBig') });

/** Codes people type: no 0/O or 1/I. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export type PracticeSessionRow = typeof practiceSessions.$inferSelect;
export type PracticeRunRow = typeof practiceRuns.$inferSelect;

export function createPracticeService(deps: ServiceDeps, hooks: MaterialiseHooks) {
	const { db, clock, ids, bus } = deps;
	const trainingSpace = (trainingId: string): SpaceRef => ({ type: 'training', id: trainingId });

	function training(trainingId: string) {
		const row = db.select().from(trainingSessions).where(eq(trainingSessions.id, trainingId)).get();
		if (!row) throw notFound();
		return row;
	}
	function loadSession(sessionId: string) {
		const row = db.select().from(practiceSessions).where(eq(practiceSessions.id, parse(id, sessionId))).get();
		if (!row) throw notFound();
		return row;
	}
	const scenarioOf = (s: PracticeSessionRow): Scenario => scenarioSchema.parse(s.scenario);
	const currentRun = (sessionId: string, tx: Db = db) => tx.select().from(practiceRuns).where(eq(practiceRuns.sessionId, sessionId)).orderBy(desc(practiceRuns.number)).get() ?? null;
	const participants = (sessionId: string, tx: Db = db) => tx.select().from(practiceParticipants).where(eq(practiceParticipants.sessionId, sessionId)).all();

	/** Tells every connection of these people that their rights changed (live-auth re-reads them). */
	function signal(userIds: Iterable<string>) {
		for (const userId of new Set(userIds)) bus.signal('account.changed', { userId });
	}
	function peopleOf(run: PracticeRunRow | null, sessionId: string) {
		const out = participants(sessionId).map((p) => p.userId);
		if (run) out.push(...db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.spaceId, run.spaceId)).all().map((m) => m.userId));
		return out;
	}

	function guardRun(actor: Actor | null, s: PracticeSessionRow): asserts actor is Actor {
		authorize(actor, 'practice.run', trainingSpace(s.trainingId));
	}
	function mayObserve(actor: Actor | null, s: PracticeSessionRow, userIds: string[]) {
		if (!actor) return false;
		if (can(actor, 'practice.observe', trainingSpace(s.trainingId))) return true;
		return userIds.includes(actor.id) && can(actor, 'practice.join', trainingSpace(s.trainingId));
	}

	/** The scenario role → the product role it plays, with the college for a body. */
	function membershipFor(scenario: Scenario, roleKey: string) {
		const role = scenario.roles.find((r) => r.key === roleKey);
		return role ? { role: role.plays as Role, college: role.college ?? null } : null;
	}

	/** Rebuilds real people's memberships in a run's space from the session's participants. */
	function applyAssignments(tx: Db, s: PracticeSessionRow, run: PracticeRunRow, collegeIds: Map<string, string> | null) {
		const scenario = scenarioOf(s);
		const people = participants(s.id, tx);
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
		const t = training(s.trainingId);
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

	function scenarioRow(trainingId: string, scenarioId: string) {
		const t = training(trainingId);
		const row = db.select().from(practiceScenarios).where(and(eq(practiceScenarios.id, scenarioId), eq(practiceScenarios.organisationId, t.organisationId))).get();
		return row ?? null;
	}
	function findScenario(trainingId: string, scenarioId: string): { scenario: Scenario; shipped: boolean; row: typeof practiceScenarios.$inferSelect | null } {
		const shipped = shippedScenario(scenarioId);
		if (shipped) return { scenario: shipped, shipped: true, row: null };
		const row = scenarioRow(trainingId, scenarioId);
		if (!row) throw notFound();
		return { scenario: scenarioSchema.parse(row.data), shipped: false, row };
	}
	function storeScenario(actor: Actor, trainingId: string, scenario: Scenario, basedOn: string | null) {
		const t = training(trainingId);
		const sid = ids.id();
		const now = clock.now();
		transaction(db, (tx) => {
			tx.insert(practiceScenarios)
				.values({ id: sid, organisationId: t.organisationId, title: scenario.title, module: scenario.module, language: scenario.language, data: scenario, basedOn, createdBy: actor.id, createdAt: now, updatedAt: now })
				.run();
			audit(tx, now, actor.id, 'practice.scenario.create', { type: 'practice_scenario', id: sid }, { basedOn, title: scenario.title });
		});
		return { id: sid };
	}
	function readOrThrow(raw: string | Uint8Array): Scenario {
		const read = readScenario(raw);
		if (!read.ok) throw new UserError(read.message as never, { path: read.path ?? '' });
		return read.scenario;
	}

	const debrief = createDebrief(deps, { scenarioOf, loadSession, mayObserve });

	return {
		...debrief,

		/** The training space's practice part, as the actor may see it. */
		overview(actor: Actor | null, trainingId: string) {
			const space = trainingSpace(trainingId);
			const t = training(trainingId);
			authorize(actor, 'space.view', space);
			const trainer = can(actor, 'practice.run', space);
			const sessions = db.select().from(practiceSessions).where(eq(practiceSessions.trainingId, trainingId)).orderBy(desc(practiceSessions.createdAt)).all();
			const mine = new Set(db.select({ s: practiceParticipants.sessionId }).from(practiceParticipants).where(eq(practiceParticipants.userId, actor.id)).all().map((r) => r.s));
			const visible = trainer || can(actor, 'practice.observe', space) ? sessions : sessions.filter((s) => mine.has(s.id));
			return {
				trainer,
				canJoin: can(actor, 'practice.join', space),
				sessions: visible.map((s) => ({ id: s.id, title: s.title, status: s.status, code: trainer ? s.code : null, createdAt: s.createdAt, joined: mine.has(s.id) })),
				scenarios: trainer
					? [
							...shippedScenarios().map((x) => ({ id: x.id, title: x.scenario.title, module: x.scenario.module, language: x.scenario.language, kind: x.scenario.space.kind, shipped: true })),
							...db
								.select()
								.from(practiceScenarios)
								.where(eq(practiceScenarios.organisationId, t.organisationId))
								.orderBy(asc(practiceScenarios.title))
								.all()
								.map((r) => ({ id: r.id, title: r.title, module: r.module, language: r.language, kind: scenarioSchema.parse(r.data).space.kind, shipped: false }))
						]
					: []
			};
		},

		scenario(actor: Actor | null, trainingId: string, scenarioId: string) {
			authorize(actor, 'practice.run', trainingSpace(trainingId));
			const found = findScenario(trainingId, scenarioId);
			return { id: scenarioId, shipped: found.shipped, scenario: found.scenario, json: writeScenario(found.scenario), basedOn: found.row?.basedOn ?? null };
		},

		exportScenario(actor: Actor | null, trainingId: string, scenarioId: string) {
			authorize(actor, 'practice.run', trainingSpace(trainingId));
			const found = findScenario(trainingId, scenarioId);
			return { filename: `scenario-${found.scenario.module}-${found.scenario.language}.json`, body: writeScenario(found.scenario) };
		},

		duplicateScenario(actor: Actor | null, trainingId: string, scenarioId: string) {
			authorize(actor, 'practice.run', trainingSpace(trainingId));
			const found = findScenario(trainingId, scenarioId);
			const copy: Scenario = { ...found.scenario, title: `${found.scenario.title} (copie)`.slice(0, 200) };
			return storeScenario(actor, trainingId, scenarioSchema.parse(copy), scenarioId);
		},

		/** A scenario file from elsewhere: size, format, version, schema, no markup; nothing stored otherwise. */
		importScenario(actor: Actor | null, trainingId: string, raw: string | Uint8Array) {
			authorize(actor, 'practice.run', trainingSpace(trainingId));
			return storeScenario(actor, trainingId, readOrThrow(raw), null);
		},

		updateScenario(actor: Actor | null, trainingId: string, scenarioId: string, input: unknown) {
			authorize(actor, 'practice.run', trainingSpace(trainingId));
			const row = scenarioRow(trainingId, scenarioId);
			if (!row) throw shippedScenario(scenarioId) ? new UserError('practice.error.shippedReadOnly', {}, 409) : notFound();
			const scenario = readOrThrow(parse(scenarioTextSchema, input).json);
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(practiceScenarios).set({ title: scenario.title, module: scenario.module, language: scenario.language, data: scenario, updatedAt: now }).where(eq(practiceScenarios.id, row.id)).run();
				audit(tx, now, actor.id, 'practice.scenario.edit', { type: 'practice_scenario', id: row.id }, { title: scenario.title });
			});
			return { id: row.id };
		},

		/** Starts a session and its first run; trainees then join with the code. */
		async start(actor: Actor | null, trainingId: string, input: unknown) {
			const data = parse(startSchema, input);
			authorize(actor, 'practice.run', trainingSpace(trainingId));
			const { scenario } = findScenario(trainingId, data.scenarioId);
			const sid = ids.id();
			const now = clock.now();
			transaction(db, (tx) => {
				tx.insert(practiceSessions)
					.values({ id: sid, trainingId, title: data.title || scenario.title, scenario, scenarioRef: data.scenarioId, code: newCode(), status: 'running', createdBy: actor.id, createdAt: now })
					.run();
				audit(tx, now, actor.id, 'practice.session.start', { type: 'practice_session', id: sid }, { scenario: data.scenarioId });
			});
			await newRun(loadSession(sid), 1);
			signal([actor.id]);
			return { id: sid };
		},

		/** A trainee of the training joins with the code; gets the first free role of the scenario. */
		join(actor: Actor | null, trainingId: string, input: unknown) {
			const data = parse(codeSchema, input);
			authorize(actor, 'practice.join', trainingSpace(trainingId));
			const s = db.select().from(practiceSessions).where(and(eq(practiceSessions.code, data.code), eq(practiceSessions.trainingId, trainingId))).get();
			if (!s || s.status === 'ended') throw new UserError('practice.error.code', {}, 404);
			const already = participants(s.id).find((p) => p.userId === actor.id);
			if (already) return { id: s.id };
			const taken = new Set(participants(s.id).map((p) => p.roleKey));
			const free = scenarioOf(s).roles.find((r) => !taken.has(r.key))?.key ?? null;
			transaction(db, (tx) => {
				tx.insert(practiceParticipants).values({ sessionId: s.id, userId: actor.id, kind: 'trainee', roleKey: free, joinedAt: clock.now() }).run();
				const run = currentRun(s.id, tx);
				if (run && run.status !== 'closed') applyAssignments(tx, s, run, null);
				audit(tx, clock.now(), actor.id, 'practice.session.join', { type: 'practice_session', id: s.id }, { role: free });
			});
			signal([actor.id]);
			return { id: s.id };
		},

		/** The trainer adds a trainee (or observer) of the training to a session without the code. */
		add(actor: Actor | null, sessionId: string, input: unknown) {
			const s = loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(z.object({ userId: id, kind: z.enum(['trainee', 'observer']).default('trainee') }), input);
			const held = db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, data.userId), eq(memberships.spaceType, 'training'), eq(memberships.spaceId, s.trainingId))).all();
			if (!held.some((m) => m.role === 'trainee' || m.role === 'observer')) throw new UserError('practice.error.notInTraining', {}, 409);
			transaction(db, (tx) => {
				tx.insert(practiceParticipants).values({ sessionId: s.id, userId: data.userId, kind: data.kind, roleKey: null, joinedAt: clock.now() }).onConflictDoNothing().run();
				const run = currentRun(s.id, tx);
				if (run && run.status !== 'closed') applyAssignments(tx, s, run, null);
				audit(tx, clock.now(), actor.id, 'practice.session.add', { type: 'practice_session', id: s.id }, data);
			});
			signal([data.userId]);
		},

		/** Gives a participant another role (or none); takes effect in the current run at once. */
		assign(actor: Actor | null, sessionId: string, input: unknown) {
			const s = loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(assignSchema, input);
			if (data.roleKey && !scenarioOf(s).roles.some((r) => r.key === data.roleKey)) throw new UserError('practice.error.role');
			const p = participants(s.id).find((x) => x.userId === data.userId);
			if (!p) throw notFound();
			transaction(db, (tx) => {
				tx.update(practiceParticipants).set({ roleKey: data.roleKey, kind: 'trainee' }).where(and(eq(practiceParticipants.sessionId, s.id), eq(practiceParticipants.userId, data.userId))).run();
				const run = currentRun(s.id, tx);
				if (run && run.status === 'active') applyAssignments(tx, s, run, null);
				audit(tx, clock.now(), actor.id, 'practice.session.assign', { type: 'practice_session', id: s.id }, data);
			});
			signal([data.userId]);
		},

		/** Read-only for all until resumed: the policy refuses every write in the run's space. */
		pause(actor: Actor | null, sessionId: string) {
			const s = loadSession(sessionId);
			guardRun(actor, s);
			const run = currentRun(s.id);
			if (!run || s.status !== 'running') throw new UserError('practice.error.notRunning', {}, 409);
			transaction(db, (tx) => {
				tx.update(practiceSessions).set({ status: 'paused' }).where(eq(practiceSessions.id, s.id)).run();
				tx.update(practiceRuns).set({ status: 'paused' }).where(eq(practiceRuns.id, run.id)).run();
				audit(tx, clock.now(), actor.id, 'practice.session.pause', { type: 'practice_session', id: s.id }, { run: run.number });
			});
			signal(peopleOf(run, s.id));
		},

		resume(actor: Actor | null, sessionId: string) {
			const s = loadSession(sessionId);
			guardRun(actor, s);
			const run = currentRun(s.id);
			if (!run || s.status !== 'paused') throw new UserError('practice.error.notPaused', {}, 409);
			transaction(db, (tx) => {
				tx.update(practiceSessions).set({ status: 'running' }).where(eq(practiceSessions.id, s.id)).run();
				tx.update(practiceRuns).set({ status: 'active' }).where(eq(practiceRuns.id, run.id)).run();
				audit(tx, clock.now(), actor.id, 'practice.session.resume', { type: 'practice_session', id: s.id }, { run: run.number });
			});
			signal(peopleOf(run, s.id));
		},

		/**
		 * Back to the scenario's starting state: the current run is closed (kept for review) and a new
		 * run starts in a freshly built space with the current role assignments. With a vote open in
		 * the run, the trainer must confirm: that vote stays unfinished in the closed run.
		 */
		async reset(actor: Actor | null, sessionId: string, input: unknown = {}) {
			const s = loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(resetSchema, input);
			const run = currentRun(s.id);
			if (s.status === 'ended') throw new UserError('practice.error.ended', {}, 409);
			if (run && !data.confirm && debrief.openVotes(run) > 0) throw new UserError('practice.error.voteOpen', {}, 409);
			if (run)
				transaction(db, (tx) => {
					tx.update(practiceRuns).set({ status: 'closed', endedAt: clock.now() }).where(eq(practiceRuns.id, run.id)).run();
					audit(tx, clock.now(), actor.id, 'practice.session.reset', { type: 'practice_session', id: s.id }, { closedRun: run.number });
				});
			const next = await newRun(s, (run?.number ?? 0) + 1);
			transaction(db, (tx) => tx.update(practiceSessions).set({ status: 'running' }).where(eq(practiceSessions.id, s.id)).run());
			signal(peopleOf(run, s.id));
			return { runNumber: next.number };
		},

		/** Ends the session: its last run is closed and kept for review. */
		end(actor: Actor | null, sessionId: string) {
			const s = loadSession(sessionId);
			guardRun(actor, s);
			const run = currentRun(s.id);
			transaction(db, (tx) => {
				tx.update(practiceSessions).set({ status: 'ended' }).where(eq(practiceSessions.id, s.id)).run();
				if (run) tx.update(practiceRuns).set({ status: 'closed', endedAt: run.endedAt ?? clock.now() }).where(eq(practiceRuns.id, run.id)).run();
				audit(tx, clock.now(), actor.id, 'practice.session.end', { type: 'practice_session', id: s.id });
			});
			signal(peopleOf(run, s.id));
		},

		/** Marks the start of a step in the current run (time per step in the debrief). */
		step(actor: Actor | null, sessionId: string, input: unknown) {
			const s = loadSession(sessionId);
			guardRun(actor, s);
			const data = parse(stepSchema, input);
			if (!scenarioOf(s).steps.some((x) => x.key === data.stepKey)) throw notFound();
			const run = currentRun(s.id);
			if (!run || run.status !== 'active') throw new UserError('practice.error.notRunning', {}, 409);
			transaction(db, (tx) => {
				tx.insert(practiceRunSteps).values({ runId: run.id, stepKey: data.stepKey, startedAt: clock.now() }).onConflictDoNothing().run();
				audit(tx, clock.now(), actor.id, 'practice.session.step', { type: 'practice_session', id: s.id }, { step: data.stepKey, run: run.number });
			});
		},

		/** A reflection on a run: one's own, or the trainer's comment to a trainee. Written again, it replaces. */
		reflect(actor: Actor | null, input: unknown) {
			const data = parse(reflectSchema, input);
			const run = db.select().from(practiceRuns).where(eq(practiceRuns.id, data.runId)).get();
			if (!run) throw notFound();
			const s = loadSession(run.sessionId);
			const space = trainingSpace(s.trainingId);
			const trainer = can(actor, 'practice.run', space);
			const took = participants(s.id).some((p) => p.userId === actor?.id && p.kind === 'trainee');
			if (!actor || !(trainer || (took && can(actor, 'practice.join', space)))) throw new ForbiddenError('practice.reflect');
			if (data.aboutId && !trainer) throw new ForbiddenError('practice.comment');
			const existing = db
				.select()
				.from(practiceReflections)
				.where(and(eq(practiceReflections.runId, run.id), eq(practiceReflections.authorId, actor.id)))
				.all()
				.find((r) => r.aboutId === data.aboutId);
			const now = clock.now();
			transaction(db, (tx) => {
				if (existing) tx.update(practiceReflections).set({ body: data.body, updatedAt: now }).where(eq(practiceReflections.id, existing.id)).run();
				else tx.insert(practiceReflections).values({ id: ids.id(), runId: run.id, authorId: actor.id, aboutId: data.aboutId, body: data.body, updatedAt: now }).run();
				audit(tx, now, actor.id, 'practice.reflect', { type: 'practice_run', id: run.id }, { about: data.aboutId });
			});
		},

		/** The session page: what the actor may see of it, with their own brief only. */
		session(actor: Actor | null, sessionId: string) {
			const s = loadSession(sessionId);
			const space = trainingSpace(s.trainingId);
			const people = participants(s.id);
			if (!actor || !mayObserve(actor, s, people.map((p) => p.userId))) throw new ForbiddenError('practice.observe');
			const trainer = can(actor, 'practice.run', space);
			const scenario = scenarioOf(s);
			const run = currentRun(s.id);
			const runs = db.select().from(practiceRuns).where(eq(practiceRuns.sessionId, s.id)).orderBy(asc(practiceRuns.number)).all();
			const names = new Map(
				people.length ? db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, people.map((p) => p.userId))).all().map((u) => [u.id, u.name]) : []
			);
			const mine = people.find((p) => p.userId === actor.id) ?? null;
			const myRole = mine?.roleKey ? (scenario.roles.find((r) => r.key === mine.roleKey) ?? null) : null;
			const steps = run ? db.select().from(practiceRunSteps).where(eq(practiceRunSteps.runId, run.id)).all() : [];
			const reached = new Set(steps.map((x) => x.stepKey));
			const trainees = trainer
				? db
						.select({ id: users.id, name: users.displayName })
						.from(memberships)
						.innerJoin(users, eq(users.id, memberships.userId))
						.where(and(eq(memberships.spaceType, 'training'), eq(memberships.spaceId, s.trainingId), inArray(memberships.role, ['trainee', 'observer'])))
						.orderBy(asc(users.displayName))
						.all()
						.filter((u) => !people.some((p) => p.userId === u.id))
				: [];
			return {
				session: { id: s.id, trainingId: s.trainingId, title: s.title, status: s.status, code: trainer ? s.code : null, createdAt: s.createdAt },
				trainer,
				scenario: {
					title: scenario.title,
					summary: scenario.summary,
					module: scenario.module,
					kind: scenario.space.kind,
					steps: scenario.steps.map((x) => ({ key: x.key, title: x.title, description: x.description, place: x.place, reached: reached.has(x.key) })),
					roles: scenario.roles.map((r) => ({ key: r.key, title: r.title, plays: r.plays, brief: trainer && canReadBrief(actor, space, null) ? r.brief : null }))
				},
				run: run ? { id: run.id, number: run.number, status: run.status, spaceType: run.spaceType, spaceId: run.spaceId, startedAt: run.startedAt } : null,
				runs: runs.map((r) => ({ id: r.id, number: r.number, status: r.status, startedAt: r.startedAt, endedAt: r.endedAt })),
				participants: people.map((p) => ({
					userId: p.userId,
					name: names.get(p.userId) ?? '',
					kind: p.kind,
					roleKey: p.roleKey,
					roleTitle: scenario.roles.find((r) => r.key === p.roleKey)?.title ?? null
				})),
				me: mine ? { roleKey: mine.roleKey, kind: mine.kind } : null,
				myRole: myRole && canReadBrief(actor, space, actor.id) ? { key: myRole.key, title: myRole.title, plays: myRole.plays, brief: myRole.brief } : null,
				candidates: trainees,
				openVotes: run ? debrief.openVotes(run) : 0
			};
		},

		/** One role's brief, for its holder (or a trainer): the door a curious trainee would try. */
		brief(actor: Actor | null, sessionId: string, roleKey: string) {
			const s = loadSession(sessionId);
			const holder = participants(s.id).find((p) => p.roleKey === roleKey)?.userId ?? null;
			if (!canReadBrief(actor, trainingSpace(s.trainingId), holder)) throw new ForbiddenError('practice.brief');
			const role = scenarioOf(s).roles.find((r) => r.key === roleKey);
			if (!role) throw notFound();
			return { title: role.title, brief: role.brief };
		}
	};
}

export type PracticeService = ReturnType<typeof createPracticeService>;
