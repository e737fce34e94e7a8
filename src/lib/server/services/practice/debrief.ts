/**
 * What happened in a run, for the debrief: a timeline (ideas, comments, supports, moves, votes,
 * meeting items, speeches), speaking time by role, who proposed what, how the votes went, time per
 * step, written reflections; and a trainee's progress across sessions.
 */
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { can, ForbiddenError, type Actor } from '$lib/domain/policy';
import type { Scenario } from '$lib/domain/practice/scenario';
import { first } from '../../db/data';
import type { practiceRuns, practiceSessions } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { notFound } from '../errors';

type SessionRow = typeof practiceSessions.$inferSelect;
export type Figures = Awaited<ReturnType<ReturnType<typeof createDebrief>['figures']>>;
type RunRow = typeof practiceRuns.$inferSelect;

const POSITION_LABELS = [
	['for', 'yes'],
	['against', 'no'],
	['abstain', 'abstain']
] as const;

export type TimelineKind = 'proposal' | 'comment' | 'support' | 'moved' | 'edited' | 'voted' | 'voteOpened' | 'voteClosed' | 'itemStarted' | 'speech' | 'observation';
export interface TimelineEntry {
	at: Date;
	kind: TimelineKind;
	who: string;
	role: string;
	text: string;
}

interface Helpers {
	scenarioOf(s: SessionRow): Scenario;
	loadSession(sessionId: string): Promise<SessionRow>;
	mayObserve(actor: Actor | null, s: SessionRow, userIds: string[]): boolean;
}

