import { TZDate } from '@date-fns/tz';

/** Meetings are held in Nantes: a datetime-local value is Paris time, whatever the server's zone. */
export const MEETING_TZ = 'Europe/Paris';

export function parisToDate(local: string): Date {
	const [d = '', t = ''] = local.split('T');
	const [y, m, day] = d.split('-').map(Number);
	const [h, min] = t.split(':').map(Number);
	return new Date(new TZDate(y!, m! - 1, day!, h!, min!, MEETING_TZ).getTime());
}

/** The datetime-local value of an instant, in Paris time (to refill an edit form). */
export function dateToParis(at: Date | number): string {
	const z = new TZDate(typeof at === 'number' ? at : at.getTime(), MEETING_TZ);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${z.getFullYear()}-${p(z.getMonth() + 1)}-${p(z.getDate())}T${p(z.getHours())}:${p(z.getMinutes())}`;
}
