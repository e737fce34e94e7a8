import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const board = await services.proposals.board(user, event.params.id);
		const residence = await services.spaces.residence(user, event.params.id);
		return {
			residence: { id: residence.residence.id, name: residence.residence.name, sitePlanPath: residence.residence.sitePlanPath },
			canManage: residence.can.manage,
			// Hidden proposals are shown to moderators only; the pins page follows the board.
			proposals: board.cards.filter((c) => c.status !== 'declined' && (!c.hidden || board.can.moderate)).map((c) => ({ id: c.id, title: c.title })),
			canPlace: board.can.move
		};
	});
