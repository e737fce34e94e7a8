import { json } from '@sveltejs/kit';
import { readinessChecks, runChecks } from '$lib/server/health';
import type { RequestHandler } from './$types';

/**
 * Readiness: every registered check (database reachable and migrated; Redis when configured), 200
 * when all pass, 503 otherwise, with each check's outcome. No personal data, never cached.
 */
export const GET: RequestHandler = async () => {
	const readiness = await runChecks(readinessChecks());
	return json(
		{ status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks },
		{ status: readiness.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
