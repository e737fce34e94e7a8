import { listLoad } from '$lib/server/votes/routes';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => listLoad(event, 'residence');
