/**
 * Consultations: what a facilitator may configure and what a ballot form may carry, as zod schemas
 * (messages are i18n keys), plus the pure conversions between HTML forms, ballots and the counting
 * library's election config. Runs on the server and in the browser.
 */
import { assistedSettingsSchema } from './assisted';
import { z } from 'zod';
import { METHODS, type Ballot, type ElectionConfig, type Method } from './voting/types';
import { OPTION_ORDERS } from './ballot-order';
import { ASSISTED_CHANNELS, MAX_OPTIONS, POSITIONS, isRanked } from './methods';
import { parseLocalDateTime, toLocalDateTimeInput } from './local-time';

export { METHODS, POSITIONS, isRanked, ASSISTED_CHANNELS, MAX_OPTIONS, parseLocalDateTime, toLocalDateTimeInput };
export type { Method };
export { RANKED_METHODS, HAND_COUNT_METHODS, acceptsHandCount, type AssistedChannel } from './methods';

/** Majority-judgment grades, best first, as written in ballot files (displayed through i18n). */
export const GRADES_FR = ['Excellent', 'Très bien', 'Bien', 'Assez bien', 'Passable', 'Insuffisant', 'À rejeter'] as const;


export const ELECTORATES = ['residence', 'building', 'body'] as const;
export type Electorate = (typeof ELECTORATES)[number];
/** The one option of a for/against/abstain consultation: the question itself. */
export const MOTION_ID = 'motion';
/** Under this share of households, a result is flagged as resting on a narrow group. */
export const NARROW_SHARE = 0.1;

const id = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
const optionalText = (max: number) => z.string().trim().max(max, 'error.tooLong').optional().default('');
const optionalInt = (min: number, message: string) =>
	z.preprocess((v) => (v === '' || v === null ? undefined : v), z.coerce.number(message).int(message).min(min, message).optional());

const optionSchema = z.object({
	label: z.string().trim().min(1, 'votes.error.optionLabel').max(200, 'error.tooLong'),
	description: optionalText(1000),
	cost: optionalInt(0, 'votes.error.cost'),
	proposalId: z.preprocess((v) => (v === '' ? undefined : v), id.optional())
});

const date = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.coerce.date('votes.error.date').optional());

export const createConsultationSchema = z
	.object({
		space: z.object({ type: z.enum(['residence', 'body']), id }),
		question: z.string().trim().min(3, 'votes.error.question').max(300, 'error.tooLong'),
		description: optionalText(4000),
		method: z.enum(METHODS, 'votes.error.method'),
		options: z.array(optionSchema).max(MAX_OPTIONS, 'votes.error.tooManyOptions').default([]),
		optionOrder: z.enum(OPTION_ORDERS, 'error.invalidInput').default('random'),
		budget: optionalInt(1, 'votes.error.budget'),
		dots: optionalInt(1, 'votes.error.dots'),
		electorate: z.enum(ELECTORATES, 'votes.error.electorate'),
		buildingId: z.preprocess((v) => (v === '' ? undefined : v), id.optional()),
		countBy: z.enum(['person', 'household'], 'votes.error.electorate').default('person'),
		weighting: z.enum(['none', 'colleges'], 'votes.error.electorate').default('none'),
		secrecy: z.enum(['public', 'secret'], 'votes.error.secrecy'),
		resultsVisibility: z.enum(['live', 'afterClose'], 'votes.error.visibility'),
		/** Percent of the electorate, 0–100. */
		quorumPercent: optionalInt(0, 'votes.error.quorum').pipe(z.number().max(100, 'votes.error.quorum').optional()),
		quorumPerCollege: z.boolean().default(false),
		opensAt: date,
		closesAt: date,
		openNow: z.boolean().default(false),
		/** Ideas of the board the vote concerns besides its options (e.g. the idea a motion is about). */
		proposalIds: z.array(id).max(MAX_OPTIONS, 'votes.error.tooManyOptions').default([]),
		...assistedSettingsSchema.shape
	})
	.superRefine((d, ctx) => {
		const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
		if (d.method !== 'yes-no-abstain' && d.options.length < 2) issue('options', 'votes.error.twoOptions');
		if (d.method === 'budget') {
			if (d.budget === undefined) issue('budget', 'votes.error.budget');
			d.options.forEach((o, i) => {
				if (o.cost === undefined) ctx.addIssue({ code: 'custom', path: ['options', i, 'cost'], message: 'votes.error.cost' });
			});
		}
		if (d.method === 'dot' && d.dots === undefined) issue('dots', 'votes.error.dots');
		if (d.space.type === 'residence' && d.electorate === 'body') issue('electorate', 'votes.error.electorate');
		if (d.space.type === 'body' && d.electorate !== 'body') issue('electorate', 'votes.error.electorate');
		if (d.electorate === 'building' && !d.buildingId) issue('buildingId', 'votes.error.building');
		if (d.opensAt && d.closesAt && d.closesAt <= d.opensAt) issue('closesAt', 'votes.error.closeBeforeOpen');
	});
