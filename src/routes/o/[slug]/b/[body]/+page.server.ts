import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** Public: no account; only what the body made public, never a practice body. */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.minutes.portal.body(event.params.slug, event.params.body));
