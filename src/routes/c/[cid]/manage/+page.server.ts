import { load as guarded } from '$lib/server/forms';
import { manageActions } from '$lib/server/votes/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const view = await services.consultations.view(user, event.params.cid);
		// The view carries what the policy allows this person here; the services decide again on each list.
		const records = view.can.recordOnBehalf;
		return {
			...view,
			electors: records ? await services.consultations.electors(user, event.params.cid) : [],
			assistedVotes: records ? await services.consultations.assistedList(user, event.params.cid) : null
		};
	});

export const actions: Actions = manageActions;
