import { can } from '$lib/domain/policy';
import { load as guarded } from '$lib/server/forms';
import { manageActions } from '$lib/server/votes/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, () => {
		const { services, user } = event.locals;
		const view = services.consultations.view(user, event.params.cid);
		const space = { type: view.space.type, id: view.space.id };
		return {
			...view,
			electors: can(user, 'vote.recordOnBehalf', space) ? services.consultations.electors(user, event.params.cid) : []
		};
	});

export const actions: Actions = manageActions;
