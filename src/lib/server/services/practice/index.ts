/**
 * Practice sessions (issue 13): scenarios, sessions of a training group, runs in their own
 * simulated residence or body, pause / reset / run again, debrief and progress.
 * Every call validates (zod), asks the policy on the training space, writes in a transaction with
 * an audit entry, and signals after commit when people's rights in a practice space changed.
 *
 * The parts: `context` (what they share), `scenarios` (the library), `runs` (a run's space and
 * memberships), `controls` (start, join, roles, pause, reset, steps, end), `views` (overview,
 * session page, briefs), `reflections`, `debrief` (and progress), `watch` (the live page for trainers
 * and observers, and their observations).
 */
import type { Actor } from '$lib/domain/policy';
import { scenarioSchema } from '$lib/domain/practice/scenario';
import type { ServiceDeps } from '../deps';
import { createAnonymiser } from './anonymise';
import { createPracticeContext } from './context';
import { createControls } from './controls';
import { createDebrief } from './debrief';
import type { MaterialiseHooks } from './materialise';
import { createReflections } from './reflections';
import { createRuns } from './runs';
import { createScenarios } from './scenarios';
import { createViews } from './views';
import { createWatch } from './watch';

export type { PracticeRunRow, PracticeSessionRow } from './context';

export function createPracticeService(deps: ServiceDeps, hooks: MaterialiseHooks) {
	const ctx = createPracticeContext(deps);
	const scenarios = createScenarios(deps, ctx);
	const runs = createRuns(deps, hooks, ctx);
	const { figures, ...debrief } = createDebrief(deps, ctx);
	const openVotes = debrief.openVotes;
	const anonymiser = createAnonymiser(deps);

	return {
		...debrief,
		...createWatch(deps, { ctx, figures }),
		...scenarios.methods,
		...createControls(deps, { ctx, runs, scenarios, openVotes }),
		...createReflections(deps, ctx),
		...createViews(deps, { ctx, scenarios, openVotes }),

		/** A scenario from a real residence's anonymised shape, stored in the training's library (checked as any file). */
		anonymisable: anonymiser.anonymisable,

		async importResidence(actor: Actor | null, trainingId: string, residenceId: string) {
			const scenario = scenarioSchema.parse(await anonymiser.anonymisedScenario(actor, trainingId, residenceId));
			return scenarios.storeScenario(actor!, trainingId, scenario, null);
		}
	};
}

export type PracticeService = ReturnType<typeof createPracticeService>;
