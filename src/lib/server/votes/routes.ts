/**
 * Loads and form actions shared by the residence and body consultation routes, and by the vote
 * screen. Routes stay thin: they call these, which call the consultations service.
 */
import { fail, isActionFailure, redirect, type ActionFailure, type Cookies, type RequestEvent } from '@sveltejs/kit';
import { ballotFromForm, createInputFromForm, MAX_OPTIONS, parseLocalDateTime } from '$lib/domain/consultations';
import { act, formText, load as guarded, type FormFailure } from '../forms';
import { requireBeforeUpload } from '../http/body';
import { reencodePhoto } from '../uploads/photos';

type SpaceKind = 'residence' | 'body';

/** The secret of a secret ballot lives in a cookie scoped to its consultation (and, for a proxy, to the giver). */
export const secretCookie = (consultationId: string, forUser?: string) => `ballot_${consultationId}${forUser ? `_${forUser}` : ''}`;

export function rememberSecret(event: RequestEvent, consultationId: string, secret: string, forUser?: string) {
	event.cookies.set(secretCookie(consultationId, forUser), secret, {
		path: `/c/${consultationId}`,
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		maxAge: 365 * 24 * 3600
	});
}

export const readSecret = (cookies: Cookies, consultationId: string, forUser?: string) => cookies.get(secretCookie(consultationId, forUser));

export function listLoad(event: RequestEvent, type: SpaceKind) {
	return guarded(event, async () => {
		const { services, user } = event.locals;
		const id = event.params.id!;
		const space = type === 'residence' ? await services.spaces.residence(user, id) : await services.spaces.body(user, id);
		const name = 'residence' in space ? space.residence.name : space.body.name;
		return { space: { type, id, name }, ...(await services.consultations.list(user, { type, id })) };
	});
}

export function newLoad(event: RequestEvent, type: SpaceKind) {
	return guarded(event, async () => {
		const { services, user } = event.locals;
		const id = event.params.id!;
		if (type === 'residence') {
			const r = await services.spaces.residence(user, id);
			const proposals = (await services.proposals.board(user, id)).cards.filter((c) => !c.hidden).map((c) => ({ id: c.id, title: c.title, costEuros: c.costEuros }));
			return { space: { type, id, name: r.residence.name }, buildings: r.buildings.map((b) => ({ id: b.id, name: b.name })), colleges: [], proposals, proxyLimit: null };
		}
		const b = await services.spaces.body(user, id);
		return { space: { type, id, name: b.body.name }, buildings: [], colleges: b.colleges.map((c) => ({ id: c.id, name: c.name, weight: c.weight })), proposals: [], proxyLimit: b.body.proxyLimit };
	});
}

export function createAction(type: SpaceKind) {
	return async (event: RequestEvent) => {
		// Option photos are decoded below, before the service authorises: refuse early, unread.
		requireBeforeUpload(event, 'consultation.manage', { type, id: event.params.id! });
		const data = await event.request.formData();
		const created = await act(event, data, async () => {
			// Photos follow their option: the n-th filled row is the n-th option.
			const photos = new Map<number, Buffer>();
			let index = -1;
			for (let i = 0; i < MAX_OPTIONS; i++) {
				if (!String(data.get(`option.${i}.label`) ?? '').trim()) continue;
				index++;
				const file = data.get(`option.${i}.photo`);
				if (file instanceof File && file.size > 0) photos.set(index, await reencodePhoto(new Uint8Array(await file.arrayBuffer())));
			}
			return event.locals.services.consultations.create(event.locals.user, createInputFromForm(data, { type, id: event.params.id! }), photos);
		});
		if (created && 'id' in created) redirect(303, `/c/${created.id}`);
		return created;
	};
}

/** The ballot a vote form posted (the voter's own, a paper one, an assisted one), read by the consultation's method. */
async function postedBallot(event: RequestEvent, cid: string, data: FormData) {
	const form = await event.locals.services.consultations.ballotForm(event.locals.user, cid);
	return ballotFromForm(form.method, form.optionIds, data);
}

