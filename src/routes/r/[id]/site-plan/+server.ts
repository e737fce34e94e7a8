import { error } from '@sveltejs/kit';
import { readFileSync } from 'node:fs';
import { ForbiddenError } from '$lib/domain/policy';
import { translator } from '$lib/i18n';
import type { RequestHandler } from './$types';

/** Members only: a site plan shows where people live. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const t = translator(locals.locale);
	let file: string | null;
	try {
		file = await locals.services.admin.sitePlanFile(locals.user, params.id);
	} catch (err) {
		if (err instanceof ForbiddenError) error(locals.user ? 403 : 401, { message: t(locals.user ? 'error.forbidden' : 'error.signInRequired') });
		throw err;
	}
	if (!file) error(404, { message: t('error.notFound') });
	return new Response(readFileSync(file), {
		headers: { 'content-type': 'image/webp', 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' }
	});
};
