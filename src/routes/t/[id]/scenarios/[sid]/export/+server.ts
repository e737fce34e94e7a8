import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** The scenario as its JSON file, to share with another organisation. */
export const GET: RequestHandler = async (event) => {
	const file = await guarded(event, () => event.locals.services.practice.exportScenario(event.locals.user, event.params.id, event.params.sid));
	return new Response(file.body, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${file.filename}"`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-store'
		}
	});
};