/** The vote screen's actions: vote (also for a proxy), use a code, confirm an assisted vote, proxies. */
export const voteActions = {
	vote: async (event: RequestEvent) => {
		const data = await event.request.formData();
		const onBehalfOf = formText(data, 'onBehalfOf') || undefined;
		const posted: { ballot?: Record<string, unknown> } = {};
		const outcome = await act(event, data, async () => {
			const { services, user } = event.locals;
			const cid = event.params.cid!;
			const ballot = (posted.ballot = await postedBallot(event, cid, data));
			const secret = readSecret(event.cookies, cid, onBehalfOf);
			const r = await services.consultations.cast(user, { consultationId: cid, ballot, secret, onBehalfOf });
			if (r.secret) rememberSecret(event, cid, r.secret, onBehalfOf);
			return { voted: { at: r.updatedAt.toISOString(), changed: r.changed, code: r.secret && !onBehalfOf ? r.secret : null, forUser: onBehalfOf ?? null } };
		});
		// A refused ballot comes back as it was filled in, with or without JavaScript (a page posted
		// without it is drawn again from the server): only what the message points at is left to change.
		if (!isActionFailure(outcome) || !posted.ballot) return outcome;
		const refused = outcome as unknown as ActionFailure<FormFailure>;
		return fail(refused.status, { ...refused.data, ballot: posted.ballot, ballotFor: onBehalfOf ?? null });
	},
	code: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const { services, user } = event.locals;
			const cid = event.params.cid!;
			const code = formText(data, 'code') ?? '';
			const view = await services.consultations.view(user, cid, code);
			if (!view.mine?.ballot) return { codeRejected: true };
			rememberSecret(event, cid, code.toLowerCase().replace(/[\s-]/g, ''));
			return { codeAccepted: true };
		});
	},
	/** "It was me": the vote staff recorded for her counts; a secret ballot's secret is made now, in her browser only. */
	confirm: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const cid = event.params.cid!;
			const r = await event.locals.services.consultations.confirm(event.locals.user, { consultationId: cid });
			if (r.secret) rememberSecret(event, cid, r.secret);
			return { confirmed: r.confirmedAt.toISOString(), code: r.secret ?? null };
		});
	},
	/** "This was not me": the vote recorded for her is removed and staff are told. */
	reject: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.consultations.reject(event.locals.user, { consultationId: event.params.cid });
			return { rejected: true };
		});
	},
	giveProxy: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.consultations.giveProxy(event.locals.user, { consultationId: event.params.cid, holderId: formText(data, 'holderId') });
			return { proxyGiven: true };
		});
	},
	revokeProxy: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.consultations.revokeProxy(event.locals.user, { consultationId: event.params.cid });
			return { proxyRevoked: true };
		});
	}
};

export const manageActions = {
	open: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.consultations.open(event.locals.user, { consultationId: event.params.cid });
			return { opened: true };
		});
	},
	close: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.consultations.close(event.locals.user, { consultationId: event.params.cid });
			return { closed: true };
		});
	},
	batch: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const counts: Record<string, string> = {};
			for (const [k, v] of data) if (k.startsWith('count.') && typeof v === 'string' && v.trim() !== '') counts[k.slice(6)] = v.trim();
			const r = await event.locals.services.consultations.recordBatch(event.locals.user, { consultationId: event.params.cid, kind: formText(data, 'kind'), note: formText(data, 'note'), counts });
			return { batch: r.size };
		});
	},
	paper: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const { services, user } = event.locals;
			const cid = event.params.cid!;
			const ballot = await postedBallot(event, cid, data);
			const r = await services.consultations.recordBatch(user, { consultationId: cid, kind: 'paper', ballot, batchId: formText(data, 'batchId') || undefined, note: formText(data, 'note') });
			return { paper: r };
		});
	},
	assisted: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const { services, user } = event.locals;
			const cid = event.params.cid!;
			const ballot = await postedBallot(event, cid, data);
			await services.consultations.recordAssisted(user, { consultationId: cid, voterId: formText(data, 'voterId'), channel: formText(data, 'channel'), ballot });
			// No code: the one who records never holds the ballot secret.
			return { assisted: true };
		});
	},
	extend: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const r = await event.locals.services.consultations.extend(event.locals.user, { consultationId: event.params.cid, closesAt: parseLocalDateTime(formText(data, 'closesAt') ?? '') ?? '' });
			return { extended: r.closesAt.toISOString() };
		});
	},
	reopen: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const closesAt = parseLocalDateTime(formText(data, 'closesAt') ?? '');
			await event.locals.services.consultations.reopen(event.locals.user, { consultationId: event.params.cid, reason: formText(data, 'reason'), closesAt: closesAt ?? undefined });
			return { reopened: true };
		});
	},
	witness: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.consultations.witness(event.locals.user, { consultationId: event.params.cid, assistedId: formText(data, 'assistedId') });
			return { witnessed: true };
		});
	}
};

/** The edit form (before the first ballot): same fields as creation, options keep their ids. */
export const editActions = {
	edit: async (event: RequestEvent) => {
		const data = await event.request.formData();
		const done = await act(event, data, async () => {
			const base = createInputFromForm(data, { type: 'residence', id: '-' });
			const options: Record<string, unknown>[] = [];
			for (let i = 0; i < MAX_OPTIONS; i++) {
				const label = formText(data, `option.${i}.label`);
				if (!label) continue;
				options.push({ id: formText(data, `option.${i}.id`) || undefined, label, description: formText(data, `option.${i}.description`) ?? '', cost: formText(data, `option.${i}.cost`) ?? '', proposalId: formText(data, `option.${i}.proposalId`) ?? '' });
			}
			return event.locals.services.consultations.edit(event.locals.user, { ...base, consultationId: event.params.cid, options });
		});
		if (done && 'editedAt' in done) redirect(303, `/c/${event.params.cid}/manage?edited=1`);
		return done;
	}
};
