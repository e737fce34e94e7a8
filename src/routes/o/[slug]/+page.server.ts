import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** Public: no account needed, no personal data. */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.spaces.publicOrganisation(event.params.slug));
