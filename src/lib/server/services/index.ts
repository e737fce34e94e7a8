import type { ServiceDeps } from './deps';
import { createAdminService } from './admin';
import { createAuthService } from './auth';
import { createSpacesService } from './spaces';
import { createProposalsService } from './proposals';
import { createCollabService } from '../collab/service';
import { createConsultationsService } from './consultations';

export function createServices(deps: ServiceDeps) {
	return {
		deps,
		auth: createAuthService(deps),
		admin: createAdminService(deps),
		spaces: createSpacesService(deps),
		proposals: createProposalsService(deps),
		collab: createCollabService(deps),
		consultations: createConsultationsService(deps)
	};
}

export type Services = ReturnType<typeof createServices>;
