import type { SessionUser } from '$lib/server/auth/session';
import type { Locale } from '$lib/i18n';
import type { Services } from '$lib/server/services';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			sessionId: string | null;
			locale: Locale;
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
