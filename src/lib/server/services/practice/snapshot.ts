/**
 * A practice space's state, table by table and document by document, with its ids replaced by
 * stable labels (ids are new in every run). Two runs that start from the same scenario must give
 * equal snapshots: that is what "reset restores the exact starting state" means, and what the
 * tests and the bench check. Both engines (issue 12): read through `data`, on `data.t`.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { DESCRIPTION_FIELD, descriptionDocName, PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { buildDocument } from '../../collab/store';
import type { Data } from '../../db/data';

type Row = Record<string, unknown>;
const TIME_FIELDS = new Set(['createdAt', 'updatedAt', 'at', 'startsAt', 'joinedAt', 'passwordChangedAt']);

export interface SpaceSnapshot {
	tables: Record<string, Row[]>;
	documents: Record<string, string>;
}

/** A stored co-edited document as text: its description (XML) and its pins, from the update log. */
export async function documentContent(data: Data, name: string): Promise<string> {
	const doc = await buildDocument(data, name);
	try {
		return JSON.stringify({ description: doc.getXmlFragment(DESCRIPTION_FIELD).toString(), pins: doc.getMap(PINS_FIELD).toJSON() });
	} finally {
		doc.destroy();
	}
}

export async function snapshotSpace(data: Data, space: { type: 'residence' | 'body'; id: string }, realUserIds: ReadonlySet<string>): Promise<SpaceSnapshot> {
	const db = data.db;
	const { agendaItems, bodies, buildings, colleges, consultationOptions, consultations, households, meetings, memberships, proposalComments, proposalEvents, proposalSupports, proposals, residences, users } = data.t;
	const readDocument = (name: string) => documentContent(data, name);
	const labels = new Map<string, string>();
	const label = (prefix: string, id: string | null | undefined) => {
		if (!id) return id ?? null;
		if (realUserIds.has(id)) return `person:${id}`;
		if (!labels.has(id)) labels.set(id, `${prefix}#${[...labels.keys()].filter((k) => labels.get(k)!.startsWith(prefix + '#')).length + 1}`);
		return labels.get(id)!;
	};
	const clean = (row: Row, refs: Record<string, string>): Row => {
		const out: Row = {};
		for (const [k, v] of Object.entries(row)) {
			if (TIME_FIELDS.has(k)) continue;
			if (k === 'slug' || k === 'username') continue;
			out[k] = k in refs ? label(refs[k]!, v as string | null) : v;
		}
		return out;
	};
	const tables: Record<string, Row[]> = {};
	label('space', space.id);
	if (space.type === 'residence') {
		tables.residences = (await db.select().from(residences).where(eq(residences.id, space.id))).map((r) => clean(r, { id: 'space' }));
		tables.buildings = (await db.select().from(buildings).where(eq(buildings.residenceId, space.id)).orderBy(asc(buildings.position))).map((r) => clean(r, { id: 'building', residenceId: 'space' }));
		tables.households = (await db.select().from(households).where(eq(households.residenceId, space.id)).orderBy(asc(households.label))).map((r) => clean(r, { id: 'household', residenceId: 'space', buildingId: 'building' }));
	} else {
		tables.bodies = (await db.select().from(bodies).where(eq(bodies.id, space.id))).map((r) => clean(r, { id: 'space' }));
		tables.colleges = (await db.select().from(colleges).where(eq(colleges.bodyId, space.id)).orderBy(asc(colleges.position))).map((r) => clean(r, { id: 'college', bodyId: 'space' }));
	}
	const members = (await db.select().from(memberships).where(eq(memberships.spaceId, space.id)).orderBy(asc(memberships.role)));
	const simIds = members.map((m) => m.userId).filter((u) => !realUserIds.has(u));
	tables.users = simIds.length
		? (await db.select({ id: users.id, displayName: users.displayName, isAdmin: users.isAdmin, householdId: users.householdId }).from(users).where(inArray(users.id, simIds)).orderBy(asc(users.displayName))).map((r) => clean(r, { id: 'user', householdId: 'household' }))
		: [];
	tables.memberships = members
		.map((r) => clean(r, { id: 'membership', userId: 'user', spaceId: 'space', collegeId: 'college' }))
		.map(({ id: _id, ...rest }) => rest)
		.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
	const props = (await db.select().from(proposals).where(eq(proposals.spaceId, space.id)).orderBy(asc(proposals.position)));
	tables.proposals = props.map((r) => clean(r, { id: 'proposal', spaceId: 'space', authorId: 'user', hiddenBy: 'user' }));
	const pids = props.map((p) => p.id);
	tables.proposal_comments = pids.length ? (await db.select().from(proposalComments).where(inArray(proposalComments.proposalId, pids)).orderBy(asc(proposalComments.body))).map((r) => clean(r, { id: 'comment', proposalId: 'proposal', parentId: 'comment', authorId: 'user', hiddenBy: 'user' })) : [];
	tables.proposal_events = pids.length ? (await db.select().from(proposalEvents).where(inArray(proposalEvents.proposalId, pids)).orderBy(asc(proposalEvents.id))).map(({ id: _id, ...r }) => clean(r, { proposalId: 'proposal', actorId: 'user', undoneBy: 'user' })) : [];
	tables.proposal_supports = pids.length ? (await db.select().from(proposalSupports).where(inArray(proposalSupports.proposalId, pids))).map((r) => clean(r, { proposalId: 'proposal', userId: 'user' })) : [];
	const votes = (await db.select().from(consultations).where(eq(consultations.spaceId, space.id)).orderBy(asc(consultations.question)));
	tables.consultations = votes.map((r) => clean(r, { id: 'consultation', spaceId: 'space', buildingId: 'building', createdBy: 'user' }));
	tables.consultation_options = votes.length
		? (await db.select().from(consultationOptions).where(inArray(consultationOptions.consultationId, votes.map((v) => v.id))).orderBy(asc(consultationOptions.position))).map((r) => clean(r, { id: 'option', consultationId: 'consultation', proposalId: 'proposal' }))
		: [];
	const meets = space.type === 'body' ? (await db.select().from(meetings).where(eq(meetings.bodyId, space.id))) : [];
	tables.meetings = meets.map((r) => clean(r, { id: 'meeting', bodyId: 'space', createdBy: 'user' }));
	tables.agenda_items = meets.length ? (await db.select().from(agendaItems).where(inArray(agendaItems.meetingId, meets.map((m) => m.id))).orderBy(asc(agendaItems.position))).map((r) => clean(r, { id: 'item', meetingId: 'meeting', proposedBy: 'user', proposalId: 'proposal', consultationId: 'consultation' })) : [];

	// Co-edited documents: every proposal description, and the residence's pins.
	const documents: Record<string, string> = {};
	for (const p of props) documents[`description:${label('proposal', p.id)}`] = await readDocument(descriptionDocName(p.id));
	if (space.type === 'residence') documents.pins = await readDocument(pinsDocName(space.id));
	return { tables, documents };
}
