import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const board = await services.proposals.board(user, event.params.id);
		const residence = await services.spaces.residence(user, event.params.id);
		const pins = await services.collab.pinsOf(user, event.params.id);
		const canPlace = board.can.move;
		// Hidden proposals are shown to moderators only; the pins page follows the board. Those who place
		// pins get every idea (to place the others); readers only those on the plan: a board of 800 ideas
		// listed 800 "not placed yet" to each of them.
		const shown = board.cards.filter((c) => c.status !== 'declined' && (!c.hidden || board.can.moderate) && (canPlace || pins[c.id]));
		return {
			residence: { id: residence.residence.id, name: residence.residence.name, sitePlanPath: residence.residence.sitePlanPath },
			canManage: residence.can.manage,
			proposals: shown.map((c) => ({ id: c.id, title: c.title })),
			pins: Object.fromEntries(shown.flatMap((c) => (pins[c.id] ? [[c.id, pins[c.id]!]] : []))),
			canPlace
		};
	});
