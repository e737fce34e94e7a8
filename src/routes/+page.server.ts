import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	spaces: await locals.services.spaces.mySpaces(locals.user),
	organisations: await locals.services.spaces.publicOrganisations()
});
