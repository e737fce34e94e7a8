/**
 * Meetings of a body and their minutes, as resource kinds of the policy (registered in
 * `resources.ts`): `can(actor, 'meeting.chair', meetingResource(row))`,
 * `can(actor, 'minutes.write', minutesResource(meeting, { status, coEditorIds }))`.
 *
 * A meeting's rights are its body's grants (who chairs, keeps the speakers' list, checks people in);
 * a minutes document adds its own facts: who the chair named as co-editors of the live draft, who
 * attended the meeting, and where it stands in its life (draft, submitted, amendment window…).
 * A fact a rule needs and the caller did not give counts as "no" (fail closed).
 */
import type { MeetingStatus } from '../meetings/types';
import { isLiveEditable, type MinutesStatus } from '../minutes/state';
import { has, type Actor, type SpaceRef } from './grants';

/** A meeting of a body, as the policy sees it. */
export interface MeetingResource {
	kind: 'meeting';
	space: SpaceRef;
	status?: MeetingStatus;
}

/** The facts of a meeting row (`meetings` table) for the policy. */
export function meetingResource(row: { bodyId: string; status?: MeetingStatus }): MeetingResource {
	return { kind: 'meeting', space: { type: 'body', id: row.bodyId }, status: row.status };
}

/** A meeting's minutes, as the policy sees them. */
export interface MinutesResource {
	kind: 'minutes';
	space: SpaceRef;
	/** Where the minutes stand; a meeting without a minutes row yet has a draft. */
	status?: MinutesStatus;
	/** The members the chair named to write the live draft with the secretary. */
	coEditorIds?: readonly string[];
	/** Who attended the meeting (present or represented): they may propose amendments. */
	attendeeIds?: readonly string[];
}

/** The facts of a meeting's minutes (the meeting row, with what is known of its minutes) for the policy. */
export function minutesResource(meeting: { bodyId: string }, facts: { status?: MinutesStatus; coEditorIds?: readonly string[]; attendeeIds?: readonly string[] } = {}): MinutesResource {
	return { kind: 'minutes', space: { type: 'body', id: meeting.bodyId }, ...facts };
}

type Rule<R> = (actor: Actor, resource: R) => boolean;

/** Meetings: each right is the body's grant of the same name (who holds them is in `grants.ts`). */
export const meetingRules = {
	/** Its agenda, its room and its live state (members of the body). */
	'meeting.view': (a, m) => has(a, 'space.view', m.space),
	/** Its date, place, agenda and documents. */
	'meeting.schedule': (a, m) => has(a, 'meeting.schedule', m.space),
	/** Opening, closing, moving through the agenda, motions, naming co-editors of its minutes. */
	'meeting.chair': (a, m) => has(a, 'meeting.chair', m.space),
	'meeting.checkIn': (a, m) => has(a, 'meeting.checkIn', m.space),
	/** The speakers' list: giving the floor, lowering anyone's hand. */
	'meeting.speakers': (a, m) => has(a, 'meeting.speakers', m.space),
	/** Proposing an agenda item, raising one's hand, saying one is present. */
	'meeting.proposeItem': (a, m) => has(a, 'meeting.proposeItem', m.space),
	/** Posting in an item's thread. */
	'meeting.discuss': (a, m) => has(a, 'meeting.discuss', m.space),
	/** Hiding a post in a thread, and showing it again (the body's moderators). */
	'meeting.moderate': (a, m) => has(a, 'content.moderate', m.space)
} satisfies Record<string, Rule<MeetingResource>>;
export type MeetingAction = keyof typeof meetingRules;
export const meetingActions = Object.keys(meetingRules) as MeetingAction[];

const edits = (a: Actor, m: MinutesResource) => has(a, 'minutes.edit', m.space);

/**
 * Minutes. The secretary and the chair (`minutes.edit`) take them through their life; the live
 * draft is also written by the co-editors the chair named, while they may still see the body.
 */
export const minutesRules = {
	'minutes.view': (a, m) => has(a, 'space.view', m.space),
	/** The live draft (the Yjs sections): only while it is a draft. */
	'minutes.write': (a, m) => m.status !== undefined && isLiveEditable(m.status) && (edits(a, m) || ((m.coEditorIds ?? []).includes(a.id) && has(a, 'space.view', m.space))),
	/** Submitting, opening and closing the amendment window, deciding amendments, publishing. */
	'minutes.edit': edits,
	/** Adopting them (when the body lets its chair adopt) and correcting a published version. */
	'minutes.adopt': (a, m) => has(a, 'minutes.adopt', m.space),
	/** Taking part in amendments in this body (the body's grant). */
	'minutes.amend': (a, m) => has(a, 'minutes.amend', m.space),
	/** Proposing an amendment to these minutes: someone who may amend and attended, or who edits them. */
	'minutes.proposeAmendment': (a, m) => has(a, 'minutes.amend', m.space) && ((m.attendeeIds ?? []).includes(a.id) || edits(a, m))
} satisfies Record<string, Rule<MinutesResource>>;
export type MinutesAction = keyof typeof minutesRules;
export const minutesActions = Object.keys(minutesRules) as MinutesAction[];
