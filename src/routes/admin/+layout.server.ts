import { error } from '@sveltejs/kit';
import { can, platform } from '$lib/domain/policy';
import { translator } from '$lib/i18n';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	if (!can(locals.user, 'platform.manage', platform))
		error(locals.user ? 403 : 401, { message: translator(locals.locale)(locals.user ? 'error.forbidden' : 'error.signInRequired') });
};
