import { load as guarded } from '$lib/server/forms';
import { download, registerCsv } from '$lib/server/minutes/open-data';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	guarded(event, async () => download(registerCsv((await event.locals.services.minutes.portal.body(event.params.slug, event.params.body)).register), 'text/csv', `${event.params.body}-register.csv`));
