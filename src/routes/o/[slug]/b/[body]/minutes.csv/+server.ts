import { load as guarded } from '$lib/server/forms';
import { download, minutesCsv } from '$lib/server/minutes/open-data';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	guarded(event, async () => download(minutesCsv(await event.locals.services.minutes.portal.chainFile(event.params.slug, event.params.body)), 'text/csv', `${event.params.body}-minutes.csv`));
