import { createAction, newLoad } from '$lib/server/votes/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => newLoad(event, 'body');

export const actions: Actions = { create: createAction('body') };
