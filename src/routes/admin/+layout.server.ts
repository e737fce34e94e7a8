import { error } from '@sveltejs/kit';
import { canGlobal } from '$lib/domain/policy';
import { translator } from '$lib/i18n';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	if (!canGlobal(locals.user, 'platform.manage'))
		error(locals.user ? 403 : 401, { message: translator(locals.locale)(locals.user ? 'error.forbidden' : 'error.signInRequired') });
};