export type CreateConsultationInput = z.input<typeof createConsultationSchema>;
export type CreateConsultation = z.output<typeof createConsultationSchema>;

/** What a ballot may carry at the boundary; whether it fits the consultation is `validateBallot`'s call. */
export const ballotInputSchema = z
	.object({
		choice: z.string().max(64).optional(),
		approve: z.array(z.string().max(64)).max(MAX_OPTIONS).optional(),
		position: z.enum(POSITIONS, 'votes.error.position').optional(),
		reason: z.string().trim().max(1000, 'error.tooLong').optional(),
		ranking: z.array(z.array(z.string().max(64)).max(MAX_OPTIONS)).max(MAX_OPTIONS).optional(),
		grades: z.record(z.string().max(64), z.number().int().min(0).max(20)).optional(),
		dots: z.record(z.string().max(64), z.number().int().min(0).max(1000)).optional(),
		select: z.array(z.string().max(64)).max(MAX_OPTIONS).optional()
	})
	.strict();
export type BallotInput = z.output<typeof ballotInputSchema>;

/** Minimal FormData surface, so this runs on the server and in tests without a DOM. */
export interface FormLike {
	get(name: string): FormDataEntryValue | null;
	getAll(name: string): FormDataEntryValue[];
}

const str = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v.trim() : '');
const strs = (vs: FormDataEntryValue[]) => vs.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);

/**
 * Reads the vote form (`choice`, `approve`, `position` + `reason`, `rank.<option>`, `grade.<option>`,
 * `dots.<option>`, `select`) into a ballot of the method's shape. Empty answers become empty
 * choices; the counting library's validation then says whether the ballot is acceptable.
 */
export function ballotFromForm(method: Method, optionIds: readonly string[], form: FormLike): Record<string, unknown> {
	switch (method) {
		case 'plurality':
			return { choice: str(form.get('choice')) };
		case 'approval':
			return { approve: strs(form.getAll('approve')) };
		case 'yes-no-abstain': {
			const reason = str(form.get('reason'));
			const position = str(form.get('position')) || undefined;
			return position === 'object' && reason ? { position, reason } : { position };
		}
		case 'schulze':
		case 'irv':
		case 'borda': {
			// Equal rank numbers are a tie; options left without a rank come last together.
			const byRank = new Map<number, string[]>();
			for (const o of optionIds) {
				const raw = str(form.get(`rank.${o}`));
				if (!raw) continue;
				const rank = Number(raw);
				if (!Number.isInteger(rank) || rank < 1) continue;
				byRank.set(rank, [...(byRank.get(rank) ?? []), o]);
			}
			return { ranking: [...byRank.entries()].sort((a, b) => a[0] - b[0]).map(([, ids]) => ids) };
		}
		case 'majority-judgment': {
			const grades: Record<string, number> = {};
			for (const o of optionIds) {
				const raw = str(form.get(`grade.${o}`));
				if (raw !== '' && Number.isInteger(Number(raw))) grades[o] = Number(raw);
			}
			return { grades };
		}
		case 'dot': {
			const dots: Record<string, number> = {};
			for (const o of optionIds) {
				const raw = str(form.get(`dots.${o}`));
				const n = raw === '' ? 0 : Number(raw);
				if (Number.isInteger(n) && n > 0) dots[o] = n;
			}
			return { dots };
		}
		case 'budget':
			return { select: strs(form.getAll('select')) };
	}
}

