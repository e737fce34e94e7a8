/**
 * The one error shape of every socket acknowledgement: `{ ok: false, code, error }`, where `code`
 * is a message key (stable, for programs) and `error` the message in the user's language.
 */
import { translator, type Locale, type MessageKey } from '$lib/i18n';
import type { AckError } from '$lib/realtime/events';

export function ackError(locale: Locale | null | undefined, message: MessageKey, code: string = message): AckError {
	return { ok: false, code, error: translator(locale ?? 'fr')(message) };
}

/** Refused by the policy: the code is the policy's own (`ForbiddenError.code`). */
export const forbidden = (locale: Locale | null | undefined) => ackError(locale, 'error.forbidden', 'forbidden');

/** A client may omit the acknowledgement or send something else in its place: answer only a function. */
export function replyTo<R>(ack: unknown): (response: R) => void {
	return typeof ack === 'function' ? (response) => void (ack as (r: R) => void)(response) : () => undefined;
}
