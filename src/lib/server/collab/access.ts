/**
 * Who may read or write a collaborative document, and which updates a writer may send. Nothing is
 * decided here: the answers come from the policy (`proposal.read`, `proposal.edit`,
 * `proposal.pin`, `sitePlan.*` in domain/policy/), asked with facts from the database. The hub
 * asks at join and again for every update, so a role removed or a proposal hidden takes effect on
 * the next keystroke.
 */
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { z } from 'zod';
import type { ProposalStatus } from '$lib/domain/lifecycle';
import { can, proposalResource, type Actor, type ProposalResource, type SpaceRef } from '$lib/domain/policy';
import { PINS_FIELD } from '$lib/realtime/collab-events';
import { first, type Data } from '../db/data';
import { minutesDocLevel } from '../services/minutes/doc-access';

/** Whole-document rights: `write` may change anything the document holds, `read` only what the update guard lets through. */
export type DocLevel = 'write' | 'read' | 'none';
export type DocAccess = (actor: Actor, docName: string) => Promise<DocLevel>;

export type DocRef = { kind: 'description'; proposalId: string } | { kind: 'pins'; residenceId: string } | { kind: 'minutes'; meetingId: string; section: string };

export function parseDocName(docName: string): DocRef | null {
	const description = /^proposal:([A-Za-z0-9_-]{1,64}):description$/.exec(docName);
	if (description) return { kind: 'description', proposalId: description[1]! };
	const pins = /^residence:([A-Za-z0-9_-]{1,64}):pins$/.exec(docName);
	if (pins) return { kind: 'pins', residenceId: pins[1]! };
	const minutes = /^minutes:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{1,64})$/.exec(docName);
	if (minutes) return { kind: 'minutes', meetingId: minutes[1]!, section: minutes[2]! };
	return null;
}

/** A proposal's facts as a document resolver has them (its status only matters for withdrawing). */
export type ProposalFacts = Omit<ProposalResource, 'kind' | 'status'> & { status?: ProposalStatus };

/** A proposal's description: readable by whoever may read the proposal, written by whoever may edit it. */
export function descriptionAccess(actor: Actor, facts: ProposalFacts): DocLevel {
	const proposal: ProposalResource = { ...facts, kind: 'proposal', status: facts.status ?? 'idea' };
	if (!can(actor, 'proposal.read', proposal)) return 'none';
	return can(actor, 'proposal.edit', proposal) ? 'write' : 'read';
}

/**
 * Pins on a residence's site plan: members see them; board managers arrange any pin (`write`);
 * everyone else reads, and may still move the pin of an idea the policy lets her pin (her own),
 * which the update guard checks key by key.
 */
export function pinsAccess(actor: Actor, residence: SpaceRef): DocLevel {
	const plan = { kind: 'sitePlan', space: residence } as const;
	if (!can(actor, 'sitePlan.view', plan)) return 'none';
	return can(actor, 'sitePlan.arrange', plan) ? 'write' : 'read';
}

const proposalRow = (data: Data, id: string) => first(data.db.select().from(data.t.proposals).where(eq(data.t.proposals.id, id)));

/**
 * The resolver used in production: facts come from the `proposals` table (co-authors are not recorded
 * yet); minutes sections ask the minutes' own rule through the async data handle (issue 12).
 */
export function createDocAccess(data: Data): DocAccess {
	return async (actor, docName) => {
		const ref = parseDocName(docName);
		if (!ref) return 'none';
		if (ref.kind === 'pins') return pinsAccess(actor, { type: 'residence', id: ref.residenceId });
		// Minutes: written while a draft by the secretary, the chair and named co-editors; read by members.
		if (ref.kind === 'minutes') return minutesDocLevel(data, actor, ref.meetingId, ref.section);
		const row = await proposalRow(data, ref.proposalId);
		return row ? descriptionAccess(actor, proposalResource(row)) : 'none';
	};
}

