/**
 * Governance meetings (issue 10): scheduling and agenda, attendance and quorum, the list of speakers,
 * motions voted in the room. Each change: zod → policy → transaction with audit → the room's whole
 * state published after commit.
 */
import type { ConsultationsService } from '../consultations';
import type { ServiceDeps } from '../deps';
import { createAttendance } from './attendance';
import { config } from '../../config';
import { createContext } from './context';
import { createDocuments } from './documents';
import { createThread } from './thread';
import { createMeetingNotices } from './notify';
import type { NotificationsService } from '../notifications';
import { createLifecycle } from './lifecycle';
import { createMotions } from './motions';
import { createPublicLive } from './public-live';
import { createReads } from './reads';
import { createRoomState } from './room-state';
import { createRules } from './rules';
import { createSpeakers } from './speakers';
import { createInflight, type Inflight } from '../inflight';

export interface MeetingsOptions {
	/** Where agenda documents are stored (UPLOAD_DIR by default). */
	uploadDir?: () => string;
	/** Members hear about invitations, changes, the start and results (none without it). */
	notifications?: NotificationsService;
	/** Tracks the room updates that follow a vote on the bus (`services.settled()`); its own without it. */
	inflight?: Inflight;
}

export function createMeetingsService(deps: ServiceDeps, votes: ConsultationsService, options: MeetingsOptions = {}) {
	const ctx = createContext(deps);
	const room = createRoomState(ctx);
	const notices = createMeetingNotices(ctx, options.notifications);
	const reads = createReads(ctx, room);
	const { documentsOf, ...documents } = createDocuments(ctx, room, options.uploadDir ?? (() => config().UPLOAD_DIR));
	const { counts, ...thread } = createThread(ctx);
	return {
		...reads,
		/** One meeting with its whole agenda and each item's documents. */
		async detail(actor: Parameters<typeof reads.detail>[0], meetingId: string) {
			const detail = await reads.detail(actor, meetingId);
			return { ...detail, documents: await documentsOf(meetingId), posts: await counts(meetingId) };
		},
		...documents,
		...thread,
		...createLifecycle(ctx, room, notices),
		...createAttendance(ctx, room),
		...createSpeakers(ctx, room),
		...createRules(ctx),
		...createMotions(ctx, room, votes, notices, options.inflight ?? createInflight()),
		...createPublicLive(ctx, room)
	};
}

export type MeetingsService = ReturnType<typeof createMeetingsService>;
