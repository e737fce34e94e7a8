import { eq } from 'drizzle-orm';
import { authorize, proposalResource, type Actor } from '$lib/domain/policy';
import { descriptionDocName, PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { transaction } from '../db';
import { proposals } from '../db/schema';
import { audit } from '../services/audit';
import { UserError } from '../services/errors';
import { parse } from '../services/validate';
import type { ServiceDeps } from '../services/deps';
import { createDocAccess, createUpdateGuard, pinSchema, proposalDescription, type Pin } from './access';
import { createCollabHub } from './hub';

export type { Pin } from './access';

/**
 * Collaborative documents as a service: the hub (one per process) and what pages need from it.
 * Authorisation of live editing happens in the hub; these helpers are for the proposal service and
 * page loads, which have already authorised the reader.
 */
export function createCollabService(deps: ServiceDeps) {
	const hub = createCollabHub({
		db: deps.db,
		clock: deps.clock,
		access: createDocAccess(deps.db),
		guard: createUpdateGuard(deps.db),
		initialText: (docName) => proposalDescription(deps.db, docName)
	});
	return {
		hub,
		/** Seeds a proposal's description from the propose form's text (idempotent). */
		seedDescription: (proposalId: string, text: string) => hub.seed(descriptionDocName(proposalId), text),
		/** The proposal's current description as plain text (no-JS page, publication). */
		readDescription: (proposalId: string) => hub.text(descriptionDocName(proposalId)),

		/** Where a proposal sits on its residence's site plan (relative coordinates), or null. */
		pinOf(proposalId: string): Pin | null {
			const row = deps.db.select({ spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, proposalId)).get();
			if (!row) return null;
			const value = pinSchema.safeParse(hub.mapEntry(pinsDocName(row.spaceId), PINS_FIELD, proposalId));
			return value.success ? value.data : null;
		},

		/**
		 * Places (or with null removes) a proposal's pin, if the policy allows `proposal.pin` (its
		 * author, board managers; the live plan's update guard asks the same). Goes into the same
		 * live pins document the plan view edits.
		 */
		placePin(actor: Actor | null, proposalId: string, input: unknown): Pin | null {
			const pin = input === null ? null : parse(pinSchema, input);
			const row = deps.db.select().from(proposals).where(eq(proposals.id, proposalId)).get();
			if (!row || row.spaceType !== 'residence') throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'proposal.pin', proposalResource(row));
			hub.setMapEntry(pinsDocName(row.spaceId), PINS_FIELD, proposalId, pin);
			transaction(deps.db, (tx) => audit(tx, deps.clock.now(), actor.id, pin ? 'proposal.pinned' : 'proposal.unpinned', { type: 'proposal', id: proposalId }, { pin }));
			return pin;
		}
	};
}

export type CollabService = ReturnType<typeof createCollabService>;
