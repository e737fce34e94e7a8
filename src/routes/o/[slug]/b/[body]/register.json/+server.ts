import { load as guarded } from '$lib/server/forms';
import { download, registerJson } from '$lib/server/minutes/open-data';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	guarded(event, async () => {
		const p = await event.locals.services.minutes.portal.body(event.params.slug, event.params.body);
		return download(`${JSON.stringify(registerJson({ id: p.body.id, name: p.body.name }, p.register), null, 2)}\n`, 'application/json', `${event.params.body}-register.json`);
	});
