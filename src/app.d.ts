import type { SessionUser } from '$lib/server/auth/session';
import type { Locale } from '$lib/i18n';
import type { Services } from '$lib/server/services';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			sessionId: string | null;
			locale: Locale;
			/** Easy-read French (FALC) asked for on this device or by the account; applies only to French. */
			easyRead: boolean;
			requestId: string;
			services: Services;
		}
		interface Error {
			message: string;
			code?: string;
			requestId?: string;
		}
	}
}

export {};
