import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** Ideas not placed yet that the plan lists to those who place pins, in the board's order (the others are placed from their own page). */
const UNPLACED = 50;

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const board = await services.proposals.board(user, event.params.id);
		const residence = await services.spaces.residence(user, event.params.id);
		const pins = await services.collab.pinsOf(user, event.params.id);
		const canPlace = board.can.move;
		// Hidden proposals are shown to moderators only; the pins page follows the board. Those who place
		// pins get the placed ideas and the first others (to place them); readers only the placed ones: a
		// board of 800 ideas listed 800 "not placed yet" to each of them.
		const onPlan = board.cards.filter((c) => c.status !== 'declined' && (!c.hidden || board.can.moderate));
		const unplaced = canPlace ? onPlan.filter((c) => !pins[c.id]) : [];
		const listed = new Set(unplaced.slice(0, UNPLACED).map((c) => c.id));
		const shown = onPlan.filter((c) => pins[c.id] || listed.has(c.id));
		return {
			residence: { id: residence.residence.id, name: residence.residence.name, sitePlanPath: residence.residence.sitePlanPath },
			canManage: residence.can.manage,
			proposals: shown.map((c) => ({ id: c.id, title: c.title })),
			pins: Object.fromEntries(shown.flatMap((c) => (pins[c.id] ? [[c.id, pins[c.id]!]] : []))),
			/** Ideas not placed yet that are not listed. */
			unlisted: unplaced.length - listed.size,
			canPlace
		};
	});
