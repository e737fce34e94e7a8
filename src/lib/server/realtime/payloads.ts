/**
 * The zod schema of every client→server socket event, in one table typed against the event map:
 * adding an event to `ClientToServerEvents` without its schema here does not compile, and the
 * socket fuzz test (tests/integration/socket-fuzz.test.ts) attacks every entry.
 */
import { z } from 'zod';
import { boardJoinSchema } from '$lib/realtime/board-events';
import { meetingJoinSchema } from '$lib/realtime/meeting-events';
import type { ClientToServerEvents } from '$lib/realtime/events';
import { awarenessPayload, joinPayload, syncPayload } from './collab-codec';
import { voteJoinSchema } from './vote-room';

/** Events that carry nothing accept nothing (or an empty object). */
export const emptyPayload = z.union([z.undefined(), z.null(), z.object({}).strict()]);

export const clientPayloads = {
	'presence.snapshot': emptyPayload,
	'board.join': boardJoinSchema,
	'board.leave': boardJoinSchema,
	'collab.join': joinPayload,
	'collab.leave': joinPayload,
	'collab.sync': syncPayload,
	'collab.awareness': awarenessPayload,
	'meeting.join': meetingJoinSchema,
	'meeting.leave': meetingJoinSchema,
	'portal.live.join': meetingJoinSchema,
	'vote.join': voteJoinSchema,
	'vote.leave': voteJoinSchema
} satisfies Record<keyof ClientToServerEvents, z.ZodType>;
