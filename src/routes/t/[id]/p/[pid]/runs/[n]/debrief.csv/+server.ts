import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** The debrief's figures as CSV, column headers and labels in the reader's language. */
export const GET: RequestHandler = async (event) => {
	const t = translator(event.locals.locale);
	const n = /^\d{1,4}$/.test(event.params.n) ? Number(event.params.n) : -1;
	const file = await guarded(event, () =>
		event.locals.services.practice.debriefCsv(event.locals.user, event.params.pid, n, (key) => t(`practice.csv.${key}` as never))
	);
	return new Response(file.body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${file.filename}"`,
			'cache-control': 'private, no-store'
		}
	});
};
