/**
 * Consultations and votes, assembled from parts with one job each:
 * - `context.ts`: shared reads and input schemas;
 * - `electorate.ts`: who may vote and how many may (pure turnout arithmetic: `$lib/domain/electorate`);
 * - `tallies.ts`: the live tallies kept in memory and published on the bus;
 * - `scheduling.ts`: opening and closing, by hand or at the scheduled time;
 * - `cast.ts`: a vote's checks, secrets and hashing; `ballot-box.ts`: the pooled, group-committed
 *   writer every vote goes through (read its header for what secrecy and durability it guarantees);
 * - `assisted.ts`: votes entered by a facilitator (assisted votes, show of hands, paper batches);
 * - `proxies.ts`: proxies in body consultations;
 * - `views.ts`: what pages show; `exports.ts`: ballot files and CSV; `create.ts`: drafting.
 * Counting is the shared library's (`$lib/domain/voting`): the same code counts live tallies here,
 * frozen results at close, the recount command and result pages.
 */
import { config as appConfig } from '../../config';
import type { ServiceDeps } from '../deps';
import { createAssisted } from './assisted';
import { createLifecycle } from './lifecycle';
import { postgresHooks, sqliteDialect, type BallotBoxOptions } from './ballot-box';
import { createCast, createVoteWriter } from './cast';
import { createContext, type ConsultationsOptions } from './context';
import { createDrafting } from './create';
import { createElectorate } from './electorate';
import { createExports } from './exports';
import { createProxies } from './proxies';
import { createScheduling } from './scheduling';
import { createTallies } from './tallies';
import { createViews } from './views';

export type { ConsultationsOptions } from './context';
export { ballotFileToCsv } from './exports';

export function createConsultationsService(deps: ServiceDeps, options: ConsultationsOptions = {}) {
	const uploadDir = options.uploadDir ?? (() => appConfig().UPLOAD_DIR);
	const ctx = createContext(deps, options.notifications);
	const electorate = createElectorate(ctx);
	// The engine's storage hooks (SQLite: secure deletion and checkpoints; PostgreSQL: VACUUM; see ballot-box.ts).
	const boxOptions: BallotBoxOptions = { dialect: deps.data.dialect === 'postgres' ? postgresHooks() : sqliteDialect, ...options.ballotBox };
	const tallies = createTallies(ctx, electorate, boxOptions);
	const box = createVoteWriter(ctx, tallies, boxOptions, options.traces);
	const scheduling = createScheduling(ctx, tallies, box.box.drain, box.box.afterSecretClose);
	const proxies = createProxies(ctx, electorate, scheduling);
	const assisted = createAssisted(ctx, electorate, tallies, scheduling, box);
	const lifecycle = createLifecycle(ctx, tallies, scheduling, box);
	return {
		...createDrafting(ctx, tallies, scheduling, uploadDir),
		...scheduling.api,
		...createViews(ctx, electorate, tallies, scheduling, box, proxies, assisted, lifecycle, uploadDir),
		edit: lifecycle.edit,
		extend: lifecycle.extend,
		reopen: lifecycle.reopen,
		votesAbout: lifecycle.votesAbout,
		...createCast(ctx, electorate, scheduling, box),
		...assisted,
		...proxies.api,
		...createExports(ctx, scheduling),
		forgetLiveState: tallies.forgetLiveState,
		/** Publishes the live tallies secret votes' timers still hold back (before closing the database). */
		flushTallies: tallies.flushPending,
		/** Writes every vote still waiting in the ballot box (shutdown, tests). */
		flushBallotBox: box.box.close
	};
}

export type ConsultationsService = ReturnType<typeof createConsultationsService>;
