import { load as guarded } from '$lib/server/forms';
import { ballotFileToCsv } from '$lib/server/services/consultations';
import type { RequestHandler } from './$types';

/** No account: the same ballots as a spreadsheet, one row per ballot. */
export const GET: RequestHandler = async (event) => {
	const file = await guarded(event, () => event.locals.services.portal.ballots(event.params.slug, event.params.residence, event.params.cid));
	return new Response(ballotFileToCsv(file), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="ballots-${event.params.cid.replace(/[^A-Za-z0-9_-]/g, '')}.csv"`,
			'x-content-type-options': 'nosniff'
		}
	});
};
