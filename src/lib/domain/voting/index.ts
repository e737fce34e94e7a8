/**
 * Pure vote counting for the tenant-initiative board: 9 methods, ballot weights and colleges,
 * invalid-ballot accounting, live (incremental) tallies, and the `ballots/v1` file format.
 *
 * No I/O and no Node-only API: this module runs in the browser too.
 *
 *   count(election)        → CountResult (dispatches on election.method)
 *   createTally(election)  → { add, remove, result, size } for live results
 *   plurality / approval / yesNoAbstain / schulze / irv / borda / majorityJudgment / dot / budget
 *                          → count with that method, whatever election.method says
 *   validateBallot(election, ballot), checkElection(election), effectiveWeights(election)
 *   parseBallotFile / safeParseBallotFile / parseBallotFileText / toBallotFile (ballot-file.ts)
 *
 * Ties: every method reports ties it cannot break (several `winners`, `ties`), and orders tied options
 * in `ranking` by their order in the file's `options`. Each result states its rule in `tieBreak`.
 */
import { approval, approvalKernel } from './approval';
import { borda, bordaKernel } from './borda';
import { budget, budgetKernel } from './budget';
import { dot, dotKernel } from './dot';
import { countWith, makeTally, type Kernel } from './engine';
import { irv, irvKernel } from './irv';
import { majorityJudgment, majorityJudgmentKernel } from './majority-judgment';
import { plurality, pluralityKernel } from './plurality';
import { schulze, schulzeKernel } from './schulze';
import type { Ballot, CountResult, Election, ElectionConfig, Method, ResultFor, Tally } from './types';
import { yesNoAbstain, yesNoAbstainKernel } from './yes-no-abstain';

const kernels: { [M in Method]: Kernel<unknown, ResultFor<M>> } = {
	plurality: pluralityKernel,
	approval: approvalKernel,
	'yes-no-abstain': yesNoAbstainKernel,
	schulze: schulzeKernel,
	irv: irvKernel,
	borda: bordaKernel,
	'majority-judgment': majorityJudgmentKernel,
	dot: dotKernel,
	budget: budgetKernel
};

/**
 * Counts an election with its method. Throws `ElectionConfigError` if the election is misconfigured;
 * invalid ballots never throw, they are counted in `invalid`.
 */
export function count<E extends Election>(election: E): ResultFor<E['method']>;
export function count(election: Election): CountResult {
	return countWith(election, election.ballots, kernels[election.method] as Kernel<unknown, CountResult>);
}

/**
 * Live tally for an election, starting from `election.ballots` if given. `add`/`remove` cost
 * O(options²) at most (Schulze keeps the pairwise matrix, Borda the points, majority judgment the
 * grade histograms, the others a tally vector); IRV only stores the distinct rankings and recounts
 * its rounds inside `result()` (it is inherently global). Colleges are scaled at `result()` time from
 * per-college aggregates. `remove` throws for a ballot that is not in the tally (deep equality).
 * `tally.result()` always equals `count()` of the ballots currently in the tally.
 */
export function createTally<C extends ElectionConfig & { ballots?: readonly Ballot[] }>(
	election: C
): Tally<ResultFor<C['method']>>;
export function createTally(election: ElectionConfig & { ballots?: readonly Ballot[] }): Tally {
	const tally = makeTally(election, kernels[election.method] as Kernel<unknown, CountResult>, { track: true });
	for (const b of election.ballots ?? []) tally.add(b);
	return tally;
}

export { plurality, approval, yesNoAbstain, schulze, irv, borda, majorityJudgment, dot, budget };
export { strongestPaths } from './schulze';
export { compareMajorityValues, majorityGauge, majorityGrade } from './majority-judgment';
export { checkElection, validateBallot, ElectionConfigError, formatPath } from './validate';
export { effectiveWeights, collegeFactors } from './weights';
export {
	ballotFileSchema,
	parseBallotFile,
	safeParseBallotFile,
	parseBallotFileText,
	toBallotFile,
	BallotFileError,
	type BallotFile
} from './ballot-file';
export * from './types';
