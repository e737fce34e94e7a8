import { error, type RequestEvent } from '@sveltejs/kit';
import { MAX_OPTIONS } from '$lib/domain/consultations';
import { can, type Action, type SpaceRef } from '$lib/domain/policy';
import { translator } from '$lib/i18n';

/** The most files one form carries: a consultation with a photo per option. */
export const MAX_FILES_PER_REQUEST = MAX_OPTIONS;
/** Guests only sign in, join or pick a language: nothing they send legitimately comes near this. */
export const MAX_GUEST_BODY_BYTES = 64 * 1024;

/**
 * The one exception to "guests send no files": someone holding an open one-time survey link, on a
 * survey that asks for an answer out loud, may send one recording. The action says so for this request
 * only, once the link is checked and before the body is read.
 */
const guestUploads = new WeakMap<Request, { bytes: number; files: number }>();
export function allowGuestUpload(event: RequestEvent, limit: { bytes: number; files: number }) {
	guestUploads.set(event.request, limit);
}

/**
 * Every form action reads its body with `request.formData()`, which throws a bare TypeError on a
 * truncated multipart body, a `text/plain` body or a missing boundary: a client's mistake that
 * surfaced as a 500 with a stack trace. Replacing the method on this one request object turns that,
 * for every action present and future, into a localised 400; the same place refuses a guest's
 * large body before it is read and caps the number of files per request.
 */
export function guardFormBody(event: RequestEvent) {
	const { request } = event;
	if (request.method !== 'POST') return;
	const t = translator(event.locals.locale);
	const length = Number(request.headers.get('content-length') ?? 0);
	const guest = !event.locals.user;
	const read = request.formData.bind(request);
	let parsed: Promise<FormData> | undefined;
	const formData = () =>
		(parsed ??= (async () => {
			const allowed = guest ? guestUploads.get(request) : undefined;
			if (guest && length > MAX_GUEST_BODY_BYTES + (allowed?.bytes ?? 0)) error(413, { message: t('security.signInFirst'), code: 'bodyTooLarge' });
			let data: FormData;
			try {
				data = await read();
			} catch {
				error(400, { message: t('security.badRequest'), code: 'badRequest' });
			}
			const files = [...data.values()].filter((v) => typeof v !== 'string' && v.size > 0).length;
			if (files > (allowed?.files ?? 0) && guest) error(401, { message: t('security.signInFirst'), code: 'signInRequired' });
			if (files > MAX_FILES_PER_REQUEST) error(413, { message: t('security.tooManyFiles', { max: MAX_FILES_PER_REQUEST }), code: 'tooManyFiles' });
			return data;
		})());
	Object.defineProperty(request, 'formData', { configurable: true, value: formData });
}

/**
 * For actions that take uploads: ask the policy before the body is even read, so a refused upload
 * costs neither parsing nor decoding. The service asks again with the parsed input; this is only
 * the cheap early "no".
 */
export function requireBeforeUpload(event: RequestEvent, permission: Action, space: SpaceRef) {
	const { user, locale } = event.locals;
	if (can(user, permission, space)) return;
	const t = translator(locale);
	error(user ? 403 : 401, { message: t(user ? 'error.forbidden' : 'error.signInRequired'), code: 'forbidden' });
}

/**
 * After the answer is ready: reads what is left of a body nobody read (a refused upload, an action
 * that takes no fields) to its end without keeping or parsing it. Answering while the client is
 * still sending makes Node close the connection with unread bytes, which the client sees as a reset
 * instead of our answer; discarding costs only the transfer (bounded by BODY_SIZE_LIMIT).
 */
export async function discardUnreadBody(request: Request) {
	if (!request.body || request.bodyUsed) return;
	try {
		await request.body?.pipeTo(new WritableStream());
	} catch {
		// A body that ends badly is refused all the same.
	}
}
