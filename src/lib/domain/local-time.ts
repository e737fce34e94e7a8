/**
 * Wall-clock times in forms: a `datetime-local` input holds the residents' time (Europe/Paris),
 * whatever the server's or the browser's zone. Free of zod, so pages import it without the schemas.
 */

/**
 * A `datetime-local` value ("2026-11-22T18:30") read as wall-clock time in `timeZone` (the residents'
 * time, whatever the server's). Returns an ISO string, or null for an empty or malformed value.
 */
export function parseLocalDateTime(value: string, timeZone = 'Europe/Paris'): string | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
	if (!m) return null;
	const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
	const guess = Date.UTC(y, mo - 1, d, h, mi);
	const offsetAt = (t: number) => {
		const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(t);
		const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
		return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - t;
	};
	const first = guess - offsetAt(guess);
	// Around a DST change the offset at the guessed instant can differ from the offset at the answer.
	return new Date(guess - offsetAt(first)).toISOString();
}

/** The value of a `datetime-local` input for a date, in `timeZone`. */
export function toLocalDateTimeInput(d: Date, timeZone = 'Europe/Paris'): string {
	const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(d);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
	return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
