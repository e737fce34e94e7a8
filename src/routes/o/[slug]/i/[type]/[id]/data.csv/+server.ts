import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import { reportCsv } from '$lib/server/services/indicators/exports';
import { reportInput } from '$lib/server/services/indicators/input';
import type { RequestHandler } from './$types';

/** The published indicators as CSV, for anyone: the same cut-down report as the public page. */
export const GET: RequestHandler = async (event) => {
	const report = await guarded(event, () => event.locals.services.indicators.publicReport(event.params.slug, reportInput(event.params, event.url)));
	return new Response(reportCsv(report, translator(event.locals.locale)), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="indicators-${report.scope.type}-${report.period.from}-${report.period.to}.csv"`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'public, max-age=300'
		}
	});
};
