/**
 * One clock for every process of the machine, for benches whose clients in child processes report
 * when they received something: milliseconds with a fraction, the wall clock (`Date.now()`) when this
 * process last anchored, advanced by `performance.now()`.
 *
 * `performance.timeOrigin + performance.now()` was that clock before, but `timeOrigin` is the wall
 * clock when the process started, and the monotonic clock does not count a pause of the virtual
 * machine (a snapshot, seen here as the kernel's "crng reseeded due to virtual machine fork") while the
 * wall clock is set right after it. Processes started before and after such a pause then disagreed by
 * its length: every fan-out of one cluster-bench run came out 6.3 s long, p50 and p99 alike. This clock
 * anchors again whenever it has moved more than 5 ms away from the wall clock, so that processes agree
 * again within milliseconds of the correction. (A pause inside one measured interval still lengthens
 * that interval: it did last that long.)
 */
const DRIFT_MS = 5;
let anchor = Date.now() - performance.now();

export function machineNow(): number {
	const t = anchor + performance.now();
	const wall = Date.now();
	if (Math.abs(wall - t) <= DRIFT_MS) return t;
	anchor = wall - performance.now();
	return anchor + performance.now();
}

/** A time of `machineNow()` (another process's report) on this process's `performance.now()` scale. */
export function toLocal(machine: number): number {
	return machine - (machineNow() - performance.now());
}
