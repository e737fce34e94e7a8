import { error } from '@sveltejs/kit';
import { adminActions } from '$lib/server/auth/guard';
import { act } from '$lib/server/forms';
import { translator } from '$lib/i18n';
import type { Actions, PageServerLoad } from './$types';

/** "Bâtiment A; 40" per line → { name, dwellings }. Lines that do not parse are reported by the schema. */
function parseLines(text: string, keys: string[]) {
	return text
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean)
		.map((line) => Object.fromEntries(line.split(';').map((part, i) => [keys[i] ?? `extra${i}`, part.trim()])));
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const org = await locals.services.admin.organisationDetail(locals.user, params.id);
	if (!org) error(404, { message: translator(locals.locale)('error.notFound') });
	return org;
};

export const actions: Actions = adminActions({
	createAgency: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.admin.createAgency(event.locals.user, { organisationId: event.params.id, name: data.get('name') });
			return { created: String(data.get('name')) };
		});
	},
	createResidence: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const r = await event.locals.services.admin.createResidence(event.locals.user, {
				organisationId: event.params.id,
				agencyId: data.get('agencyId') || undefined,
				name: data.get('name'),
				city: data.get('city') ?? '',
				address: data.get('address') ?? '',
				buildings: parseLines(String(data.get('buildings') ?? ''), ['name', 'dwellings'])
			});
			return { created: r.name };
		});
	},
	createBody: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const colleges = parseLines(String(data.get('colleges') ?? ''), ['name', 'weight', 'seats']).map((c) => ({
				...c,
				// Weights are typed as percentages by people ("25"), stored as fractions.
				weight: c.weight ? Number(String(c.weight).replace(',', '.').replace('%', '')) / 100 : undefined
			}));
			const b = await event.locals.services.admin.createBody(event.locals.user, {
				organisationId: event.params.id,
				name: data.get('name'),
				description: data.get('description') ?? '',
				colleges
			});
			return { created: b.name };
		});
	},
	createTraining: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const s = await event.locals.services.admin.createTrainingSession(event.locals.user, { organisationId: event.params.id, name: data.get('name') });
			return { created: s.name };
		});
	}
});
