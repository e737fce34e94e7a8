/**
 * THE indicator definitions: each one a named query over a scope and a period. Its name and its
 * plain-language definition are catalogue entries `indicators.name.<id>` and `indicators.def.<id>`,
 * shown next to the figure, in the CSV and in the open-data JSON. Practice spaces never reach a scope.
 */
import { and, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { carriers } from '$lib/domain/lifecycle';
import { PARTICIPANT_STATUSES } from '$lib/domain/indicators/surveys';
import type { Period } from '$lib/domain/indicators/period';
import type { IndicatorGroup, IndicatorValue } from '$lib/domain/indicators/types';
import type { Data } from '../../db/data';
import { actionFacts, median } from './actions';
import { bodyAttendance, bodySpeaking, heldMeetings } from './body';
import { householdCounts, participationByBuilding, totalOf } from './participation';
import type { Scope, ScopeType } from './scope';

export interface Context {
	/** The data handle (db/data.ts): `data.t` are this engine's tables. */
	data: Data;
	scope: Scope;
	period: Period;
}

export interface Indicator {
	id: string;
	group: IndicatorGroup;
	scopes: readonly ScopeType[];
	/** How the chart beside the table shows it. */
	chart?: 'bar' | 'doughnut';
	compute(ctx: Context): Promise<IndicatorValue>;
}

const RESIDENTIAL: readonly ScopeType[] = ['residence', 'agency', 'organisation'];
const range = (p: Period) => ({ start: p.start, end: p.end });
const within = (at: number | null, p: Period) => at !== null && at >= p.start && at < p.end;
const DAY = 86_400_000;

async function totalHouseholds(ctx: Context) {
	return [...(await householdCounts(ctx.data, ctx.scope))].reduce((a, [, n]) => a + n, 0);
}

const shareOf = (field: 'took' | 'voted' | 'proposed' | 'volunteered'): Indicator['compute'] => async (ctx) => ({
	kind: 'share',
	count: totalOf(await participationByBuilding(ctx.data, ctx.scope, range(ctx.period)), field),
	total: await totalHouseholds(ctx)
});

async function sessionsIn(ctx: Context) {
	const { activities, activitySessions } = ctx.data.t;
	const spaceIds = ctx.scope.spaces.map((s) => s.id);
	if (!spaceIds.length) return [];
	return ctx.data.db
		.select({ id: activitySessions.id, activityId: activities.id, name: activities.name, headcount: activitySessions.headcount })
		.from(activitySessions)
		.innerJoin(activities, eq(activities.id, activitySessions.activityId))
		.where(
			and(
				eq(activities.spaceType, ctx.scope.spaces[0]!.type),
				inArray(activities.spaceId, spaceIds),
				gte(activitySessions.heldAt, new Date(ctx.period.start)),
				lt(activitySessions.heldAt, new Date(ctx.period.end))
			)
		);
}

export const INDICATORS: readonly Indicator[] = [
	{
		id: 'households',
		group: 'participation',
		scopes: RESIDENTIAL,
		compute: async (ctx) => ({ kind: 'count', value: await totalHouseholds(ctx) })
	},
	{
		id: 'participationAny',
		group: 'participation',
		scopes: RESIDENTIAL,
		compute: shareOf('took')
	},
	{ id: 'participationVoted', group: 'participation', scopes: RESIDENTIAL, compute: shareOf('voted') },
	{ id: 'participationProposed', group: 'participation', scopes: RESIDENTIAL, compute: shareOf('proposed') },
	{ id: 'participationVolunteered', group: 'participation', scopes: RESIDENTIAL, compute: shareOf('volunteered') },
	{
		id: 'participationByBuilding',
		group: 'participation',
		scopes: RESIDENTIAL,
		chart: 'bar',
		async compute(ctx) {
			const [took, totals] = await Promise.all([participationByBuilding(ctx.data, ctx.scope, range(ctx.period)), householdCounts(ctx.data, ctx.scope)]);
			const rows = ctx.scope.buildings
				.filter((b) => totals.has(b.id))
				.map((b) => {
					const n = took.get(b.id)?.took ?? 0;
					const total = totals.get(b.id) ?? 0;
					return { label: b.name, values: [n, total, total ? Math.round((n / total) * 1000) / 10 : 0] };
				});
			return { kind: 'table', columns: ['participating', 'households', 'percent'], rows };
		}
	},
	{
		id: 'participationNewRepeat',
		group: 'participation',
		scopes: RESIDENTIAL,
		chart: 'doughnut',
		async compute(ctx) {
			const by = await participationByBuilding(ctx.data, ctx.scope, range(ctx.period));
			const [took, repeat] = [totalOf(by, 'took'), totalOf(by, 'repeat')];
			return { kind: 'table', columns: ['households'], rows: [{ label: 'indicators.row.firstTime', labelKey: true, values: [took - repeat] }, { label: 'indicators.row.repeat', labelKey: true, values: [repeat] }] };
		}
	},
	{
		id: 'actionsProposed',
		group: 'actions',
		scopes: RESIDENTIAL,
		compute: async (ctx) => ({ kind: 'count', value: (await actionFacts(ctx.data, ctx.scope, ctx.period.end)).filter((f) => within(f.createdAt, ctx.period)).length })
	},
	{
		id: 'actionsPrioritised',
		group: 'actions',
		scopes: RESIDENTIAL,
		compute: async (ctx) => ({ kind: 'count', value: (await actionFacts(ctx.data, ctx.scope, ctx.period.end)).filter((f) => within(f.prioritisedAt, ctx.period)).length })
	},
	{
		id: 'actionsDoneBy',
		group: 'actions',
		scopes: RESIDENTIAL,
		chart: 'doughnut',
		async compute(ctx) {
			const done = (await actionFacts(ctx.data, ctx.scope, ctx.period.end)).filter((f) => within(f.doneAt, ctx.period));
			const keys = [...carriers, 'unspecified'] as const;
			const rows = keys.map((k) => ({ label: `indicators.row.carrier.${k}`, labelKey: true, values: [done.filter((f) => (f.carriedBy ?? 'unspecified') === k).length] }));
			return { kind: 'table', columns: ['actions'], rows };
		}
	},
	{
		id: 'actionsIdeaToDone',
		group: 'actions',
		scopes: RESIDENTIAL,
		async compute(ctx) {
			const done = (await actionFacts(ctx.data, ctx.scope, ctx.period.end)).filter((f) => within(f.doneAt, ctx.period));
			const m = median(done.map((f) => (f.doneAt! - f.createdAt) / DAY));
			return { kind: 'days', median: m === null ? null : Math.round(m * 10) / 10, count: done.length };
		}
	},
	{
		id: 'trainedResidents',
		group: 'training',
		scopes: RESIDENTIAL,
		async compute(ctx) {
			if (!ctx.scope.residenceIds.length) return { kind: 'count', value: 0 };
			const { households, memberships, users } = ctx.data.t;
			const where = [inArray(households.residenceId, ctx.scope.residenceIds), eq(memberships.spaceType, 'training'), eq(memberships.role, 'trainee'), lt(memberships.createdAt, new Date(ctx.period.end))];
			if (ctx.scope.buildingId) where.push(eq(households.buildingId, ctx.scope.buildingId));
			const rows = await ctx.data.db
				.selectDistinct({ id: users.id })
				.from(memberships)
				.innerJoin(users, eq(users.id, memberships.userId))
				.innerJoin(households, eq(households.id, users.householdId))
				.where(and(...where));
			return { kind: 'count', value: rows.length };
		}
	},
	{
		id: 'activitySessions',
		group: 'activities',
		scopes: [...RESIDENTIAL, 'body'],
		chart: 'bar',
		async compute(ctx) {
			const { activityAttendance, activitySessions } = ctx.data.t;
			const sessions = await sessionsIn(ctx);
			const named = new Map<string, Set<string>>();
			if (sessions.length) {
				const rows = await ctx.data.db
					.selectDistinct({ activityId: activitySessions.activityId, userId: activityAttendance.userId })
					.from(activityAttendance)
					.innerJoin(activitySessions, eq(activitySessions.id, activityAttendance.sessionId))
					.where(inArray(activityAttendance.sessionId, sessions.map((s) => s.id)));
				for (const r of rows) named.set(r.activityId, (named.get(r.activityId) ?? new Set()).add(r.userId));
			}
			const by = new Map<string, { label: string; values: number[] }>();
			for (const s of sessions) {
				const row = by.get(s.activityId) ?? { label: s.name, values: [0, 0, named.get(s.activityId)?.size ?? 0] };
				row.values[0]! += 1;
				row.values[1]! += s.headcount;
				by.set(s.activityId, row);
			}
			return { kind: 'table', columns: ['sessions', 'attendance', 'namedPeople'], rows: [...by].map(([, row]) => row).sort((a, b) => a.label.localeCompare(b.label)) };
		}
	},
	{
		id: 'activityStatuses',
		group: 'activities',
		scopes: [...RESIDENTIAL, 'body'],
		chart: 'doughnut',
		async compute(ctx) {
			const { activityAttendance } = ctx.data.t;
			const sessions = await sessionsIn(ctx);
			const rows = sessions.length
				? await ctx.data.db
						.select({ status: activityAttendance.status, n: count() })
						.from(activityAttendance)
						.where(inArray(activityAttendance.sessionId, sessions.map((s) => s.id)))
						.groupBy(activityAttendance.status)
				: [];
			return { kind: 'table', columns: ['attendances'], rows: PARTICIPANT_STATUSES.map((st) => ({ label: `indicators.row.status.${st}`, labelKey: true, values: [rows.find((r) => r.status === st)?.n ?? 0] })) };
		}
	},
	{
		id: 'meetingsHeld',
		group: 'governance',
		scopes: ['body'],
		compute: async (ctx) => ({ kind: 'count', value: (await heldMeetings(ctx.data, ctx.scope.id, ctx.period)).length })
	},
	{ id: 'meetingsAttendance', group: 'governance', scopes: ['body'], chart: 'bar', compute: (ctx) => bodyAttendance(ctx.data, ctx.scope.id, ctx.period) },
	{ id: 'meetingsSpeaking', group: 'governance', scopes: ['body'], chart: 'doughnut', compute: (ctx) => bodySpeaking(ctx.data, ctx.scope.id, ctx.period) },
	{
		id: 'decisions',
		group: 'governance',
		scopes: ['body'],
		chart: 'doughnut',
		async compute(ctx) {
			const { decisions } = ctx.data.t;
			const rows = await ctx.data.db
				.select({ adopted: decisions.adopted })
				.from(decisions)
				.where(and(eq(decisions.spaceType, 'body'), eq(decisions.spaceId, ctx.scope.id), gte(decisions.decidedAt, new Date(ctx.period.start)), lt(decisions.decidedAt, new Date(ctx.period.end))));
			const n = (v: boolean | null) => rows.filter((r) => r.adopted === v).length;
			return { kind: 'table', columns: ['decisions'], rows: [{ label: 'indicators.row.adopted', labelKey: true, values: [n(true)] }, { label: 'indicators.row.rejected', labelKey: true, values: [n(false)] }, { label: 'indicators.row.choice', labelKey: true, values: [n(null)] }] };
		}
	},
	{
		id: 'trainingPeople',
		group: 'training',
		scopes: ['training'],
		async compute(ctx) {
			const { memberships } = ctx.data.t;
			const rows = await ctx.data.db
				.select({ role: memberships.role, n: count() })
				.from(memberships)
				.where(and(eq(memberships.spaceType, 'training'), eq(memberships.spaceId, ctx.scope.id), lt(memberships.createdAt, new Date(ctx.period.end))))
				.groupBy(memberships.role);
			return { kind: 'table', columns: ['people'], rows: (['trainee', 'trainer'] as const).map((r) => ({ label: `role.${r}`, labelKey: true, values: [rows.find((x) => x.role === r)?.n ?? 0] })) };
		}
	}
];

export const indicatorsFor = (type: ScopeType) => INDICATORS.filter((i) => i.scopes.includes(type));
