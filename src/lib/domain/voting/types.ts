/**
 * Types of the pure vote-counting library (no I/O: runs on the server and in the browser).
 *
 * The shapes mirror the `ballots/v1` file format (see `ballot-file.ts`), so a parsed ballot file is
 * directly an {@link Election}.
 */

export const METHODS = [
	'plurality',
	'approval',
	'yes-no-abstain',
	'schulze',
	'irv',
	'borda',
	'majority-judgment',
	'dot',
	'budget'
] as const;

export type Method = (typeof METHODS)[number];

/** The ballot field that carries the voter's choice, for each method. */
export const CHOICE_FIELD = {
	plurality: 'choice',
	approval: 'approve',
	'yes-no-abstain': 'position',
	schulze: 'ranking',
	irv: 'ranking',
	borda: 'ranking',
	'majority-judgment': 'grades',
	dot: 'dots',
	budget: 'select'
} as const satisfies Record<Method, keyof Ballot>;

/** Every ballot field that carries a choice (a ballot must carry exactly its method's one). */
export const CHOICE_FIELDS = [
	'choice',
	'approve',
	'position',
	'ranking',
	'grades',
	'dots',
	'select'
] as const satisfies readonly (keyof Ballot)[];

export const POSITIONS = ['for', 'against', 'abstain', 'object'] as const;
export type Position = (typeof POSITIONS)[number];

export interface OptionDef {
	id: string;
	label: string;
	/** Cost of the project (method `budget` only, required there). */
	cost?: number;
}

export interface College {
	id: string;
	/** Share of the total vote this college carries, whatever its number of voters (> 0). */
	weight: number;
}

/**
 * One ballot. Exactly one choice field must be present, the one of the election's method
 * (see {@link CHOICE_FIELD}); anything else makes the ballot invalid (it is counted as invalid, never
 * repaired).
 */
export interface Ballot {
	/** Voting weight, default 1. Must be a finite number ≥ 0. */
	weight?: number;
	/** College of the voter; required (and must exist) when the election has colleges. */
	college?: string;
	/** plurality: the chosen option id. */
	choice?: string;
	/** approval: approved option ids (no duplicates; may be empty). */
	approve?: string[];
	/** yes-no-abstain: the position on the motion. */
	position?: string;
	/** Free text; reported for `object` positions (consent objections), ignored otherwise. */
	reason?: string;
	/** schulze / irv / borda: groups of option ids, best first; inner arrays are ties; unranked = last. */
	ranking?: string[][];
	/** majority-judgment: option id → index into `grades` (0 = best); ungraded options get the worst grade. */
	grades?: Record<string, number>;
	/** dot: option id → number of dots (integers ≥ 0, total ≤ `dots`). */
	dots?: Record<string, number>;
	/** budget: selected project ids (no duplicates; total cost ≤ `budget`). */
	select?: string[];
}

/** Everything about an election except its ballots. */
export interface ElectionConfig {
	method: Method;
	options: OptionDef[];
	/** budget method: the amount available. */
	budget?: number;
	/** dot method: dots each voter may spread. */
	dots?: number;
	/** majority-judgment: grade labels, best first. */
	grades?: string[];
	/** Optional colleges (SCIC-style weighting). */
	colleges?: College[];
}

export interface Election extends ElectionConfig {
	ballots: Ballot[];
}

export type BallotValidation = { ok: true } | { ok: false; reason: string };

/** A problem with an election's configuration (not with a ballot). */
export interface ConfigProblem {
	path: (string | number)[];
	message: string;
}

/** option id → option id → number */
export type Matrix = Record<string, Record<string, number>>;

