/**
 * Liveness and readiness for a load balancer or an orchestrator (`GET /healthz`, `GET /readyz`).
 *
 * Readiness is a list of named checks. Each part that depends on something outside the process adds
 * its own with `addReadinessCheck` when it connects (the database here, Redis beside its client) and
 * removes it when it closes. A check throws (or rejects) when its dependency is not usable; its
 * answer may carry a few numbers or flags, never personal data. A failing check is logged once when
 * it starts failing and once when it recovers, not at every probe.
 */
import { log } from '../log';

export type CheckDetail = Record<string, string | number | boolean>;

export interface HealthCheck {
	name: string;
	run(): Promise<CheckDetail | void> | CheckDetail | void;
}

export interface CheckResult {
	ok: boolean;
	/** Milliseconds the check took (or the timeout). */
	ms: number;
	detail?: CheckDetail;
	/** `unavailable` (threw) or `timeout`; the error itself goes to the log only. */
	problem?: 'unavailable' | 'timeout';
}

export interface Readiness {
	ready: boolean;
	checks: Record<string, CheckResult>;
}

const REGISTRY = Symbol.for('tib.readinessChecks');
const FAILING = Symbol.for('tib.readinessFailing');

function registry(): Map<string, HealthCheck> {
	const g = globalThis as Record<symbol, Map<string, HealthCheck> | undefined>;
	return (g[REGISTRY] ??= new Map());
}

function failing(): Set<string> {
	const g = globalThis as Record<symbol, Set<string> | undefined>;
	return (g[FAILING] ??= new Set());
}

/** Adds (or replaces, by name) a check run by `/readyz`; returns its removal. */
export function addReadinessCheck(check: HealthCheck): () => void {
	registry().set(check.name, check);
	return () => {
		if (registry().get(check.name) === check) registry().delete(check.name);
	};
}

export function readinessChecks(): HealthCheck[] {
	return [...registry().values()];
}

class Timeout extends Error {}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
	const start = performance.now();
	let timer: NodeJS.Timeout | undefined;
	try {
		const detail = await Promise.race([
			Promise.resolve().then(() => check.run()),
			new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout()), timeoutMs)))
		]);
		if (failing().delete(check.name)) log.info('dependency recovered', { check: check.name });
		return { ok: true, ms: Math.round(performance.now() - start), ...(detail ? { detail } : {}) };
	} catch (err) {
		const problem = err instanceof Timeout ? 'timeout' : 'unavailable';
		if (!failing().has(check.name)) {
			failing().add(check.name);
			log.warn('dependency not ready', { check: check.name, problem, err: err instanceof Error ? err.message : String(err) });
		}
		const detail = err instanceof CheckFailed ? err.detail : undefined;
		return { ok: false, ms: Math.round(performance.now() - start), problem, ...(detail ? { detail } : {}) };
	} finally {
		clearTimeout(timer);
	}
}

/** Thrown by a check that reached its dependency and found it not ready, with what it saw. */
export class CheckFailed extends Error {
	constructor(
		message: string,
		readonly detail: CheckDetail
	) {
		super(message);
	}
}

/** A check from a function that answers whether its dependency is usable (`shared/redis.ts` `checks`). */
export function booleanCheck(name: string, answers: () => Promise<boolean> | boolean): HealthCheck {
	return {
		name,
		async run() {
			if (!(await answers())) throw new Error(`${name} does not answer`);
		}
	};
}

/** Runs the checks side by side, each bounded by `timeoutMs`. */
export async function runChecks(checks: readonly HealthCheck[], options: { timeoutMs?: number } = {}): Promise<Readiness> {
	const timeoutMs = options.timeoutMs ?? 2_000;
	const results = await Promise.all(checks.map(async (c) => [c.name, await runOne(c, timeoutMs)] as const));
	return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
