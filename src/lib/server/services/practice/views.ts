/**
 * What people see of practice: the training space's practice part, a session's page (with the
 * actor's own brief only) and one role's brief, the door a curious trainee would try.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { authorize, can, canReadBrief, canWatchPractice, ForbiddenError, type Actor } from '$lib/domain/policy';
import type { ServiceDeps } from '../deps';
import { notFound } from '../errors';
import { scenarioOf, trainingSpace, type PracticeContext, type PracticeRunRow } from './context';
import type { PracticeScenarios } from './scenarios';

interface Parts {
	ctx: PracticeContext;
	scenarios: PracticeScenarios;
	openVotes(run: PracticeRunRow): Promise<number>;
}

export function createViews(deps: ServiceDeps, { ctx, scenarios, openVotes }: Parts) {
	const { data: dataHandle } = deps;
	const { memberships, practiceParticipants, practiceRunSteps, practiceRuns, practiceSessions, users } = dataHandle.t;
	const { loadSession, currentRun, participants, mayObserve } = ctx;

	return {
		/** The training space's practice part, as the actor may see it. */
		async overview(actor: Actor | null, trainingId: string) {
			const space = trainingSpace(trainingId);
			const t = await ctx.training(trainingId);
			authorize(actor, 'space.view', space);
			const trainer = can(actor, 'practice.run', space);
			const sessions = (await dataHandle.db.select().from(practiceSessions).where(eq(practiceSessions.trainingId, trainingId)).orderBy(desc(practiceSessions.createdAt), desc(practiceSessions.id)));
			const mine = new Set((await dataHandle.db.select({ s: practiceParticipants.sessionId }).from(practiceParticipants).where(eq(practiceParticipants.userId, actor.id))).map((r) => r.s));
			const visible = trainer || can(actor, 'practice.observe', space) ? sessions : sessions.filter((s) => mine.has(s.id));
			return {
				trainer,
				canJoin: can(actor, 'practice.join', space),
				sessions: visible.map((s) => ({ id: s.id, title: s.title, status: s.status, code: trainer ? s.code : null, createdAt: s.createdAt, joined: mine.has(s.id) })),
				scenarios: trainer ? await scenarios.library(t.organisationId) : []
			};
		},

		/** The session page: what the actor may see of it, with their own brief only. */
		async session(actor: Actor | null, sessionId: string) {
			const s = await loadSession(sessionId);
			const space = trainingSpace(s.trainingId);
			const people = await participants(s.id);
			if (!actor || !mayObserve(actor, s, people.map((p) => p.userId))) throw new ForbiddenError('practice.observe');
			const trainer = can(actor, 'practice.run', space);
			const scenario = scenarioOf(s);
			const run = await currentRun(s.id);
			const runs = (await dataHandle.db.select().from(practiceRuns).where(eq(practiceRuns.sessionId, s.id)).orderBy(asc(practiceRuns.number)));
			const names = new Map(
				people.length ? (await dataHandle.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, people.map((p) => p.userId)))).map((u) => [u.id, u.name]) : []
			);
			const mine = people.find((p) => p.userId === actor.id) ?? null;
			const myRole = mine?.roleKey ? (scenario.roles.find((r) => r.key === mine.roleKey) ?? null) : null;
			const steps = run ? (await dataHandle.db.select().from(practiceRunSteps).where(eq(practiceRunSteps.runId, run.id))) : [];
			const reached = new Set(steps.map((x) => x.stepKey));
			const trainees = trainer
				? (await dataHandle.db
						.select({ id: users.id, name: users.displayName })
						.from(memberships)
						.innerJoin(users, eq(users.id, memberships.userId))
						.where(and(eq(memberships.spaceType, 'training'), eq(memberships.spaceId, s.trainingId), inArray(memberships.role, ['trainee', 'observer'])))
						.orderBy(asc(users.displayName), asc(users.id)))
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
				canWatch: canWatchPractice(actor, space, mine?.kind === 'observer'),
				openVotes: run ? await openVotes(run) : 0
			};
		},

		/** One role's brief, for its holder (or a trainer): the door a curious trainee would try. */
		async brief(actor: Actor | null, sessionId: string, roleKey: string) {
			const s = await loadSession(sessionId);
			const holder = (await participants(s.id)).find((p) => p.roleKey === roleKey)?.userId ?? null;
			if (!canReadBrief(actor, trainingSpace(s.trainingId), holder)) throw new ForbiddenError('practice.brief');
			const role = scenarioOf(s).roles.find((r) => r.key === roleKey);
			if (!role) throw notFound();
			return { title: role.title, brief: role.brief };
		}
	};
}
