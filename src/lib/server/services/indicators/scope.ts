/**
 * Which spaces an indicator page covers, and whether the person asking may see it. Every door
 * (page, CSV, JSON, report) goes through `resolveScope`, so an export of a page one may not see is
 * refused exactly like the page.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, authorizeAggregate, type Actor } from '$lib/domain/policy';
import type { Data } from '../../db/data';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';

export const SCOPE_TYPES = ['residence', 'agency', 'organisation', 'body', 'training'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

export const scopeRefSchema = z.object({
	type: z.enum(SCOPE_TYPES, { message: 'error.notFound' }),
	id: z.string().trim().min(1, 'error.notFound').max(64, 'error.notFound'),
	building: z.string().trim().max(64).optional().transform((v) => v || undefined)
});

export interface Scope {
	type: ScopeType;
	id: string;
	name: string;
	/** Residences counted (practice residences never are); empty for bodies and training groups. */
	residenceIds: string[];
	buildings: { id: string; name: string; residenceId: string }[];
	/** When the page is filtered by building. */
	buildingId: string | null;
	/** The space whose activities and surveys count: residences, or the body / training group. */
	spaces: { type: 'residence' | 'body' | 'training'; id: string }[];
}

/**
 * `publicView`: the public portal asks, with no one signed in; the caller has checked that the space
 * published something. Practice spaces are refused either way.
 */
export async function resolveScope(data: Data, actor: Actor | null, input: unknown, publicView = false): Promise<Scope> {
	const { agencies, bodies, buildings, organisations, residences, trainingSessions } = data.t;
	const db = data.db;
	const ref = parse(scopeRefSchema, input);
	const check = (fn: () => void) => {
		if (!publicView) fn();
	};
	const base = { type: ref.type, id: ref.id, buildingId: null };
	if (ref.type === 'body' || ref.type === 'training') {
		const row =
			ref.type === 'body'
				? (await db.select({ id: bodies.id, name: bodies.name, practice: bodies.practice }).from(bodies).where(eq(bodies.id, ref.id)))[0]
				: (await db.select({ id: trainingSessions.id, name: trainingSessions.name }).from(trainingSessions).where(eq(trainingSessions.id, ref.id)))[0];
		if (!row) throw notFound();
		const space = { type: ref.type, id: row.id };
		check(() => authorize(actor, 'indicators.view', space));
		if ('practice' in row && row.practice) throw new UserError('indicators.error.practice');
		if (ref.building) throw new UserError('indicators.error.building');
		return { ...base, name: row.name, residenceIds: [], buildings: [], spaces: [{ type: ref.type, id: row.id }] };
	}
	let name: string;
	let rows: { id: string }[];
	if (ref.type === 'residence') {
		const row = (await db.select({ id: residences.id, name: residences.name, practice: residences.practice }).from(residences).where(eq(residences.id, ref.id)))[0];
		if (!row) throw notFound();
		check(() => authorize(actor, 'indicators.view', { type: 'residence', id: row.id }));
		if (row.practice) throw new UserError('indicators.error.practice');
		name = row.name;
		rows = [row];
	} else {
		const table = ref.type === 'agency' ? agencies : organisations;
		const row = (await db.select({ id: table.id, name: table.name }).from(table).where(eq(table.id, ref.id)))[0];
		if (!row) throw notFound();
		const column = ref.type === 'agency' ? residences.agencyId : residences.organisationId;
		const all = await db.select({ id: residences.id, practice: residences.practice }).from(residences).where(eq(column, row.id));
		check(() => authorizeAggregate(actor, ref.type as 'agency' | 'organisation', all.map((r) => r.id)));
		// Practice residences never count (their staff still see the agency they work for): practice/marker.ts's
		// realResidence condition, written on this engine's tables.
		rows = await db.select({ id: residences.id }).from(residences).where(and(eq(column, row.id), eq(residences.practice, false)));
		name = row.name;
	}
	const residenceIds = rows.map((r) => r.id);
	const blds = residenceIds.length
		? await db
				.select({ id: buildings.id, name: buildings.name, residenceId: buildings.residenceId })
				.from(buildings)
				.where(inArray(buildings.residenceId, residenceIds))
				.orderBy(asc(buildings.position), asc(buildings.name), asc(buildings.id))
		: [];
	const buildingId = ref.building ?? null;
	if (buildingId && !blds.some((b) => b.id === buildingId)) throw new UserError('indicators.error.building');
	return { ...base, name, residenceIds, buildings: blds, buildingId, spaces: residenceIds.map((id) => ({ type: 'residence' as const, id })) };
}

