import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import { ValidationError } from '$lib/server/services/validate';
import { reportInput } from '$lib/server/services/indicators/input';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user, locale } = event.locals;
		const input = reportInput(event.params, event.url);
		try {
			return { report: await services.indicators.report(user, input), periodError: null, asked: { from: input.from ?? '', to: input.to ?? '' } };
		} catch (err) {
			// A crafted period: say what is wrong and show the default period instead.
			if (!(err instanceof ValidationError) || !('from' in err.fields || 'to' in err.fields)) throw err;
			const report = await services.indicators.report(user, { ...input, from: undefined, to: undefined });
			const key = err.fields.from ?? err.fields.to!;
			return { report, periodError: translator(locale)(key), asked: { from: input.from ?? '', to: input.to ?? '' } };
		}
	});
