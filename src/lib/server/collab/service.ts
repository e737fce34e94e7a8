import { descriptionDocName } from '$lib/realtime/collab-events';
import type { ServiceDeps } from '../services/deps';
import type { IoServer } from '../realtime/hub';
import type { Services } from '../services';
import { createDocAccess, proposalDescription, type DocAccess } from './access';
import { createCollabHub } from './hub';

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
		initialText: (docName) => proposalDescription(deps.db, docName)
	});
	return {
		hub,
		/** Seeds a proposal's description from the propose form's text (idempotent). */
		seedDescription: (proposalId: string, text: string) => hub.seed(descriptionDocName(proposalId), text),
		/** The proposal's current description as plain text (no-JS page, publication). */
		readDescription: (proposalId: string) => hub.text(descriptionDocName(proposalId))
	};
}

export type CollabService = ReturnType<typeof createCollabService>;

/** Serves collaborative documents on a socket.io server; `access` replaces the resolver (tests). */
export function attachCollab(io: IoServer, services: Services, access?: DocAccess) {
	services.collab.hub.attach(io, access);
}
