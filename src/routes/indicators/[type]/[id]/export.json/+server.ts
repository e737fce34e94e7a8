import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import { reportOpenData } from '$lib/server/services/indicators/exports';
import { reportInput } from '$lib/server/services/indicators/input';
import type { RequestHandler } from './$types';

/** Open data (`indicators/v1`, schema at /indicators/schema.json). */
export const GET: RequestHandler = async (event) => {
	const { services, user, locale } = event.locals;
	const report = await guarded(event, () => services.indicators.report(user, reportInput(event.params, event.url)));
	const body = reportOpenData(report, translator(locale), services.deps.clock.now());
	return new Response(`${JSON.stringify(body, null, 2)}\n`, {
		headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'private, no-store' }
	});
};
