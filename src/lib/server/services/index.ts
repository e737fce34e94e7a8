import type { ConsultationClosed } from '$lib/realtime/vote-events';
import type { ServiceDeps } from './deps';
import { sqliteData, type Data } from '../db/data';
import { createInflight } from './inflight';
import { createAdminService } from './admin';
import { createAuthService } from './auth';
import { createSpacesService } from './spaces';
import { createResidenceRulesService } from './residence-rules';
import { createNotificationsService } from './notifications';
import { createMailService } from './notifications/mail';
import { createProposalsService } from './proposals';
import { createCollabService } from '../collab/service';
import { createConsultationsService, type ConsultationsOptions } from './consultations';
import { createMeetingsService } from './meetings';
import { createMinutesService } from './minutes';
import { createRegisterService } from './register';
import { createPortalService } from './portal';
import { createPracticeService } from './practice';
import { createIndicatorsService } from './indicators';
import { createVoiceService } from './voice';
import { createSurveysService } from './surveys';
import { createActivitiesService } from './activities';

export function createServices(given: Omit<ServiceDeps, 'data'> & { data?: Data }, options: { consultations?: ConsultationsOptions } = {}) {
	// Without a data handle, the async one is made over the same SQLite file (db/data.ts).
	const deps: ServiceDeps = { ...given, data: given.data ?? sqliteData(given.db) };
	const notifications = createNotificationsService(deps);
	const consultations = createConsultationsService(deps, { ...options.consultations, notifications });
	// Work that subscribers start after another service's commit; `settled()` waits for all of it.
	const inflight = createInflight();
	notifications.followVotes(inflight);
	const collab = createCollabService(deps);
	const register = createRegisterService(deps, notifications);
	const minutes = createMinutesService(deps, collab, notifications, register);
	register.follow(inflight);
	// A motion voted on a "minutes adoption" agenda item adopts those minutes once its vote closes.
	deps.bus.subscribe(({ event, payload }) => {
		if (event === 'consultation.closed') inflight.run('minutes adoption by vote', () => minutes.onVoteClosed((payload as ConsultationClosed).consultationId));
	});
	const meetings = createMeetingsService(deps, consultations, { notifications, inflight });
	const indicators = createIndicatorsService(deps);
	return {
		deps,
		/** Resolves once the bus subscribers' work is done (before closing the database: seed, tests). */
		settled: async () => {
			// A secret vote's tally held back by its timer is published now, and what it starts is awaited.
			await consultations.flushTallies();
			await inflight.settled();
		},
		auth: createAuthService(deps, { notifications }),
		admin: createAdminService(deps),
		spaces: createSpacesService(deps),
		residenceRules: createResidenceRulesService(deps),
		notifications,
		mail: createMailService(deps),
		proposals: createProposalsService(deps, { notifications }),
		collab,
		minutes,
		register,
		portal: createPortalService(deps, consultations, register, indicators),
		consultations,
		meetings,
		voice: createVoiceService(deps),
		practice: createPracticeService(deps, {
			seedDescription: (proposalId, text) => collab.seedDescription(proposalId, text),
			createConsultation: (actor, input) => consultations.create(actor, input),
			scheduleMeeting: (actor, input) => meetings.schedule(actor, input),
			addItem: (actor, input) => meetings.addItem(actor, input)
		}),
		indicators,
		surveys: createSurveysService(deps, { notifications }),
		activities: createActivitiesService(deps)
	};
}

export type Services = ReturnType<typeof createServices>;
