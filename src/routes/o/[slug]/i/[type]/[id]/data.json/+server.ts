import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import { reportOpenData } from '$lib/server/services/indicators/exports';
import { reportInput } from '$lib/server/services/indicators/input';
import type { RequestHandler } from './$types';

/** Open data of the published indicators only (`indicators/v1`, schema at /indicators/schema.json). */
export const GET: RequestHandler = async (event) => {
	const { services, locale } = event.locals;
	const report = await guarded(event, () => services.indicators.publicReport(event.params.slug, reportInput(event.params, event.url)));
	const body = reportOpenData(report, translator(locale), services.deps.clock.now());
	return new Response(`${JSON.stringify(body, null, 2)}\n`, {
		headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=300' }
	});
};
