import { createAction, newLoad } from '$lib/server/votes/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => newLoad(event, 'residence');

export const actions: Actions = { create: createAction('residence') };
