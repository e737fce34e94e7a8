import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({
	spaces: locals.services.spaces.mySpaces(locals.user),
	organisations: locals.services.spaces.publicOrganisations()
});
