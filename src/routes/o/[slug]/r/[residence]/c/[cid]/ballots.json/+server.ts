import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** No account: the anonymised ballots of a closed vote of a residence that publishes them, for `npm run recount -- ballots.json`. */
export const GET: RequestHandler = async (event) => {
	const file = await guarded(event, () => event.locals.services.portal.ballots(event.params.slug, event.params.residence, event.params.cid));
	return new Response(`${JSON.stringify(file, null, 2)}\n`, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="ballots-${event.params.cid.replace(/[^A-Za-z0-9_-]/g, '')}.json"`,
			'x-content-type-options': 'nosniff'
		}
	});
};
