/** What meeting forms and payloads may carry; messages are i18n keys. */
import { z } from 'zod';
import { ATTENDANCE, ITEM_KINDS, SPEECH_TYPES } from '$lib/domain/meetings';

const id = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
const optionalId = z.preprocess((v) => (v === '' || v === null ? undefined : v), id.optional());
const text = (max: number) => z.string().trim().max(max, 'error.tooLong').optional().default('');
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());
const optionalInt = (min: number, max: number) =>
	z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? null : v),
		z.coerce.number('meetings.error.number').int('meetings.error.number').min(min, 'meetings.error.number').max(max, 'meetings.error.number').nullable()
	);
const share = z.coerce.number('meetings.error.share').min(0, 'meetings.error.share').max(100, 'meetings.error.share');

/** "2026-12-03T18:30", as a datetime-local field sends it, read as Paris time. */
const localDateTime = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'meetings.error.date');

export const meetingFieldsSchema = z.object({
	title: z.string().trim().min(3, 'meetings.error.title').max(200, 'error.tooLong'),
	description: text(4000),
	startsAt: localDateTime,
	durationMin: z.coerce.number('meetings.error.number').int('meetings.error.number').min(15, 'meetings.error.number').max(720, 'meetings.error.number').default(120),
	place: text(300),
	videoUrl: z.preprocess(
		(v) => (typeof v === 'string' ? v.trim() : v),
		z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'meetings.error.url' }).max(500, 'error.tooLong')]).optional().default('')
	)
});

export const scheduleSchema = meetingFieldsSchema.extend({ bodyId: id });
export const editSchema = meetingFieldsSchema.extend({ meetingId: id });
export const meetingRefSchema = z.object({ meetingId: id });
export const statusChangeSchema = z.object({ meetingId: id, reason: text(500) });
export const postponeSchema = z.object({ meetingId: id, reason: text(500), startsAt: z.preprocess((v) => (v === '' ? undefined : v), localDateTime.optional()) });

export const itemSchema = z.object({
	meetingId: id,
	title: z.string().trim().min(3, 'meetings.error.itemTitle').max(200, 'error.tooLong'),
	description: text(4000),
	kind: z.enum(ITEM_KINDS, 'meetings.error.kind'),
	timeBoxMin: optionalInt(1, 240),
	proposalId: optionalId,
	consultationId: optionalId
});
export const itemDecisionSchema = z.object({
	meetingId: id,
	itemId: id,
	accept: checkbox,
	reason: text(500)
});
export const declineSchema = itemDecisionSchema.refine((v) => v.accept || v.reason.length > 0, { message: 'meetings.error.reasonRequired', path: ['reason'] });

export const attendanceSchema = z
	.object({
		meetingId: id,
		userId: optionalId,
		status: z.enum(ATTENDANCE, 'meetings.error.attendance'),
		proxyHolderId: optionalId
	})
	.refine((v) => v.status !== 'proxy' || !!v.proxyHolderId, { message: 'meetings.error.proxyHolder', path: ['proxyHolderId'] });
export const checkInSchema = z.object({ meetingId: id, userId: id });

export const agendaMoveSchema = z.object({ meetingId: id, expected: z.preprocess((v) => (v === '' ? null : v), id.nullable()), to: id });

export const raiseHandSchema = z.object({ meetingId: id, type: z.enum(SPEECH_TYPES, 'meetings.error.speechType').default('contribution') });
export const addSpeakerSchema = z.object({ meetingId: id, userId: id, type: z.enum(SPEECH_TYPES, 'meetings.error.speechType').default('contribution') });
export const speechRefSchema = z.object({ meetingId: id, speechId: id });

export const rulesSchema = z.object({
	bodyId: id,
	quorumPct: share,
	collegeQuorumPct: z.preprocess((v) => (v === '' || v === undefined ? null : v), share.nullable()),
	substitutesVote: checkbox,
	proxiesCountForQuorum: checkbox,
	proxyLimit: z.coerce.number('meetings.error.number').int('meetings.error.number').min(0, 'meetings.error.number').max(10, 'meetings.error.number'),
	/** Left out (an older form): the body keeps its current rule. */
	proxyColleges: z.enum(['across', 'within'], 'meetings.error.proxyColleges').optional(),
	speechLimitSec: optionalInt(10, 3600),
	firstTimeFirst: checkbox,
	balanceWarnRatio: z.coerce.number('meetings.error.number').min(1, 'meetings.error.number').max(10, 'meetings.error.number'),
	weightedVotes: checkbox,
	publicMeetings: checkbox
});

export const seatSchema = z.object({
	bodyId: id,
	userId: id,
	substituteId: optionalId,
	termStart: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'meetings.error.date').optional()),
	termEnd: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'meetings.error.date').optional())
});

const motionQuestion = z.string().trim().min(3, 'meetings.error.itemTitle').max(300, 'error.tooLong');

/** A new motion (item + question, maybe amending a tabled one) or, with `motionId`, a tabled one to put to the vote. */
export const motionSchema = z
	.object({
		meetingId: id,
		motionId: optionalId,
		itemId: optionalId,
		question: z.preprocess((v) => (v === '' ? undefined : v), motionQuestion.optional()),
		secrecy: z.enum(['public', 'secret'], 'votes.error.secrecy').default('public'),
		amendsId: optionalId
	})
	.refine((v) => !!v.motionId || !!v.question, { message: 'meetings.error.itemTitle', path: ['question'] })
	.refine((v) => !!v.motionId || !!v.itemId, { message: 'meetings.error.noSuchItem', path: ['itemId'] });
export const motionRefSchema = z.object({ meetingId: id, motionId: id });
