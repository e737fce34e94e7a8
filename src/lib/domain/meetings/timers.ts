/**
 * Timers are computed from stored start times, never ticked by the server: every screen, however
 * late it joined, shows the same numbers from the same row.
 */

/** Seconds elapsed since `startedAt` (until `endedAt` when it is over). */
export function elapsedSec(startedAt: number, now: number, endedAt: number | null = null): number {
	return Math.max(0, Math.floor(((endedAt ?? now) - startedAt) / 1000));
}

/** Seconds left under a limit; negative once overrun. null when there is no limit. */
export function remainingSec(limitSec: number | null, startedAt: number, now: number, endedAt: number | null = null): number | null {
	if (limitSec === null) return null;
	return limitSec - elapsedSec(startedAt, now, endedAt);
}

/** "m:ss", or "h:mm:ss" from an hour, with a leading minus when overrun. */
export function formatClock(sec: number): string {
	const sign = sec < 0 ? '-' : '';
	const abs = Math.abs(sec);
	const ss = String(abs % 60).padStart(2, '0');
	if (abs < 3600) return `${sign}${Math.floor(abs / 60)}:${ss}`;
	return `${sign}${Math.floor(abs / 3600)}:${String(Math.floor(abs / 60) % 60).padStart(2, '0')}:${ss}`;
}