/** The description a proposal was created with: the starting text of its collaborative document. */
export async function proposalDescription(data: Data, docName: string): Promise<string | null> {
	const ref = parseDocName(docName);
	if (ref?.kind !== 'description') return null;
	const { proposals } = data.t;
	return (await first(data.db.select({ description: proposals.description }).from(proposals).where(eq(proposals.id, ref.proposalId))))?.description ?? null;
}

const coordinate = z.number({ message: 'plan.pinInvalid' }).min(0, 'plan.pinInvalid').max(1, 'plan.pinInvalid');
export const pinSchema = z.object({ x: coordinate, y: coordinate }).strict();
export type Pin = z.infer<typeof pinSchema>;

/** `ok`, or why an update is refused: the writer may not change what it touches, or it is not a well-formed change. */
export type UpdateVerdict = 'ok' | 'readOnly' | 'invalid';
export type UpdateGuard = (actor: Actor, docName: string, level: DocLevel, current: Y.Doc, update: Uint8Array) => Promise<UpdateVerdict>;

/**
 * What an update would change in a pins document, found by applying it to a copy: the keys of the
 * pins map it touches, or null if it touches anything else (another type, a nested structure) or
 * leaves parts waiting for missing ones.
 */
export function changedPins(current: Y.Doc, update: Uint8Array): { keys: string[]; values: Map<string, unknown> } | null {
	const copy = new Y.Doc({ gc: false });
	try {
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(current));
		const map = copy.getMap(PINS_FIELD);
		const keys = new Set<string>();
		let foreign = false;
		copy.on('afterTransaction', (tr: Y.Transaction) => {
			for (const [type, subs] of tr.changed) {
				if ((type as unknown) !== map) foreign = true;
				else for (const key of subs) if (key === null) foreign = true;
				else keys.add(key);
			}
		});
		Y.applyUpdate(copy, update);
		if (foreign || copy.store.pendingStructs !== null || copy.store.pendingDs !== null) return null;
		return { keys: [...keys], values: new Map([...keys].map((k) => [k, map.get(k)])) };
	} catch {
		return null;
	} finally {
		copy.destroy();
	}
}

/**
 * Every value an update writes, visible or not (a concurrent write that loses is stored too), must
 * be a pin: the pins document holds nothing else.
 */
export function pinsOnly(update: Uint8Array): boolean {
	try {
		return Y.decodeUpdate(update).structs.every((s) => {
			if (!(s instanceof Y.Item)) return true;
			if (s.content instanceof Y.ContentDeleted) return true;
			return s.content instanceof Y.ContentAny && s.content.getContent().every((v) => pinSchema.safeParse(v).success);
		});
	} catch {
		return false;
	}
}

/**
 * The production update guard. Descriptions and minutes: the whole document is the writer's or nothing.
 * Pins: every value must be a pin (0..1) or a removal, and every key a proposal of this residence
 * that the policy lets this person pin (`proposal.pin`) — the same question the pin form asks, so
 * both doors agree (a board manager may pin any open proposal, its author her own, nobody a hidden one).
 */
export function createUpdateGuard(data: Data): UpdateGuard {
	return async (actor, docName, level, current, update) => {
		const ref = parseDocName(docName);
		if (!ref || level === 'none') return 'readOnly';
		// Descriptions and minutes sections: the whole document is the writer's or nothing.
		if (ref.kind !== 'pins') return level === 'write' ? 'ok' : 'readOnly';
		const changes = pinsOnly(update) ? changedPins(current, update) : null;
		if (!changes) return 'invalid';
		for (const [, value] of changes.values) if (value !== undefined && !pinSchema.safeParse(value).success) return 'invalid';
		if (changes.keys.length === 0) return level === 'write' ? 'ok' : 'readOnly';
		for (const key of changes.keys) {
			const row = await proposalRow(data, key);
			// Whoever arranges the plan may also clear a key that is no proposal (any more).
			if (!row && level === 'write') continue;
			if (!row || row.spaceType !== 'residence' || row.spaceId !== ref.residenceId) return 'readOnly';
			if (!can(actor, 'proposal.pin', proposalResource(row))) return 'readOnly';
		}
		return 'ok';
	};
}
