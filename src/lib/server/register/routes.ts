/** The register pages of a body and of a residence share their load and their actions. */
import type { RequestEvent } from '@sveltejs/kit';
import type { SpaceRef } from '$lib/domain/policy';
import { translator } from '$lib/i18n';
import { act, load as guarded } from '../forms';

type Event = RequestEvent<{ id: string }>;

function fields(data: FormData): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of data) if (typeof v === 'string') out[k] = v;
	return out;
}

export function registerLoad(type: SpaceRef['type']) {
	return (event: Event) =>
		guarded(event, async () => {
			const space = { type, id: event.params.id };
			const register = await event.locals.services.register.list(event.locals.user, space);
			const s = event.locals.services.spaces;
			const name = type === 'body' ? (await s.body(event.locals.user, space.id)).body.name : (await s.residence(event.locals.user, space.id)).residence.name;
			const portal = type === 'body' ? await event.locals.services.minutes.settings(event.locals.user, space.id) : null;
			const residencePortal = type === 'residence' ? await event.locals.services.portal.settings(event.locals.user, space.id) : null;
			return { space, name, ...register, portal, residencePortal, now: Date.now() };
		});
}

const ok = (event: Event, key: 'register.saved') => ({ success: translator(event.locals.locale)(key) });

export const registerActions = {
	followUp: async (event: Event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.register.update(event.locals.user, fields(data));
			return ok(event, 'register.saved');
		});
	},
	milestone: async (event: Event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.register.addMilestone(event.locals.user, fields(data));
			return ok(event, 'register.saved');
		});
	},
	milestoneDone: async (event: Event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.register.setMilestoneDone(event.locals.user, { ...fields(data), done: data.get('done') === 'true' });
			return ok(event, 'register.saved');
		});
	},
	portal: async (event: Event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.minutes.saveSettings(event.locals.user, { bodyId: event.params.id, portalPublic: data.get('portalPublic') === 'on', chairMayAdopt: data.get('chairMayAdopt') === 'on', amendmentDays: data.get('amendmentDays') ?? '' });
			return ok(event, 'register.saved');
		});
	},
	residencePortal: async (event: Event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.portal.saveSettings(event.locals.user, { residenceId: event.params.id, resultsPublic: data.get('resultsPublic') === 'on' });
			return ok(event, 'register.saved');
		});
	},
	consent: async (event: Event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.minutes.setConsent(event.locals.user, { bodyId: event.params.id, consent: data.get('consent') === 'true' });
			return ok(event, 'register.saved');
		});
	}
};
