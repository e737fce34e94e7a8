import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** The same ballots as a spreadsheet: one row per ballot. */
export const GET: RequestHandler = async (event) => {
	const csv = await guarded(event, () => event.locals.services.consultations.exportCsv(event.locals.user, event.params.cid));
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="ballots-${event.params.cid}.csv"`,
			'x-content-type-options': 'nosniff'
		}
	});
};
