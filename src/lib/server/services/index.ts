import type { ServiceDeps } from './deps';
import { createAdminService } from './admin';
import { createAuthService } from './auth';
import { createSpacesService } from './spaces';

export function createServices(deps: ServiceDeps) {
	return {
		deps,
		auth: createAuthService(deps),
		admin: createAdminService(deps),
		spaces: createSpacesService(deps)
	};
}

export type Services = ReturnType<typeof createServices>;
