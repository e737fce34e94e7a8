import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.consultations.results(event.locals.user, event.params.cid));