/** The creation form: fixed option rows `option.<i>.label|cost|description|proposalId`, empty rows ignored. */
export function createInputFromForm(form: FormLike, space: { type: 'residence' | 'body'; id: string }): Record<string, unknown> {
	const options: Record<string, unknown>[] = [];
	for (let i = 0; i < MAX_OPTIONS; i++) {
		const label = str(form.get(`option.${i}.label`));
		if (!label) continue;
		options.push({
			label,
			cost: str(form.get(`option.${i}.cost`)),
			description: str(form.get(`option.${i}.description`)),
			proposalId: str(form.get(`option.${i}.proposalId`))
		});
	}
	const on = (name: string) => str(form.get(name)) === 'on' || str(form.get(name)) === 'true';
	return {
		space,
		question: str(form.get('question')),
		description: str(form.get('description')),
		method: str(form.get('method')),
		options,
		optionOrder: on('fixedOrder') ? 'fixed' : 'random',
		budget: str(form.get('budget')),
		dots: str(form.get('dots')),
		electorate: str(form.get('electorate')) || (space.type === 'body' ? 'body' : 'residence'),
		buildingId: str(form.get('buildingId')),
		countBy: str(form.get('countBy')) || 'person',
		weighting: on('colleges') ? 'colleges' : 'none',
		secrecy: str(form.get('secrecy')),
		resultsVisibility: str(form.get('resultsVisibility')),
		quorumPercent: str(form.get('quorumPercent')),
		quorumPerCollege: on('quorumPerCollege'),
		opensAt: parseLocalDateTime(str(form.get('opensAt'))) ?? '',
		closesAt: parseLocalDateTime(str(form.get('closesAt'))) ?? '',
		openNow: on('openNow'),
		assistedCounting: str(form.get('assistedCounting')) || 'apart',
		assistedCap: str(form.get('assistedCap')),
		proposalIds: form.getAll('proposalIds').flatMap((v) => (typeof v === 'string' && v ? [v] : []))
	};
}

export interface ConsultationShape {
	method: Method;
	question: string;
	budget: number | null;
	dots: number | null;
	grades: string[] | null;
	options: { id: string; label: string; cost: number | null }[];
}

/** The counting library's view of a consultation (colleges added by the caller when weighted). */
export function electionConfig(c: ConsultationShape, colleges?: { id: string; weight: number }[]): ElectionConfig {
	const options =
		c.method === 'yes-no-abstain'
			? [{ id: MOTION_ID, label: c.question }]
			: c.options.map((o) => (c.method === 'budget' ? { id: o.id, label: o.label, cost: o.cost ?? 0 } : { id: o.id, label: o.label }));
	const config: ElectionConfig = { method: c.method, options };
	if (c.method === 'budget') config.budget = c.budget ?? 0;
	if (c.method === 'dot') config.dots = c.dots ?? 1;
	if (c.method === 'majority-judgment') config.grades = c.grades ?? [...GRADES_FR];
	if (colleges?.length) config.colleges = colleges.map((k) => ({ id: k.id, weight: k.weight }));
	return config;
}

/** A ballot's choice only (what is stored and exported; weight and college live beside it). */
export function choiceOf(b: BallotInput): Ballot {
	const out: Ballot = {};
	for (const k of ['choice', 'approve', 'position', 'reason', 'ranking', 'grades', 'dots', 'select'] as const) {
		if (b[k] !== undefined) (out as Record<string, unknown>)[k] = b[k];
	}
	return out;
}

/** A consultation's status as stored: `draft` (upcoming), `open` or `closed`. */
export type ConsultationStatusName = 'draft' | 'open' | 'closed';

/**
 * Its status at `now`, from what was last written and its scheduled dates: an upcoming one whose
 * opening time has come is open, one whose closing time has come is closed (even if it was never
 * seen open). Pages read this; the scheduler writes the same transitions (server/scheduler.ts).
 */
export function statusAt(c: { status: ConsultationStatusName; opensAt: Date | null; closesAt: Date | null }, now: Date): ConsultationStatusName {
	if (c.status === 'closed') return 'closed';
	const opened = c.status === 'open' || (c.opensAt !== null && c.opensAt <= now);
	if (!opened) return 'draft';
	return c.closesAt !== null && c.closesAt <= now ? 'closed' : 'open';
}
