import { error } from '@sveltejs/kit';
import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** The printable annual report of a residence or a body: one calendar year, Paris time. */
export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user, locale } = event.locals;
		const { type, id } = event.params;
		if (type !== 'residence' && type !== 'body') error(404, { message: translator(locale)('error.notFound'), code: 'error.notFound' });
		const year = event.url.searchParams.get('year') ?? String(services.deps.clock.now().getFullYear());
		const report = await services.indicators.report(user, { type, id, year });
		return { report, year: Number(report.period.from.slice(0, 4)), generatedAt: services.deps.clock.now() };
	});
