import { translator } from '$lib/i18n';
import { act, load as guarded } from '$lib/server/forms';
import { ValidationError } from '$lib/server/services/validate';
import { reportInput } from '$lib/server/services/indicators/input';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user, locale } = event.locals;
		const input = reportInput(event.params, event.url);
		// What the portal shows, for those who choose it (the service asks the policy again).
		const publication = async (can: boolean) => (can ? services.indicators.publication(user, { type: input.type, id: input.id }) : null);
		try {
			const report = await services.indicators.report(user, input);
			return { report, publication: await publication(report.can.publish), periodError: null, asked: { from: input.from ?? '', to: input.to ?? '' } };
		} catch (err) {
			// A crafted period: say what is wrong and show the default period instead.
			if (!(err instanceof ValidationError) || !('from' in err.fields || 'to' in err.fields)) throw err;
			const report = await services.indicators.report(user, { ...input, from: undefined, to: undefined });
			const key = err.fields.from ?? err.fields.to!;
			return { report, publication: await publication(report.can.publish), periodError: translator(locale)(key), asked: { from: input.from ?? '', to: input.to ?? '' } };
		}
	});

export const actions: Actions = {
	publish: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const chosen = data.getAll('indicator').filter((v): v is string => typeof v === 'string');
			const { published } = await event.locals.services.indicators.publish(event.locals.user, { type: event.params.type, id: event.params.id, indicators: chosen });
			return { saved: published.length };
		});
	}
};
