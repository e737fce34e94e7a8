/**
 * What staff type when they record an activity, a session and who came (issue 14). Times are Paris
 * wall-clock times, as the indicator periods are; a session cannot be recorded ahead of its day.
 */
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { PERIOD_TZ } from './period';
import { ACTIVITY_KINDS, PARTICIPANT_STATUSES } from './surveys';

const id = z.string().trim().min(1, 'error.notFound').max(64, 'error.notFound');

export const activitySchema = z.object({
	spaceType: z.enum(['residence', 'body', 'training'], { message: 'error.notFound' }),
	spaceId: id,
	name: z.string().trim().min(3, 'indicators.activity.error.name').max(120, 'indicators.activity.error.name'),
	kind: z.enum(ACTIVITY_KINDS, { message: 'indicators.activity.error.kind' }),
	description: z.string().trim().max(1000, 'indicators.activity.error.description').default('')
});

/** A Paris day and time as epoch milliseconds, or null when the day does not exist. */
export function parisTime(day: string, time: string): number | null {
	const [y, m, d] = day.split('-').map(Number) as [number, number, number];
	const [h, min] = time.split(':').map(Number) as [number, number];
	if (y < 2000 || y > 2100 || h > 23 || min > 59) return null;
	const z = new TZDate(y, m - 1, d, h, min, PERIOD_TZ);
	if (z.getFullYear() !== y || z.getMonth() !== m - 1 || z.getDate() !== d) return null;
	return z.getTime();
}

export const sessionSchema = z
	.object({
		heldOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'indicators.error.date'),
		/** Left empty in the form: the afternoon, when most sessions are held. */
		time: z
			.string()
			.optional()
			.transform((v) => v || '14:00')
			.pipe(z.string().regex(/^\d{2}:\d{2}$/, 'indicators.activity.error.time')),
		headcount: z.coerce.number({ message: 'indicators.activity.error.headcount' }).int('indicators.activity.error.headcount').min(0, 'indicators.activity.error.headcount').max(5000, 'indicators.activity.error.headcount'),
		note: z.string().trim().max(500, 'indicators.activity.error.note').default('')
	})
	.transform((v, ctx) => {
		const heldAt = parisTime(v.heldOn, v.time);
		if (heldAt === null) {
			ctx.addIssue({ code: 'custom', message: 'indicators.error.date', path: ['heldOn'] });
			return z.NEVER;
		}
		return { heldAt, headcount: v.headcount, note: v.note };
	});

/** A named participant: only with their agreement, which the person recording confirms. */
export const attendeeSchema = z.object({
	userId: id,
	status: z.enum(PARTICIPANT_STATUSES, { message: 'indicators.activity.error.status' }),
	consent: z.union([z.literal('on'), z.literal(true)], { message: 'indicators.activity.error.consent' })
});
