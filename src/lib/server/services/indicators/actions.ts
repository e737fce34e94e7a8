/**
 * Community actions (proposals) through their lifecycle: when each one was first prioritised and
 * when it was carried out, read from the board's history (moves that were undone do not count).
 */
import { and, asc, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { ProposalStatus } from '$lib/domain/lifecycle';
import type { Data } from '../../db/data';
import type { Scope } from './scope';

const PRIORITISED: readonly ProposalStatus[] = ['prioritised', 'planned', 'inProgress', 'done'];

export interface ActionFacts {
	id: string;
	createdAt: number;
	status: ProposalStatus;
	carriedBy: string | null;
	prioritisedAt: number | null;
	doneAt: number | null;
}

/** Asked by four indicators of one report: answered once per scope object (it lives as long as the report). */
const asked = new WeakMap<Scope, Map<number, Promise<ActionFacts[]>>>();

/** Every proposal of the scope created before `end` (hidden ones excluded), with its lifecycle dates. */
export function actionFacts(data: Data, scope: Scope, end: number): Promise<ActionFacts[]> {
	const memo = asked.get(scope) ?? new Map<number, Promise<ActionFacts[]>>();
	asked.set(scope, memo);
	let answer = memo.get(end);
	if (!answer) memo.set(end, (answer = queryFacts(data, scope, end)));
	return answer;
}

async function queryFacts(data: Data, scope: Scope, end: number): Promise<ActionFacts[]> {
	if (!scope.residenceIds.length) return [];
	const { db } = data;
	const { households, proposalEvents, proposals, users } = data.t;
	const where = [eq(proposals.spaceType, 'residence'), inArray(proposals.spaceId, scope.residenceIds), isNull(proposals.hiddenAt), lt(proposals.createdAt, new Date(end))];
	if (scope.buildingId)
		where.push(
			inArray(
				proposals.authorId,
				db.select({ id: users.id }).from(users).innerJoin(households, eq(households.id, users.householdId)).where(eq(households.buildingId, scope.buildingId))
			)
		);
	const rows = await db
		.select({ id: proposals.id, createdAt: proposals.createdAt, status: proposals.status, carriedBy: proposals.carriedBy })
		.from(proposals)
		.where(and(...where));
	if (!rows.length) return [];
	const facts = new Map<string, ActionFacts>(rows.map((r) => [r.id, { ...r, createdAt: r.createdAt.getTime(), prioritisedAt: null, doneAt: null }]));
	const moves = await db
		.select({ proposalId: proposalEvents.proposalId, at: proposalEvents.at, data: proposalEvents.data })
		.from(proposalEvents)
		.innerJoin(proposals, eq(proposals.id, proposalEvents.proposalId))
		.where(and(...where, eq(proposalEvents.kind, 'moved'), isNull(proposalEvents.undoneAt)))
		.orderBy(asc(proposalEvents.id));
	for (const m of moves) {
		const f = facts.get(m.proposalId);
		const to = (m.data as { to?: ProposalStatus }).to;
		if (!f || !to) continue;
		const at = m.at.getTime();
		if (PRIORITISED.includes(to) && f.prioritisedAt === null) f.prioritisedAt = at;
		if (to === 'done') f.doneAt = at;
	}
	const list = [...facts].map(([, f]) => f);
	for (const f of list) if (f.status !== 'done') f.doneAt = null;
	return list;
}

export function median(values: number[]): number | null {
	if (!values.length) return null;
	const s = [...values].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
