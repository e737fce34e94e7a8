/**
 * A practice space's state, table by table and document by document, with its ids replaced by
 * stable labels (ids are new in every run). Two runs that start from the same scenario must give
 * equal snapshots: that is what "reset restores the exact starting state" means, and what the
 * tests and the bench check.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { DESCRIPTION_FIELD, descriptionDocName, PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { buildDocument } from '../../collab/store';
import type { Db } from '../../db';
import {
	agendaItems,
	bodies,
	buildings,
	colleges,
	consultationOptions,
	consultations,
	households,
	meetings,
	memberships,
	proposalComments,
	proposalEvents,
	proposalSupports,
	proposals,
	residences,
	users
} from '../../db/schema';

type Row = Record<string, unknown>;
const TIME_FIELDS = new Set(['createdAt', 'updatedAt', 'at', 'startsAt', 'joinedAt', 'passwordChangedAt']);

export interface SpaceSnapshot {
	tables: Record<string, Row[]>;
	documents: Record<string, string>;
}

/** A stored co-edited document as text: its description (XML) and its pins, from the update log. */
export function documentContent(db: Db, name: string): string {
	const doc = buildDocument(db, name);
	return JSON.stringify({ description: doc.getXmlFragment(DESCRIPTION_FIELD).toString(), pins: doc.getMap(PINS_FIELD).toJSON() });
}

export function snapshotSpace(db: Db, space: { type: 'residence' | 'body'; id: string }, realUserIds: ReadonlySet<string>): SpaceSnapshot {
	const readDocument = (name: string) => documentContent(db, name);
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
		tables.residences = db.select().from(residences).where(eq(residences.id, space.id)).all().map((r) => clean(r, { id: 'space' }));
		tables.buildings = db.select().from(buildings).where(eq(buildings.residenceId, space.id)).orderBy(asc(buildings.position)).all().map((r) => clean(r, { id: 'building', residenceId: 'space' }));
		tables.households = db.select().from(households).where(eq(households.residenceId, space.id)).orderBy(asc(households.label)).all().map((r) => clean(r, { id: 'household', residenceId: 'space', buildingId: 'building' }));
	} else {
		tables.bodies = db.select().from(bodies).where(eq(bodies.id, space.id)).all().map((r) => clean(r, { id: 'space' }));
		tables.colleges = db.select().from(colleges).where(eq(colleges.bodyId, space.id)).orderBy(asc(colleges.position)).all().map((r) => clean(r, { id: 'college', bodyId: 'space' }));
	}
	const members = db.select().from(memberships).where(eq(memberships.spaceId, space.id)).orderBy(asc(memberships.role)).all();
	const simIds = members.map((m) => m.userId).filter((u) => !realUserIds.has(u));
	tables.users = simIds.length
		? db.select({ id: users.id, displayName: users.displayName, isAdmin: users.isAdmin, householdId: users.householdId }).from(users).where(inArray(users.id, simIds)).orderBy(asc(users.displayName)).all().map((r) => clean(r, { id: 'user', householdId: 'household' }))
		: [];
	tables.memberships = members
		.map((r) => clean(r, { id: 'membership', userId: 'user', spaceId: 'space', collegeId: 'college' }))
		.map(({ id: _id, ...rest }) => rest)
		.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
	const props = db.select().from(proposals).where(eq(proposals.spaceId, space.id)).orderBy(asc(proposals.position)).all();
	tables.proposals = props.map((r) => clean(r, { id: 'proposal', spaceId: 'space', authorId: 'user', hiddenBy: 'user' }));
	const pids = props.map((p) => p.id);
	tables.proposal_comments = pids.length ? db.select().from(proposalComments).where(inArray(proposalComments.proposalId, pids)).orderBy(asc(proposalComments.body)).all().map((r) => clean(r, { id: 'comment', proposalId: 'proposal', parentId: 'comment', authorId: 'user', hiddenBy: 'user' })) : [];
	tables.proposal_events = pids.length ? db.select().from(proposalEvents).where(inArray(proposalEvents.proposalId, pids)).orderBy(asc(proposalEvents.id)).all().map(({ id: _id, ...r }) => clean(r, { proposalId: 'proposal', actorId: 'user', undoneBy: 'user' })) : [];
	tables.proposal_supports = pids.length ? db.select().from(proposalSupports).where(inArray(proposalSupports.proposalId, pids)).all().map((r) => clean(r, { proposalId: 'proposal', userId: 'user' })) : [];
	const votes = db.select().from(consultations).where(eq(consultations.spaceId, space.id)).orderBy(asc(consultations.question)).all();
	tables.consultations = votes.map((r) => clean(r, { id: 'consultation', spaceId: 'space', buildingId: 'building', createdBy: 'user' }));
	tables.consultation_options = votes.length
		? db.select().from(consultationOptions).where(inArray(consultationOptions.consultationId, votes.map((v) => v.id))).orderBy(asc(consultationOptions.position)).all().map((r) => clean(r, { id: 'option', consultationId: 'consultation', proposalId: 'proposal' }))
		: [];
	const meets = space.type === 'body' ? db.select().from(meetings).where(eq(meetings.bodyId, space.id)).all() : [];
	tables.meetings = meets.map((r) => clean(r, { id: 'meeting', bodyId: 'space', createdBy: 'user' }));
	tables.agenda_items = meets.length ? db.select().from(agendaItems).where(inArray(agendaItems.meetingId, meets.map((m) => m.id))).orderBy(asc(agendaItems.position)).all().map((r) => clean(r, { id: 'item', meetingId: 'meeting', proposedBy: 'user', proposalId: 'proposal', consultationId: 'consultation' })) : [];

	// Co-edited documents: every proposal description, and the residence's pins.
	const documents: Record<string, string> = {};
	for (const p of props) documents[`description:${label('proposal', p.id)}`] = readDocument(descriptionDocName(p.id));
	if (space.type === 'residence') documents.pins = readDocument(pinsDocName(space.id));
	return { tables, documents };
}