interface BaseResult<M extends Method, T> {
	method: M;
	/** Winning option ids. Several only for a genuine tie the method cannot break. Empty if nothing was elected. */
	winners: string[];
	/** Option ids, best first (all options, except yes-no-abstain: `[motion]` if adopted, else `[]`). */
	ranking: string[];
	/**
	 * Per method: plurality / approval / dot / budget / borda → option → weighted score;
	 * yes-no-abstain → position → weight; schulze → pairwise matrix d[a][b]; irv → FIRST-round tallies
	 * (see `rounds`); majority-judgment → option → weight per grade index (histogram, best first).
	 */
	tallies: T;
	/** Number of valid ballots (not weights). */
	valid: number;
	/** Number of invalid ballots. */
	invalid: number;
	/** reason → number of invalid ballots, reasons sorted. */
	invalidReasons: Record<string, number>;
	/** Total effective weight of the valid ballots. */
	totalWeight: number;
	/** The deterministic tie rule used, in one or two sentences. */
	tieBreak: string;
	/** Groups (size ≥ 2) of options the method could not separate, in ranking order. */
	ties: string[][];
}

export type PluralityResult = BaseResult<'plurality', Record<string, number>>;
export type ApprovalResult = BaseResult<'approval', Record<string, number>>;
export type DotResult = BaseResult<'dot', Record<string, number>> & { dots: number };

export interface BudgetResult extends BaseResult<'budget', Record<string, number>> {
	budget: number;
	/** Funded project ids, in funding order (= `winners`). */
	funded: string[];
	spent: number;
	remaining: number;
}

export interface YesNoAbstainResult
	extends BaseResult<'yes-no-abstain', Record<Position, number>> {
	/** `for` strictly exceeds `against` and nobody objected. */
	adopted: boolean;
	/** At least one valid `object` ballot. */
	blocked: boolean;
	/** Number of valid `object` ballots. */
	objectionCount: number;
	/** Reasons given by objectors (non-empty ones), sorted. */
	objections: string[];
}

export interface SchulzeResult extends BaseResult<'schulze', Matrix> {
	/** Strength of the widest path (winning votes) from each option to each other one. */
	strongestPaths: Matrix;
	/** Ranking as tiers: tier 0 = Schulze winners, then the best of the rest, etc. */
	tiers: string[][];
}

export interface IrvRound {
	/** Tallies of the continuing options in this round. */
	tallies: Record<string, number>;
	/** Weight of ballots with no continuing option left. */
	exhausted: number;
	/** Option eliminated at the end of this round (null in the last round). */
	eliminated: string | null;
	/** How a tie for last place was broken, if there was one. */
	tieBreak: 'previous-rounds' | 'file-order' | null;
}

export interface IrvResult extends BaseResult<'irv', Record<string, number>> {
	rounds: IrvRound[];
}

export type BordaResult = BaseResult<'borda', Record<string, number>>;

export interface MajorityGauge {
	/** Share of the weight grading strictly better than the majority grade. */
	p: number;
	/** Majority grade (lower median), index into `grades` (0 = best). */
	grade: number;
	/** Share of the weight grading strictly worse than the majority grade. */
	q: number;
	/** '+' when p > q (the grade leans up), '-' otherwise. */
	sign: '+' | '-';
}

export interface MajorityJudgmentResult
	extends BaseResult<'majority-judgment', Record<string, number[]>> {
	grades: string[];
	/** Majority grade (lower weighted median) per option, index into `grades`. */
	medians: Record<string, number>;
	medianLabels: Record<string, string>;
	gauges: Record<string, MajorityGauge>;
}

export type CountResult =
	| PluralityResult
	| ApprovalResult
	| YesNoAbstainResult
	| SchulzeResult
	| IrvResult
	| BordaResult
	| MajorityJudgmentResult
	| DotResult
	| BudgetResult;

export type ResultFor<M extends Method> = Extract<CountResult, { method: M }>;

/** Live tally: add/remove ballots one at a time, read the result at any moment. */
export interface Tally<R extends CountResult = CountResult> {
	/** Adds a ballot (valid or not: invalid ones are counted as invalid). */
	add(ballot: Ballot): void;
	/** Removes a ballot previously added (deep-equal). Throws if no such ballot was added. */
	remove(ballot: Ballot): void;
	result(): R;
	/** Number of ballots currently in the tally. */
	readonly size: number;
}
