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

/** "m:ss", with a leading minus when overrun. */
export function formatClock(sec: number): string {
	const sign = sec < 0 ? '-' : '';
	const abs = Math.abs(sec);
	return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}
