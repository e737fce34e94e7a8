/**
 * The period an indicator page covers: whole days in Paris time, `from` and `to` both included.
 * Internally [start, end) in epoch milliseconds, so a vote cast at 23:59 Paris time on the last day
 * counts and one at 00:00 the next day does not, whatever the server's time zone.
 */
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';

export const PERIOD_TZ = 'Europe/Paris';
/** Longer periods are refused: a crafted "100 years" would scan everything for nothing. */
export const MAX_PERIOD_DAYS = 366 * 5;

export interface Period {
	from: string;
	to: string;
	start: number;
	end: number;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'indicators.error.date');

function parisMidnight(iso: string): number | null {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
	const z = new TZDate(y, m - 1, d, PERIOD_TZ);
	// 2026-02-31 rolls over to March: refuse it rather than guess.
	if (z.getFullYear() !== y || z.getMonth() !== m - 1 || z.getDate() !== d) return null;
	return z.getTime();
}

/** The Paris calendar day of an instant, as YYYY-MM-DD. */
export function parisDay(at: number | Date): string {
	const z = new TZDate(typeof at === 'number' ? at : at.getTime(), PERIOD_TZ);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${z.getFullYear()}-${p(z.getMonth() + 1)}-${p(z.getDate())}`;
}

function nextDay(iso: string): number {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	return new TZDate(y, m - 1, d + 1, PERIOD_TZ).getTime();
}

export const periodSchema = z
	.object({ from: day, to: day })
	.transform((v, ctx) => {
		const start = parisMidnight(v.from);
		const last = parisMidnight(v.to);
		if (start === null || last === null) {
			ctx.addIssue({ code: 'custom', message: 'indicators.error.date', path: [start === null ? 'from' : 'to'] });
			return z.NEVER;
		}
		if (last < start) {
			ctx.addIssue({ code: 'custom', message: 'indicators.error.endBeforeStart', path: ['to'] });
			return z.NEVER;
		}
		const end = nextDay(v.to);
		if (end - start > MAX_PERIOD_DAYS * 86_400_000 + 3_600_000) {
			ctx.addIssue({ code: 'custom', message: 'indicators.error.tooLong', path: ['to'] });
			return z.NEVER;
		}
		return { from: v.from, to: v.to, start, end } satisfies Period;
	});

/** The twelve months up to today (Paris), the default when the page is opened without a period. */
export function defaultPeriod(now: number): Period {
	const to = parisDay(now);
	const [y, m, d] = to.split('-').map(Number) as [number, number, number];
	const from = parisDay(new TZDate(y - 1, m - 1, d + 1, PERIOD_TZ).getTime());
	return { from, to, start: parisMidnight(from)!, end: nextDay(to) };
}

/** A calendar year in Paris time, for the annual report. */
export function yearPeriod(year: number): Period {
	const from = `${year}-01-01`;
	const to = `${year}-12-31`;
	return { from, to, start: parisMidnight(from)!, end: nextDay(to) };
}
