/**
 * Collaborative documents as a service: who may read and write them and which updates are
 * acceptable (access.ts, asking the policy), and their persistence (store.ts: an append-only log,
 * compacted). It knows no socket: the live documents and their sockets belong to the realtime layer
 * (realtime/collab-hub.ts), which loads and persists through here and hears the changes made here
 * (a pin placed through a form, a seeded text) as `collab.changed` signals on the bus.
 */
import * as Y from 'yjs';
import { authorize, proposalResource, type Actor } from '$lib/domain/policy';
import { descriptionDocName, PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { eq } from 'drizzle-orm';
import { proposals } from '../db/schema';
import { first } from '../db/data';
import { logAudit } from '../services/audit';
import { UserError } from '../services/errors';
import { parse } from '../services/validate';
import type { ServiceDeps } from '../services/deps';
import { createDocAccess, createUpdateGuard, pinSchema, proposalDescription, type DocAccess, type DocLevel, type Pin, type UpdateGuard } from './access';
import { appendUpdate, compactDocument, documentFromUpdates, loadUpdates, readDocumentText, seedDocument } from './store';
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
	const { db, clock, bus } = deps;
	let access: DocAccess = createDocAccess(db, deps.data);
	let guard: UpdateGuard = createUpdateGuard(db);
	let limits: StoreLimits = { ...defaultStoreLimits };
	/** Log size of the documents open live, to know when to compact. */
	const sizes = new Map<string, { rows: number; bytes: number }>();

	function maybeCompact(name: string) {
		const size = sizes.get(name);
		if (!size || (size.rows < limits.compactAfterUpdates && size.bytes < limits.compactAfterBytes)) return;
		try {
			const result = compactDocument(db, name, clock.now());
			sizes.set(name, { rows: 1, bytes: result.bytesAfter });
		} catch (err) {
			// The log is still whole without compaction: try again on the next update.
			log.error('collab compaction failed', { doc: name, err: String(err) });
		}
	}

	/** Stores an update; one made here (not by a live client) is announced so open documents apply it. */
	function store(name: string, update: Uint8Array, from: 'live' | 'service') {
		appendUpdate(db, name, update, clock.now());
		const size = sizes.get(name);
		if (size) {
			size.rows += 1;
			size.bytes += update.byteLength;
			maybeCompact(name);
		}
		if (from === 'service') bus.signal('collab.changed', { doc: name, update });
	}

	/** Text a description starts from when its log is empty: the proposal's text as proposed. */
	const initialText = (name: string) => proposalDescription(db, name);

	function text(name: string): string {
		const current = readDocumentText(db, name);
		return current === '' && loadUpdates(db, name).updates.length === 0 ? (initialText(name)?.trim() ?? '') : current;
	}

	function seed(name: string, value: string): boolean {
		if (!seedDocument(db, name, value, clock.now())) return false;
		const [update] = loadUpdates(db, name).updates;
		if (update) bus.signal('collab.changed', { doc: name, update });
		return true;
	}

	function mapEntry(name: string, field: string, key: string): unknown {
		return documentFromUpdates(loadUpdates(db, name).updates).getMap(field).get(key);
	}

	/** Sets (or with null removes) one key of a map document; open documents receive it like any update. */
	function setMapEntry(name: string, field: string, key: string, value: unknown) {
		const doc = documentFromUpdates(loadUpdates(db, name).updates);
		const before = Y.encodeStateVector(doc);
		if (value === null) doc.getMap(field).delete(key);
		else doc.getMap(field).set(key, value);
		store(name, Y.encodeStateAsUpdate(doc, before), 'service');
		doc.destroy();
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
		open(name: string): Uint8Array[] {
			let stored = loadUpdates(db, name);
			if (stored.updates.length === 0) {
				const start = initialText(name);
				if (start && seedDocument(db, name, start, clock.now())) stored = loadUpdates(db, name);
			}
			sizes.set(name, { rows: stored.updates.length, bytes: stored.bytes });
			maybeCompact(name);
			return stored.updates;
		},
		/** An update a live client sent, accepted: written before anyone is told of it. */
		persist: (name: string, update: Uint8Array) => store(name, update, 'live'),
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

		/** Where a proposal sits on its residence's site plan (relative coordinates), or null. */
		pinOf(proposalId: string): Pin | null {
			const row = db.select({ spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, proposalId)).get();
			if (!row) return null;
			const value = pinSchema.safeParse(mapEntry(pinsDocName(row.spaceId), PINS_FIELD, proposalId));
			return value.success ? value.data : null;
		},

		/**
		 * Places (or with null removes) a proposal's pin, if the policy allows `proposal.pin` (its
		 * author, board managers; the live plan's update guard asks the same). Goes into the same
		 * live pins document the plan view edits.
		 */
		async placePin(actor: Actor | null, proposalId: string, input: unknown): Promise<Pin | null> {
			const pin = input === null ? null : parse(pinSchema, input);
			const t = deps.data.t;
			const row = await first(deps.data.db.select().from(t.proposals).where(eq(t.proposals.id, proposalId)));
			if (!row || row.spaceType !== 'residence') throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'proposal.pin', proposalResource(row));
			setMapEntry(pinsDocName(row.spaceId), PINS_FIELD, proposalId, pin);
			await deps.data.write(() => logAudit(deps.data, clock.now(), actor.id, pin ? 'proposal.pinned' : 'proposal.unpinned', { type: 'proposal', id: proposalId }, { pin }));
			return pin;
		}
	};
}

export type CollabService = ReturnType<typeof createCollabService>;
