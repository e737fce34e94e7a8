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
			// Beyond 100 people who have not voted, the form asks for a name first (?qui=…, without JavaScript too).
			electors: records ? await services.consultations.electorsToRecord(user, event.params.cid, event.url.searchParams.get('qui') ?? '') : { list: [], waiting: 0, matches: 0, search: false, q: '' },
			assistedVotes: records ? await services.consultations.assistedList(user, event.params.cid) : null
		};
	});

export const actions: Actions = manageActions;
