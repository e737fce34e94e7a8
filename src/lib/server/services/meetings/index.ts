/**
 * Governance meetings (issue 10): scheduling and agenda, attendance and quorum, the list of speakers,
 * motions voted in the room. Each change: zod → policy → transaction with audit → the room's whole
 * state published after commit.
 */
import type { ConsultationsService } from '../consultations';
import type { ServiceDeps } from '../deps';
import { createAttendance } from './attendance';
import { createContext } from './context';
import { createLifecycle } from './lifecycle';
import { createMotions } from './motions';
import { createReads } from './reads';
import { createRoomState } from './room-state';
import { createRules } from './rules';
import { createSpeakers } from './speakers';

export function createMeetingsService(deps: ServiceDeps, votes: ConsultationsService) {
	const ctx = createContext(deps);
	const room = createRoomState(ctx);
	return {
		...createReads(ctx, room),
		...createLifecycle(ctx, room),
		...createAttendance(ctx, room),
		...createSpeakers(ctx, room),
		...createRules(ctx),
		...createMotions(ctx, room, votes)
	};
}

export type MeetingsService = ReturnType<typeof createMeetingsService>;
