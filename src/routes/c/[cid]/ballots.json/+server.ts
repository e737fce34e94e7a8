import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** The anonymised ballots of a closed consultation, for `npm run recount -- ballots.json`. */
export const GET: RequestHandler = async (event) => {
	const file = await guarded(event, () => event.locals.services.consultations.exportFile(event.locals.user, event.params.cid));
	return new Response(`${JSON.stringify(file, null, 2)}\n`, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="ballots-${event.params.cid}.json"`,
			'x-content-type-options': 'nosniff'
		}
	});
};
