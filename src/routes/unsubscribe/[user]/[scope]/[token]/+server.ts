import { error, text } from '@sveltejs/kit';
import { translator } from '$lib/i18n';
import { UserError } from '$lib/server/services/errors';
import type { RequestHandler } from './$types';

/**
 * RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` here from its own servers
 * (no cookie, no Origin; not asking for HTML, so SvelteKit routes it here rather than to the page's
 * form action). The answer is plain: 200 done, 404 for a link that is not ours.
 */
export const POST: RequestHandler = async ({ params, locals }) => {
	const t = translator(locals.locale);
	try {
		const { scope } = await locals.services.mail.unsubscribe({ userId: params.user, scope: params.scope, token: params.token });
		return text(t('unsubscribe.done', { kind: t(`mail.kind.${scope}`) }));
	} catch (err) {
		if (err instanceof UserError) error(404, t('mail.error.invalidLink'));
		throw err;
	}
};
