import type { MessageKey, MessageValues } from '$lib/i18n';

/**
 * A mistake a user can make (bad code, wrong password...). Carries an i18n key so that each door
 * (form action, socket handler) shows it in the reader's language. Never a 500.
 */
export class UserError extends Error {
	constructor(
		readonly code: MessageKey,
		readonly values: MessageValues = {},
		readonly status: 400 | 403 | 404 | 409 | 410 | 413 | 429 | 503 = 400
	) {
		super(code);
	}
}

export const notFound = () => new UserError('error.notFound', {}, 404);
