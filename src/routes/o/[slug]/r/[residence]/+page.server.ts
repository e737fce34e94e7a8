import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** Public: no account; only a real residence that chose to publish its closed votes. */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.portal.residence(event.params.slug, event.params.residence));
