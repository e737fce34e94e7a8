/**
 * Collaborative documents as a service: who may read and write them and which updates are
 * acceptable (access.ts, asking the policy), and their persistence (store.ts: an append-only log,
 * compacted). It knows no socket: the live documents and their sockets belong to the realtime layer
 * (realtime/collab-hub.ts), which loads and persists through here and hears the changes made here
 * (a pin placed through a form, a seeded text) as `collab.changed` signals on the bus.
 */
import * as Y from 'yjs';
import { authorize, proposalResource, type Actor } from '$lib/domain/policy';
import { DESCRIPTION_FIELD, descriptionDocName, PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { eq } from 'drizzle-orm';
import { first } from '../db/data';
import { logAudit } from '../services/audit';
import { UserError } from '../services/errors';
import { parse } from '../services/validate';
import type { ServiceDeps } from '../services/deps';
import { createDocAccess, createUpdateGuard, pinSchema, proposalDescription, type DocAccess, type DocLevel, type Pin, type UpdateGuard } from './access';
import { appendUpdate, compactDocument, documentFromUpdates, fragmentText, loadUpdates, seedDocument } from './store';
import { log } from '../log';

export type { Pin } from './access';

export interface StoreLimits {
	/** Compact a document's log once it holds this many rows... */
	compactAfterUpdates: number;
	/** ...or this many bytes, whichever comes first. */
	compactAfterBytes: number;
}

export const defaultStoreLimits: StoreLimits = { compactAfterUpdates: 500, compactAfterBytes: 1024 * 1024 };

export function createCollabService(deps: ServiceDeps) {
	const { data, clock, bus } = deps;
	let access: DocAccess = createDocAccess(data);
	let guard: UpdateGuard = createUpdateGuard(data);
	let limits: StoreLimits = { ...defaultStoreLimits };
	/**
	 * Log size of the documents open live on this node, to know when to compact. It is this node's
	 * count: updates appended by other nodes are not counted here (each node compacts on what it
	 * wrote; the log stays whole either way, compaction only keeps it short).
	 */
	const sizes = new Map<string, { rows: number; bytes: number }>();

	async function maybeCompact(name: string) {
		const size = sizes.get(name);
		if (!size || (size.rows < limits.compactAfterUpdates && size.bytes < limits.compactAfterBytes)) return;
		try {
			const result = await compactDocument(data, name, clock.now());
			if (sizes.has(name)) sizes.set(name, { rows: 1, bytes: result.bytesAfter });
		} catch (err) {
			// The log is still whole without compaction: try again on the next update.
			log.error('collab compaction failed', { doc: name, err: String(err) });
		}
	}

	/**
	 * Stores an update; one made here (not by a live client) is announced, once written, so open
	 * documents apply it (never inside the unit: on PostgreSQL a unit may run twice).
	 */
	async function store(name: string, update: Uint8Array, from: 'live' | 'service') {
		await appendUpdate(data, name, update, clock.now());
		const size = sizes.get(name);
		if (size) {
			size.rows += 1;
			size.bytes += update.byteLength;
			await maybeCompact(name);
		}
		if (from === 'service') bus.signal('collab.changed', { doc: name, update });
	}

	/** Text a description starts from when its log is empty: the proposal's text as proposed. */
	const initialText = (name: string) => proposalDescription(data, name);

	async function text(name: string): Promise<string> {
		const stored = await loadUpdates(data, name);
		if (stored.updates.length === 0) return (await initialText(name))?.trim() ?? '';
		const doc = documentFromUpdates(stored.updates);
		try {
			return fragmentText(doc.getXmlFragment(DESCRIPTION_FIELD));
		} finally {
			doc.destroy();
		}
	}

	async function seed(name: string, value: string): Promise<boolean> {
		if (!(await seedDocument(data, name, value, clock.now()))) return false;
		const [update] = (await loadUpdates(data, name)).updates;
		if (update) bus.signal('collab.changed', { doc: name, update });
		return true;
	}

	async function mapEntry(name: string, field: string, key: string): Promise<unknown> {
		const doc = documentFromUpdates((await loadUpdates(data, name)).updates);
		try {
			return doc.getMap(field).get(key);
		} finally {
			doc.destroy();
		}
	}

	/** Sets (or with null removes) one key of a map document; open documents receive it like any update. */
	async function setMapEntry(name: string, field: string, key: string, value: unknown) {
		const doc = documentFromUpdates((await loadUpdates(data, name)).updates);
		const before = Y.encodeStateVector(doc);
		if (value === null) doc.getMap(field).delete(key);
		else doc.getMap(field).set(key, value);
		const update = Y.encodeStateAsUpdate(doc, before);
		doc.destroy();
		await store(name, update, 'service');
	}

	return {
		/** Tests swap the resolvers (fixtures instead of the proposals table) and the compaction limits. */
		configure(options: { access?: DocAccess; guard?: UpdateGuard; limits?: Partial<StoreLimits> }) {
			if (options.access) access = options.access;
			if (options.guard) guard = options.guard;
			if (options.limits) limits = { ...limits, ...options.limits };
		},

		// What the live hub asks, with the user as they are now.
		access: (actor: Actor, name: string): Promise<DocLevel> => access(actor, name),
		checkUpdate: (...args: Parameters<UpdateGuard>) => guard(...args),

		/** The stored updates of a document about to be opened live, seeded with its starting text if it has none. */
		async open(name: string): Promise<Uint8Array[]> {
			let stored = await loadUpdates(data, name);
			if (stored.updates.length === 0) {
				const start = await initialText(name);
				if (start) {
					// Seeded here or by another node meanwhile: either way the log now holds the start.
					await seedDocument(data, name, start, clock.now());
					stored = await loadUpdates(data, name);
				}
			}
			sizes.set(name, { rows: stored.updates.length, bytes: stored.bytes });
			await maybeCompact(name);
			return stored.updates;
		},
		/** An update a live client sent, accepted: resolves once it is written, before anyone is told of it. */
		persist: (name: string, update: Uint8Array): Promise<void> => store(name, update, 'live'),
		/** The live document was closed (its last client left). */
		closed: (name: string) => void sizes.delete(name),

		/** Plain text of a description (or minutes section), as stored. */
		text,
		/** Seeds a document with plain text if it has never been written; open editors receive it. */
		seed,
		mapEntry,
		setMapEntry,

		/** Seeds a proposal's description from the propose form's text (idempotent). */
		seedDescription: (proposalId: string, value: string) => seed(descriptionDocName(proposalId), value),
		/** The proposal's current description as plain text (no-JS page, publication). */
		readDescription: (proposalId: string) => text(descriptionDocName(proposalId)),

		/**
		 * Every pin of a residence's site plan, as stored (only well-formed ones), for the plan page as the
		 * server renders it: readers without JavaScript see the pins, and nobody sees them appear late.
		 */
		async pinsOf(actor: Actor | null, residenceId: string): Promise<Record<string, Pin>> {
			authorize(actor, 'space.view', { type: 'residence', id: residenceId });
			const doc = documentFromUpdates((await loadUpdates(data, pinsDocName(residenceId))).updates);
			try {
				const out: Record<string, Pin> = {};
				for (const [id, value] of doc.getMap(PINS_FIELD).entries()) {
					const pin = pinSchema.safeParse(value);
					if (pin.success) out[id] = pin.data;
				}
				return out;
			} finally {
				doc.destroy();
			}
		},

		/** Where a proposal sits on its residence's site plan (relative coordinates), or null. */
		async pinOf(proposalId: string): Promise<Pin | null> {
			const { proposals } = data.t;
			const row = await first(data.db.select({ spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, proposalId)));
			if (!row) return null;
			const value = pinSchema.safeParse(await mapEntry(pinsDocName(row.spaceId), PINS_FIELD, proposalId));
			return value.success ? value.data : null;
		},

		/**
		 * Places (or with null removes) a proposal's pin, if the policy allows `proposal.pin` (its
		 * author, board managers; the live plan's update guard asks the same). Goes into the same
		 * live pins document the plan view edits.
		 */
		async placePin(actor: Actor | null, proposalId: string, input: unknown): Promise<Pin | null> {
			const pin = input === null ? null : parse(pinSchema, input);
			const t = data.t;
			const row = await first(data.db.select().from(t.proposals).where(eq(t.proposals.id, proposalId)));
			if (!row || row.spaceType !== 'residence') throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'proposal.pin', proposalResource(row));
			await setMapEntry(pinsDocName(row.spaceId), PINS_FIELD, proposalId, pin);
			await data.write(() => logAudit(data, clock.now(), actor.id, pin ? 'proposal.pinned' : 'proposal.unpinned', { type: 'proposal', id: proposalId }, { pin }));
			return pin;
		}
	};
}

export type CollabService = ReturnType<typeof createCollabService>;
