import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** Public: no account; only a real body whose portal is public and whose rules make its meetings public. */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.meetings.publicLiveOf(event.params.slug, event.params.body));
