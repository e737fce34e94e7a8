import { registerActions, registerLoad } from '$lib/server/register/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = registerLoad('residence');
export const actions: Actions = registerActions;
