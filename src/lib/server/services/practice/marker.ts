import { and, eq, notInArray, or, sql, type Column, type SQL } from 'drizzle-orm';
import { can, type Actor, type SpaceRef } from '$lib/domain/policy';
import { first, type Data, type Schema } from '../../db/data';

/**
 * The practice marker. A practice session plays in its own simulated residence or body, marked
 * `practice = true`. Whatever speaks to the real world (indicators, decision register, transparency
 * portal, notifications to people) leaves those spaces out through the helpers below. All of them
 * work on both engines (issue 12): reads through `data`, conditions written on `data.t`.
 */

/** Whether a residence or body is a practice space (a training space is not a simulated one). */
export async function isPracticeSpace(data: Data, space: SpaceRef): Promise<boolean> {
	return isPracticeTarget(data, { space });
}

/** Whether a page may point the actor to a space's indicators: she may see them, and it is not a practice space (they are refused there). */
export async function indicatorsOpen(data: Data, actor: Actor | null, space: SpaceRef): Promise<boolean> {
	return can(actor, 'indicators.view', space) && !(await isPracticeSpace(data, space));
}

/** Ids of every practice residence and body (for filtering a list already read). */
export async function practiceSpaceIds(data: Data): Promise<Set<string>> {
	const t = data.t;
	const r = await data.db.select({ id: t.residences.id }).from(t.residences).where(eq(t.residences.practice, true));
	const b = await data.db.select({ id: t.bodies.id }).from(t.bodies).where(eq(t.bodies.practice, true));
	return new Set([...r, ...b].map((x) => x.id));
}

/** Conditions to put in a WHERE: only real residences / only real bodies (`t` = `data.t`). */
export const realResidence = (t: Schema): SQL => eq(t.residences.practice, false);
export const realBody = (t: Schema): SQL => eq(t.bodies.practice, false);

/**
 * A WHERE condition for a table that points at a space by (space_type, space_id) columns: true
 * unless the row belongs to a practice residence or body. Plain subqueries, portable SQL.
 */
export function notInPracticeSpace(t: Schema, spaceType: Column, spaceId: Column): SQL {
	return or(
		and(eq(spaceType, 'residence'), notPracticeResidence(t, spaceId)),
		and(eq(spaceType, 'body'), notPracticeBody(t, spaceId)),
		and(sql`${spaceType} <> 'residence'`, sql`${spaceType} <> 'body'`)
	) as SQL;
}

/** Same, for a table that points at a residence only (or a body only) by one id column. */
const practiceResidences = ({ residences }: Schema) => sql`(select ${residences.id} from ${residences} where ${eq(residences.practice, true)})`;
const practiceBodies = ({ bodies }: Schema) => sql`(select ${bodies.id} from ${bodies} where ${eq(bodies.practice, true)})`;
export const notPracticeResidence = (t: Schema, residenceId: Column): SQL => notInArray(residenceId, practiceResidences(t));
export const notPracticeBody = (t: Schema, bodyId: Column): SQL => notInArray(bodyId, practiceBodies(t));

/** Keeps the rows of a list whose space is real (for lists already read with their space). */
export async function withoutPracticeSpaces<T>(data: Data, rows: T[], spaceOf: (row: T) => string | null | undefined): Promise<T[]> {
	const practice = await practiceSpaceIds(data);
	return rows.filter((row) => {
		const id = spaceOf(row);
		return !id || !practice.has(id);
	});
}


/**
 * Whether a proposal, a consultation or a space named directly (for what has neither: minutes,
 * meetings) is, or lives in, a practice space. Read in the current unit when there is one:
 * notifications are recorded there. Practice activity never notifies real people. Both engines.
 */
export async function isPracticeTarget(data: Data, target: { proposalId?: string | null; consultationId?: string | null; space?: SpaceRef | null }): Promise<boolean> {
	const t = data.t;
	const space = target.proposalId
		? await first(data.db.select({ type: t.proposals.spaceType, id: t.proposals.spaceId }).from(t.proposals).where(eq(t.proposals.id, target.proposalId)))
		: target.consultationId
			? await first(data.db.select({ type: t.consultations.spaceType, id: t.consultations.spaceId }).from(t.consultations).where(eq(t.consultations.id, target.consultationId)))
			: (target.space ?? undefined);
	if (!space) return false;
	if (space.type === 'residence') return (await first(data.db.select({ p: t.residences.practice }).from(t.residences).where(eq(t.residences.id, space.id))))?.p === true;
	if (space.type === 'body') return (await first(data.db.select({ p: t.bodies.practice }).from(t.bodies).where(eq(t.bodies.id, space.id))))?.p === true;
	return false;
}
