import { and, eq } from 'drizzle-orm';
import { loadActor } from '../auth/session';
import { first } from '../db/data';
import type { Services } from '../services';

/**
 * Issue 8 on the demo board: a neighbour has reworded her comment (shown "modifié"), as people do
 * after a second thought. Goes through the service, so the audit log holds the first wording.
 */
const GARDEN_COMMENT = 'L’amicale peut prêter des outils et des graines pour commencer.';

export async function seedBoardTrust(services: Services, userIds: ReadonlyMap<string, string>) {
	const { data } = services.deps;
	const { proposalComments } = data.t;
	const josianeId = userIds.get('josiane');
	const josiane = josianeId ? await loadActor(services.deps.data, josianeId) : null;
	if (!josiane) return;
	const mine = await first(
		data.db
			.select({ id: proposalComments.id, body: proposalComments.body })
			.from(proposalComments)
			// Her comment on the shared-garden idea, found by its words (other seeds add comments of hers too).
			.where(and(eq(proposalComments.authorId, josiane.id), eq(proposalComments.body, GARDEN_COMMENT)))
	);
	if (!mine) return;
	await services.proposals.editComment(josiane, { commentId: mine.id, body: `${mine.body} Le samedi matin, c’est le mieux pour nous.` });
}
