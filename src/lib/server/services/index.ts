import type { ServiceDeps } from './deps';
import { createAdminService } from './admin';
import { createAuthService } from './auth';
import { createSpacesService } from './spaces';
import { createNotificationsService } from './notifications';
import { createMailService } from './notifications/mail';
import { createProposalsService } from './proposals';
import { createCollabService } from '../collab/service';
import { createConsultationsService, type ConsultationsOptions } from './consultations';
import { createMeetingsService } from './meetings';

export function createServices(deps: ServiceDeps, options: { consultations?: ConsultationsOptions } = {}) {
	const consultations = createConsultationsService(deps, options.consultations);
	const notifications = createNotificationsService(deps);
	notifications.followVotes();
	return {
		deps,
		auth: createAuthService(deps),
		admin: createAdminService(deps),
		spaces: createSpacesService(deps),
		notifications,
		mail: createMailService(deps),
		proposals: createProposalsService(deps, { notifications }),
		collab: createCollabService(deps),
		consultations,
		meetings: createMeetingsService(deps, consultations)
	};
}

export type Services = ReturnType<typeof createServices>;
