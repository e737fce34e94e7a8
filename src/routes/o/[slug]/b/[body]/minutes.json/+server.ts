import { load as guarded } from '$lib/server/forms';
import { download } from '$lib/server/minutes/open-data';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	guarded(event, async () => {
		const file = await event.locals.services.minutes.portal.chainFile(event.params.slug, event.params.body);
		return download(`${JSON.stringify(file, null, 2)}\n`, 'application/json', `${event.params.body}-minutes-chain.json`);
	});
