import { act, load as guarded } from '$lib/server/forms';
import { requireBeforeUpload } from '$lib/server/http/body';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const { searchParams } = event.url;
		const view = await services.spaces.residence(user, event.params.id, { page: searchParams.get('page') ?? undefined, q: searchParams.get('q') ?? undefined });
		return {
			...view,
			joinCodes: view.can.invite ? await services.admin.listJoinCodes(user, event.params.id) : [],
			// Counted, not read: no card is built (perColumn 0).
			boardCount: Object.values((await services.proposals.board(user, event.params.id, { perColumn: 0 })).columns).reduce((a, b) => a + b, 0),
			openVotes: (await services.consultations.list(user, { type: 'residence', id: event.params.id })).items.filter((c) => c.status === 'open').length,
			overdue: await services.register.overdue(user, { type: 'residence', id: event.params.id })
		};
	});

export const actions: Actions = {
	createCode: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const row = await event.locals.services.admin.createJoinCode(event.locals.user, { residenceId: event.params.id, validDays: data.get('validDays') || undefined });
			return { createdCode: row.code };
		});
	},
	revokeCode: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.admin.revokeJoinCode(event.locals.user, String(data.get('code') ?? ''));
			return { revoked: true };
		});
	},
	sitePlan: async (event) => {
		requireBeforeUpload(event, 'space.manage', { type: 'residence', id: event.params.id });
		const data = await event.request.formData();
		return act(event, data, async () => {
			const file = data.get('plan');
			const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
			await event.locals.services.admin.setSitePlan(event.locals.user, event.params.id, bytes);
			return { sitePlanSaved: true };
		});
	},
	resetAccess: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const userId = String(data.get('userId') ?? '');
			const { code, expiresAt } = await event.locals.services.auth.createAccessReset(event.locals.user, userId);
			return { reset: { userId, code, expiresAt } };
		});
	}
};