export function createDebrief(deps: ServiceDeps, h: Helpers) {
	const { data: dataHandle, clock } = deps;
	const {
		agendaItems,
		ballots,
		consultationOptions,
		consultations,
		meetingSpeeches,
		meetings,
		participations,
		practiceObservations,
		practiceParticipants,
		practiceReflections,
		practiceRunSteps,
		practiceRuns,
		practiceSessions,
		proposalComments,
		proposalEvents,
		proposalSupports,
		proposals,
		users
	} = dataHandle.t;

	async function openVotes(run: RunRow): Promise<number> {
		return (await dataHandle.db
			.select({ id: consultations.id })
			.from(consultations)
			.where(and(eq(consultations.spaceId, run.spaceId), eq(consultations.status, 'open')))).length;
	}

	async function figures(s: SessionRow, run: RunRow) {
		const scenario = h.scenarioOf(s);
		const roleTitle = new Map(scenario.roles.map((r) => [r.key, r.title]));
		const roleOf = (userId: string | null) => {
			if (!userId) return '';
			if (userId === s.createdBy) return 'trainer';
			const key = run.assignments[userId];
			return key ? (roleTitle.get(key) ?? key) : 'simulated';
		};
		const names = new Map<string, string>();
		const nameOf = (userId: string | null) => (userId ? (names.get(userId) ?? '') : '');
		const space = run.spaceId;
		const end = run.endedAt ?? clock.now();

		const props = (await dataHandle.db.select().from(proposals).where(eq(proposals.spaceId, space)).orderBy(asc(proposals.createdAt), asc(proposals.id)));
		const propIds = props.map((p) => p.id);
		const titleOf = new Map(props.map((p) => [p.id, p.title]));
		const events = propIds.length ? (await dataHandle.db.select().from(proposalEvents).where(inArray(proposalEvents.proposalId, propIds)).orderBy(asc(proposalEvents.id))) : [];
		const comments = propIds.length ? (await dataHandle.db.select().from(proposalComments).where(inArray(proposalComments.proposalId, propIds))) : [];
		const supports = propIds.length ? (await dataHandle.db.select().from(proposalSupports).where(inArray(proposalSupports.proposalId, propIds))) : [];
		const votes = (await dataHandle.db.select().from(consultations).where(eq(consultations.spaceId, space)).orderBy(asc(consultations.createdAt), asc(consultations.id)));
		const voteIds = votes.map((v) => v.id);
		const parts = voteIds.length ? (await dataHandle.db.select().from(participations).where(inArray(participations.consultationId, voteIds))) : [];
		const bs = voteIds.length ? (await dataHandle.db.select({ consultationId: ballots.consultationId, content: ballots.content, weight: ballots.weight }).from(ballots).where(inArray(ballots.consultationId, voteIds))) : [];
		const opts = voteIds.length ? (await dataHandle.db.select().from(consultationOptions).where(inArray(consultationOptions.consultationId, voteIds))) : [];
		const meets = run.spaceType === 'body' ? (await dataHandle.db.select().from(meetings).where(eq(meetings.bodyId, space))) : [];
		const meetIds = meets.map((m) => m.id);
		const items = meetIds.length ? (await dataHandle.db.select().from(agendaItems).where(inArray(agendaItems.meetingId, meetIds))) : [];
		const speeches = meetIds.length ? (await dataHandle.db.select().from(meetingSpeeches).where(inArray(meetingSpeeches.meetingId, meetIds))) : [];
		const noted = (await dataHandle.db.select().from(practiceObservations).where(eq(practiceObservations.runId, run.id)).orderBy(asc(practiceObservations.at), asc(practiceObservations.id)));

		const userIds = new Set<string>([
			...props.map((p) => p.authorId),
			...events.map((e) => e.actorId ?? ''),
			...comments.map((c) => c.authorId),
			...supports.map((x) => x.userId),
			...parts.map((p) => p.userId),
			...speeches.map((x) => x.userId),
			...votes.map((v) => v.createdBy ?? ''),
			...noted.map((o) => o.authorId),
			...Object.keys(run.assignments)
		]);
		userIds.delete('');
		if (userIds.size) for (const u of (await dataHandle.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, [...userIds])))) names.set(u.id, u.name);

		// What people did during the run (the starting state is the scenario, not the run).
		const during = (at: Date | null) => !!at && at.getTime() > run.startedAt.getTime();
		const timeline: TimelineEntry[] = [];
		const push = (at: Date | null, kind: TimelineKind, userId: string | null, text: string) => {
			if (at && during(at)) timeline.push({ at, kind, who: nameOf(userId), role: roleOf(userId), text });
		};
		for (const p of props) push(p.createdAt, 'proposal', p.authorId, p.title);
		for (const e of events) if (e.kind === 'moved' || e.kind === 'edited') push(e.at, e.kind, e.actorId, `${titleOf.get(e.proposalId) ?? ''}${e.kind === 'moved' ? ` → ${String((e.data as { to?: string }).to ?? '')}` : ''}`);
		for (const c of comments) push(c.createdAt, 'comment', c.authorId, `${titleOf.get(c.proposalId) ?? ''}: ${c.body.slice(0, 140)}`);
		for (const x of supports) push(x.createdAt, 'support', x.userId, titleOf.get(x.proposalId) ?? '');
		for (const v of votes) {
			push(v.openedAt, 'voteOpened', v.createdBy, v.question);
			push(v.closedAt, 'voteClosed', null, v.question);
		}
		const questionOf = new Map(votes.map((v) => [v.id, v.question]));
		for (const p of parts) push(p.at, 'voted', p.userId, questionOf.get(p.consultationId) ?? '');
		for (const i of items) push(i.startedAt, 'itemStarted', null, i.title);
		for (const x of speeches) if (x.startedAt) push(x.startedAt, 'speech', x.userId, items.find((i) => i.id === x.itemId)?.title ?? '');
		// What the trainer and observers noticed, written while watching.
		const observerRole = (userId: string) => (userId === s.createdBy ? 'trainer' : 'observer');
		const observations = noted.map((o) => ({ at: o.at, who: nameOf(o.authorId), role: observerRole(o.authorId), body: o.body }));
		for (const o of observations) timeline.push({ at: o.at, kind: 'observation', who: o.who, role: o.role, text: o.body });
		timeline.sort((a, b) => a.at.getTime() - b.at.getTime());

		// Speaking time by role, in seconds (a speech still going counts up to the end of the run).
		const speaking = new Map<string, number>();
		for (const x of speeches) {
			if (!x.startedAt || x.cancelledAt) continue;
			const until = x.endedAt ?? end;
			const role = roleOf(x.userId);
			speaking.set(role, (speaking.get(role) ?? 0) + Math.max(0, Math.round((until.getTime() - x.startedAt.getTime()) / 1000)));
		}

		const proposed = props.filter((p) => during(p.createdAt)).map((p) => ({ title: p.title, who: nameOf(p.authorId), role: roleOf(p.authorId), status: p.status }));

		const outcomes = votes.map((v) => {
			const options = opts.filter((o) => o.consultationId === v.id).sort((a, b) => a.position - b.position);
			const counts = new Map<string, number>();
			for (const b of bs.filter((x) => x.consultationId === v.id)) {
				const c = b.content;
				const keys = c.choice ? [c.choice] : c.approve ? c.approve : c.position ? [c.position] : [];
				for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
			}
			const rows =
				v.method === 'yes-no-abstain'
					? // Ballots hold positions (for / against / abstain); the labels are the debrief's yes / no / abstain.
						POSITION_LABELS.map(([k, label]) => ({ label, count: counts.get(k) ?? 0, position: true }))
					: options.map((o) => ({ label: o.label, count: counts.get(o.id) ?? 0, position: false }));
			return { question: v.question, method: v.method, status: v.status, turnout: parts.filter((p) => p.consultationId === v.id).length, rows };
		});

		const stepRows = (await dataHandle.db.select().from(practiceRunSteps).where(eq(practiceRunSteps.runId, run.id)));
		const startOf = new Map(stepRows.map((x) => [x.stepKey, x.startedAt]));
		const ordered = scenario.steps.map((x) => ({ key: x.key, title: x.title, startedAt: startOf.get(x.key) ?? null })).filter((x) => x.startedAt);
		ordered.sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
		const steps = scenario.steps.map((x) => {
			const start = startOf.get(x.key) ?? null;
			const next = start ? ordered.find((o) => o.startedAt!.getTime() > start.getTime()) : undefined;
			const until = next?.startedAt ?? end;
			return { key: x.key, title: x.title, startedAt: start, seconds: start ? Math.max(0, Math.round((until.getTime() - start.getTime()) / 1000)) : null };
		});

		return {
			timeline,
			speaking: [...speaking.entries()].map(([role, seconds]) => ({ role, seconds })).sort((a, b) => b.seconds - a.seconds),
			proposed,
			outcomes,
			steps,
			observations,
			counts: {
				proposals: proposed.length,
				comments: timeline.filter((t) => t.kind === 'comment').length,
				supports: timeline.filter((t) => t.kind === 'support').length,
				votes: timeline.filter((t) => t.kind === 'voted').length,
				speeches: timeline.filter((t) => t.kind === 'speech').length,
				observations: observations.length
			}
		};
	}

	async function loadRun(actor: Actor | null, sessionId: string, runNumber: number) {
		const s = await h.loadSession(sessionId);
		const run = (await first(dataHandle.db.select().from(practiceRuns).where(and(eq(practiceRuns.sessionId, s.id), eq(practiceRuns.number, runNumber)))));
		if (!run) throw notFound();
		const people = (await dataHandle.db.select({ userId: practiceParticipants.userId }).from(practiceParticipants).where(eq(practiceParticipants.sessionId, s.id)));
		if (!h.mayObserve(actor, s, people.map((p) => p.userId))) throw new ForbiddenError('practice.observe');
		return { s, run };
	}

	return {
		openVotes,
		figures,

		async debrief(actor: Actor | null, sessionId: string, runNumber: number) {
			const { s, run } = await loadRun(actor, sessionId, runNumber);
			const scenario = h.scenarioOf(s);
			const reflections = (await dataHandle.db
				.select({ authorId: practiceReflections.authorId, aboutId: practiceReflections.aboutId, body: practiceReflections.body, updatedAt: practiceReflections.updatedAt, name: users.displayName })
				.from(practiceReflections)
				.innerJoin(users, eq(users.id, practiceReflections.authorId))
				.where(eq(practiceReflections.runId, run.id))
				.orderBy(asc(practiceReflections.updatedAt), asc(practiceReflections.id)));
			const trainer = can(actor, 'practice.run', { type: 'training', id: s.trainingId });
			const roleTitle = new Map(scenario.roles.map((r) => [r.key, r.title]));
			const assigned = Object.entries(run.assignments);
			const names = new Map(assigned.length ? (await dataHandle.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, assigned.map(([u]) => u)))).map((u) => [u.id, u.name]) : []);
			return {
				session: { id: s.id, trainingId: s.trainingId, title: s.title, status: s.status },
				run: { id: run.id, number: run.number, status: run.status, startedAt: run.startedAt, endedAt: run.endedAt, spaceType: run.spaceType, spaceId: run.spaceId },
				scenario: { title: scenario.title, module: scenario.module },
				cast: assigned.map(([userId, key]) => ({ userId, name: names.get(userId) ?? '', role: roleTitle.get(key) ?? key })),
				trainer,
				...(await figures(s, run)),
				// Trainees read their own comment from the trainer, not the ones addressed to others.
				reflections: reflections
					.filter((r) => !r.aboutId || trainer || r.aboutId === actor?.id)
					.map((r) => ({ name: r.name, mine: r.authorId === actor?.id, about: r.aboutId ? (names.get(r.aboutId) ?? '') : null, aboutId: r.aboutId, body: r.body, updatedAt: r.updatedAt, byTrainer: r.authorId === s.createdBy }))
			};
		},

		/** The debrief's figures as CSV (section, label, value), safe to open in a spreadsheet. */
		async debriefCsv(actor: Actor | null, sessionId: string, runNumber: number, labels: (key: string) => string) {
			const { s, run } = await loadRun(actor, sessionId, runNumber);
			const f = await figures(s, run);
			const rows: (string | number)[][] = [[labels('section'), labels('label'), labels('role'), labels('value')]];
			for (const [k, v] of Object.entries(f.counts)) rows.push([labels('counts'), labels(`count.${k}`), '', v]);
			for (const x of f.speaking) rows.push([labels('speaking'), x.role === 'trainer' || x.role === 'simulated' ? labels(`role.${x.role}`) : x.role, x.role, x.seconds]);
			for (const x of f.steps) rows.push([labels('steps'), x.title, '', x.seconds ?? '']);
			for (const o of f.outcomes) for (const r of o.rows) rows.push([labels('votes'), `${o.question} — ${r.position ? labels(`position.${r.label}`) : r.label}`, '', r.count]);
			for (const p of f.proposed) rows.push([labels('proposed'), p.title, p.role, p.who]);
			for (const t of f.timeline) rows.push([labels('timeline'), `${t.at.toISOString()} ${labels(`kind.${t.kind}`)}`, t.role, `${t.who}: ${t.text}`]);
			return { filename: `debrief-run-${run.number}.csv`, body: stringify(rows, { bom: true, escape_formulas: true }) };
		},

		/** A trainee's path across sessions: roles held, steps practised, reflections, trainer's comments. */
		async progress(actor: Actor | null, trainingId: string, userId: string) {
			const space = { type: 'training' as const, id: trainingId };
			const trainer = can(actor, 'practice.run', space);
			if (!actor || !(trainer || (actor.id === userId && can(actor, 'space.view', space)))) throw new ForbiddenError('practice.progress');
			const person = (await first(dataHandle.db.select({ name: users.displayName }).from(users).where(eq(users.id, userId))));
			if (!person) throw notFound();
			const sessions = (await dataHandle.db.select().from(practiceSessions).where(eq(practiceSessions.trainingId, trainingId)).orderBy(asc(practiceSessions.createdAt), asc(practiceSessions.id)));
			const sessionIds = sessions.map((x) => x.id);
			const runs = sessionIds.length ? (await dataHandle.db.select().from(practiceRuns).where(inArray(practiceRuns.sessionId, sessionIds)).orderBy(asc(practiceRuns.startedAt), asc(practiceRuns.id))) : [];
			const mine = runs.filter((r) => r.assignments[userId]);
			const stepRows = mine.length ? (await dataHandle.db.select().from(practiceRunSteps).where(inArray(practiceRunSteps.runId, mine.map((r) => r.id)))) : [];
			const refl = mine.length
				? (await dataHandle.db.select().from(practiceReflections).where(and(inArray(practiceReflections.runId, mine.map((r) => r.id)), ne(practiceReflections.body, ''))))
				: [];
			return {
				name: person.name,
				runs: mine.map((r) => {
					const s = sessions.find((x) => x.id === r.sessionId)!;
					const scenario = h.scenarioOf(s);
					const reached = new Set(stepRows.filter((x) => x.runId === r.id).map((x) => x.stepKey));
					return {
						sessionId: s.id,
						sessionTitle: s.title,
						module: scenario.module,
						number: r.number,
						startedAt: r.startedAt,
						role: scenario.roles.find((x) => x.key === r.assignments[userId])?.title ?? '',
						steps: scenario.steps.filter((x) => reached.has(x.key)).map((x) => x.title),
						reflection: refl.find((x) => x.runId === r.id && x.authorId === userId && !x.aboutId)?.body ?? null,
						trainerComment: refl.find((x) => x.runId === r.id && x.aboutId === userId)?.body ?? null
					};
				})
			};
		}
	};
}
