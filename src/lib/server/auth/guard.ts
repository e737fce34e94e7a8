import { fail, type RequestEvent } from '@sveltejs/kit';
import { can, platform } from '$lib/domain/policy';
import { translator } from '$lib/i18n';
import type { FormFailure } from '../forms';

type Action = (event: RequestEvent) => unknown;

/**
 * Form actions of the administration pages. A layout's `load` does not run for a form post, so
 * each action asks the policy itself before doing anything (wave 2: a facilitator posted to
 * `/admin/users?/assign` and the action only checked `space.manage`). The services check again.
 */
export function adminActions<T extends Record<string, Action>>(actions: T): T {
	const guarded: Record<string, Action> = {};
	for (const [name, action] of Object.entries(actions))
		guarded[name] = (event) => {
			const { user, locale } = event.locals;
			if (!can(user, 'platform.manage', platform)) {
				const t = translator(locale);
				return fail(user ? 403 : 401, { error: t(user ? 'error.forbidden' : 'error.signInRequired'), fields: {}, values: {} } satisfies FormFailure);
			}
			return action(event);
		};
	return guarded as T;
}
