import { load as guarded } from '$lib/server/forms';
import { reportInput } from '$lib/server/services/indicators/input';
import type { PageServerLoad } from './$types';

/** Public: a residence's or a body's published indicators, no account needed; 404 when nothing is published. */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.indicators.publicReport(event.params.slug, reportInput(event.params, event.url)));
