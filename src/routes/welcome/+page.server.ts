import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { username: locals.user.username, spaces: locals.services.spaces.mySpaces(locals.user) };
};
