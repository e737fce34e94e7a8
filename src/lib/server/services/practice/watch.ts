/**
 * Watching a practice session live (issue 13): the trainer, the training's observers and the
 * observers the trainer invited into the session see what the trainees do in the current run —
 * the board, the votes (turnout while open, counts once closed), the meeting room (who is
 * present, hands raised, who speaks) and the timeline — read-only, and write timestamped
 * observations that the run's debrief shows. The policy decides (`canWatchPractice`).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { canWatchPractice, ForbiddenError, type Actor } from '$lib/domain/policy';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { UserError } from '../errors';
import { parse } from '../validate';
import { scenarioOf, trainingSpace, type PracticeContext, type PracticeRunRow, type PracticeSessionRow } from './context';
import type { Figures } from './debrief';

const observeSchema = z.object({ body: z.string().trim().min(1, 'practice.error.observation').max(2000, 'error.tooLong') });

interface Parts {
	ctx: PracticeContext;
	figures(s: PracticeSessionRow, run: PracticeRunRow): Promise<Figures>;
}

export function createWatch(deps: ServiceDeps, { ctx, figures }: Parts) {
	const { data: dataHandle, clock, ids } = deps;
	const { agendaItems, meetingAttendance, meetingSpeeches, meetings, practiceObservations, practiceRunSteps, proposalComments, proposalSupports, proposals, users } = dataHandle.t;

	/** The session, if the actor may watch it; the refusal is the policy's. */
	async function watched(actor: Actor | null, sessionId: string) {
		const s = await ctx.loadSession(sessionId);
		const invited = !!actor && (await ctx.participants(s.id)).some((p) => p.userId === actor.id && p.kind === 'observer');
		if (!actor || !canWatchPractice(actor, trainingSpace(s.trainingId), invited)) throw new ForbiddenError('practice.watch');
		return { s, actor };
	}

	/** The meeting room of a body run: status, current item, who is present, hands raised, who speaks. */
	async function room(run: PracticeRunRow, roleOf: (userId: string) => string) {
		if (run.spaceType !== 'body') return [];
		const rows = (await dataHandle.db.select().from(meetings).where(eq(meetings.bodyId, run.spaceId)).orderBy(asc(meetings.startsAt), asc(meetings.id)));
		if (!rows.length) return [];
		const meetingIds = rows.map((m) => m.id);
		const items = (await dataHandle.db.select({ id: agendaItems.id, title: agendaItems.title }).from(agendaItems).where(inArray(agendaItems.meetingId, meetingIds)));
		const present = (await dataHandle.db
			.select({ meetingId: meetingAttendance.meetingId, name: users.displayName, userId: users.id })
			.from(meetingAttendance)
			.innerJoin(users, eq(users.id, meetingAttendance.userId))
			.where(and(inArray(meetingAttendance.meetingId, meetingIds), eq(meetingAttendance.status, 'present'))));
		const speeches = (await dataHandle.db
			.select({ s: meetingSpeeches, name: users.displayName })
			.from(meetingSpeeches)
			.innerJoin(users, eq(users.id, meetingSpeeches.userId))
			.where(and(inArray(meetingSpeeches.meetingId, meetingIds)))
			.orderBy(asc(meetingSpeeches.requestedAt), asc(meetingSpeeches.id)))
			.filter((x) => !x.s.cancelledAt && !x.s.endedAt);
		const who = (x: { name: string; userId: string }) => ({ name: x.name, role: roleOf(x.userId) });
		return rows.map((m) => ({
			id: m.id,
			title: m.title,
			status: m.status,
			currentItem: items.find((i) => i.id === m.currentItemId)?.title ?? null,
			present: present.filter((p) => p.meetingId === m.id).map(who),
			speaking: speeches.filter((x) => x.s.meetingId === m.id && x.s.startedAt).map((x) => ({ ...who({ name: x.name, userId: x.s.userId }), since: x.s.startedAt! })),
			hands: speeches.filter((x) => x.s.meetingId === m.id && !x.s.startedAt).map((x) => ({ ...who({ name: x.name, userId: x.s.userId }), since: x.s.requestedAt }))
		}));
	}

	/** The ideas on the run's board, with their supports and comments counted. */
	async function board(run: PracticeRunRow) {
		const props = (await dataHandle.db.select({ id: proposals.id, title: proposals.title, status: proposals.status }).from(proposals).where(eq(proposals.spaceId, run.spaceId)).orderBy(asc(proposals.createdAt), asc(proposals.id)));
		const ids = props.map((p) => p.id);
		const supports = ids.length ? (await dataHandle.db.select({ id: proposalSupports.proposalId }).from(proposalSupports).where(inArray(proposalSupports.proposalId, ids))) : [];
		const comments = ids.length ? (await dataHandle.db.select({ id: proposalComments.proposalId }).from(proposalComments).where(inArray(proposalComments.proposalId, ids))) : [];
		const count = (rows: { id: string }[], id: string) => rows.filter((r) => r.id === id).length;
		return props.map((p) => ({ ...p, supports: count(supports, p.id), comments: count(comments, p.id) }));
	}

	return {
		/** The watch page: the current run as it is now (a reload shows what changed). */
		async watch(actor: Actor | null, sessionId: string) {
			const { s } = await watched(actor, sessionId);
			const scenario = scenarioOf(s);
			const run = await ctx.currentRun(s.id);
			const people = await ctx.participants(s.id);
			const names = new Map(people.length ? (await dataHandle.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, people.map((p) => p.userId)))).map((u) => [u.id, u.name]) : []);
			const roleTitle = new Map(scenario.roles.map((r) => [r.key, r.title]));
			const roleOf = (userId: string) => (userId === s.createdBy ? 'trainer' : run?.assignments[userId] ? (roleTitle.get(run.assignments[userId]!) ?? '') : 'simulated');
			const f = run ? await figures(s, run) : null;
			const reached = new Set(run ? (await dataHandle.db.select({ key: practiceRunSteps.stepKey }).from(practiceRunSteps).where(eq(practiceRunSteps.runId, run.id))).map((x) => x.key) : []);
			return {
				session: { id: s.id, trainingId: s.trainingId, title: s.title, status: s.status },
				scenario: { title: scenario.title, kind: scenario.space.kind, steps: scenario.steps.map((x) => ({ key: x.key, title: x.title, reached: reached.has(x.key) })) },
				run: run ? { id: run.id, number: run.number, status: run.status, spaceType: run.spaceType, spaceId: run.spaceId, startedAt: run.startedAt } : null,
				cast: people.map((p) => ({ userId: p.userId, name: names.get(p.userId) ?? '', kind: p.kind, role: p.roleKey ? (roleTitle.get(p.roleKey) ?? null) : null })),
				board: run ? await board(run) : [],
				// While a vote is open, its turnout only: counts are for after it closes.
				votes: (f?.outcomes ?? []).map((o) => ({ question: o.question, status: o.status, turnout: o.turnout, rows: o.status === 'closed' ? o.rows : [] })),
				room: run ? await room(run, roleOf) : [],
				timeline: [...(f?.timeline ?? [])].reverse(),
				observations: f?.observations ?? [],
				canObserve: !!run && run.status !== 'closed',
				now: clock.now()
			};
		},

		/** A timestamped observation on the current run, for its debrief. */
		async observe(actor: Actor | null, sessionId: string, input: unknown) {
			const { s, actor: a } = await watched(actor, sessionId);
			const data = parse(observeSchema, input);
			const run = await ctx.currentRun(s.id);
			if (!run || run.status === 'closed') throw new UserError('practice.error.notRunning', {}, 409);
			const now = clock.now();
			const oid = ids.id();
			await dataHandle.write(async (tx) => {
				await tx.insert(practiceObservations).values({ id: oid, runId: run.id, authorId: a.id, body: data.body, at: now });
				await logAudit(dataHandle, now, a.id, 'practice.observe', { type: 'practice_run', id: run.id }, { observation: oid });
			});
			return { id: oid };
		}
	};
}
