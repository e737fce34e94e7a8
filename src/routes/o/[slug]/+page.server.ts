import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** Public: no account needed, no personal data. */
export const load: PageServerLoad = (event) =>
	guarded(event, async () => ({
		...(await event.locals.services.spaces.publicOrganisation(event.params.slug)),
		// The residences and bodies that publish indicators (issue 14).
		publishedIndicators: await event.locals.services.indicators.portalList(event.params.slug)
	}));
