import { z } from 'zod';

const id = z.string({ message: 'minutes.error.invalid' }).min(1, 'minutes.error.invalid').max(64, 'minutes.error.invalid').regex(/^[A-Za-z0-9_-]+$/, 'minutes.error.invalid');
const text = (max: number, key = 'minutes.error.textRequired') => z.string({ message: key }).trim().min(1, key).max(max, 'minutes.error.tooLong');

export const meetingRefSchema = z.object({ meetingId: id });
export const coEditorSchema = meetingRefSchema.extend({ userId: id });
export const submitSchema = meetingRefSchema.extend({
	/** Days the amendment window stays open (0 = no window: straight to adoption). */
	windowDays: z.coerce.number({ message: 'minutes.error.windowDays' }).int('minutes.error.windowDays').min(0, 'minutes.error.windowDays').max(60, 'minutes.error.windowDays')
});
export const amendmentSchema = meetingRefSchema.extend({
	section: id,
	passage: text(2000, 'minutes.error.passageRequired'),
	suggestion: z.string({ message: 'minutes.error.invalid' }).trim().max(4000, 'minutes.error.tooLong')
});
export const decideSchema = meetingRefSchema.extend({
	amendmentId: id,
	decision: z.enum(['accept', 'reject'], { message: 'minutes.error.invalid' }),
	reason: z.string({ message: 'minutes.error.invalid' }).trim().max(2000, 'minutes.error.tooLong')
});
export const adoptionVoteSchema = meetingRefSchema.extend({ targetMeetingId: id });
export const correctionSchema = meetingRefSchema.extend({
	content: text(2_000_000, 'minutes.error.contentRequired'),
	what: text(2000, 'minutes.error.whatRequired'),
	why: text(2000, 'minutes.error.whyRequired')
});
export const settingsSchema = z.object({
	bodyId: id,
	portalPublic: z.boolean(),
	chairMayAdopt: z.boolean(),
	amendmentDays: z.coerce.number({ message: 'minutes.error.windowDays' }).int('minutes.error.windowDays').min(0, 'minutes.error.windowDays').max(60, 'minutes.error.windowDays')
});
export const consentSchema = z.object({ bodyId: id, consent: z.boolean() });
