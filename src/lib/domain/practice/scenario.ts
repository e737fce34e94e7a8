/**
 * A practice scenario as data: a versioned JSON document that trainers build, duplicate, export and
 * import between organisations. Everything in it is plain text, rendered as text; markup is refused
 * at the door so a hostile file cannot smuggle a script into a brief.
 */
import { z } from 'zod';
import { categories, statuses } from '../lifecycle';

export const SCENARIO_FORMAT = 'practice-scenario';
export const SCENARIO_VERSION = 1;
/** A scenario file larger than this is refused before it is parsed. */
export const SCENARIO_MAX_BYTES = 200_000;
export const MAX_HOUSEHOLDS = 500;

/** The three modules of the community-organisation training. */
export const MODULES = ['theory', 'methodology', 'innovation'] as const;
export type Module = (typeof MODULES)[number];

export const RESIDENCE_PLAYS = ['tenant', 'association', 'facilitator'] as const;
export const BODY_PLAYS = ['member', 'chair', 'secretary'] as const;
export const STEP_PLACES = ['board', 'votes', 'meeting', 'minutes', 'outside'] as const;

/** Angle brackets that open a tag, or a javascript: URL: never in a scenario's text. */
const MARKUP = /<\s*[/!?]?\s*[a-z]|javascript\s*:/i;

const text = (max: number, min = 0) =>
	z
		.string('practice.error.text')
		.trim()
		.min(min, 'practice.error.required')
		.max(max, 'practice.error.tooLong')
		.refine((s) => !MARKUP.test(s), 'practice.error.markup');
const key = z.string('practice.error.key').regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'practice.error.key');

const buildingSchema = z.object({ key, name: text(80, 1), households: z.number('practice.error.households').int().min(0).max(MAX_HOUSEHOLDS, 'practice.error.households') }).strict();
const collegeSchema = z.object({ key, name: text(80, 1), weight: z.number('practice.error.weight').min(0).max(1), seats: z.number().int().min(0).max(100) }).strict();

const spaceSchema = z.discriminatedUnion(
	'kind',
	[
		z.object({ kind: z.literal('residence'), name: text(120, 1), city: text(80), buildings: z.array(buildingSchema).min(1, 'practice.error.buildings').max(40) }).strict(),
		z.object({ kind: z.literal('body'), name: text(120, 1), description: text(1000), colleges: z.array(collegeSchema).min(1, 'practice.error.colleges').max(12) }).strict()
	],
	'practice.error.space'
);

const characterSchema = z.object({ key, name: text(80, 1), building: key.optional(), college: key.optional() }).strict();
const commentSchema = z.object({ author: key, body: text(1000, 1) }).strict();
const ideaSchema = z
	.object({
		key,
		title: text(200, 3),
		description: text(4000),
		category: z.enum(categories, 'practice.error.category').default('other'),
		status: z.enum(statuses, 'practice.error.status').default('idea'),
		author: key,
		comments: z.array(commentSchema).max(30).default([])
	})
	.strict();
const voteSchema = z
	.object({
		question: text(300, 3),
		description: text(2000),
		method: z.enum(['plurality', 'approval', 'yes-no-abstain'], 'practice.error.method'),
		options: z.array(text(200, 1)).max(12).default([])
	})
	.strict();
const meetingSchema = z.object({ title: text(200, 3), items: z.array(text(200, 3)).max(20).default([]) }).strict();
const roleSchema = z
	.object({
		key,
		title: text(80, 1),
		plays: z.enum([...RESIDENCE_PLAYS, ...BODY_PLAYS], 'practice.error.plays'),
		building: key.optional(),
		college: key.optional(),
		brief: text(4000, 1)
	})
	.strict();
const stepSchema = z.object({ key, title: text(200, 1), description: text(1000), place: z.enum(STEP_PLACES, 'practice.error.place') }).strict();

export const scenarioSchema = z
	.object({
		format: z.literal(SCENARIO_FORMAT, 'practice.error.format'),
		version: z.literal(SCENARIO_VERSION, 'practice.error.version'),
		language: z.enum(['fr', 'en'], 'practice.error.language'),
		title: text(200, 3),
		summary: text(2000),
		module: z.enum(MODULES, 'practice.error.module'),
		space: spaceSchema,
		characters: z.array(characterSchema).max(60).default([]),
		ideas: z.array(ideaSchema).max(60).default([]),
		vote: voteSchema.optional(),
		meeting: meetingSchema.optional(),
		roles: z.array(roleSchema).min(1, 'practice.error.roles').max(30),
		steps: z.array(stepSchema).min(1, 'practice.error.steps').max(20)
	})
	.strict()
	.superRefine((s, ctx) => {
		const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
		const unique = (list: { key: string }[], name: string) => {
			const seen = new Set<string>();
			list.forEach((x, i) => {
				if (seen.has(x.key)) issue([name, i, 'key'], 'practice.error.duplicateKey');
				seen.add(x.key);
			});
		};
		unique(s.characters, 'characters');
		unique(s.ideas, 'ideas');
		unique(s.roles, 'roles');
		unique(s.steps, 'steps');
		const chars = new Set(s.characters.map((c) => c.key));
		const residence = s.space.kind === 'residence' ? s.space : null;
		const body = s.space.kind === 'body' ? s.space : null;
		const buildings = new Set(residence?.buildings.map((b) => b.key) ?? []);
		const colleges = new Set(body?.colleges.map((c) => c.key) ?? []);
		if (residence) {
			unique(residence.buildings, 'space');
			const total = residence.buildings.reduce((n, b) => n + b.households, 0);
			if (total > MAX_HOUSEHOLDS) issue(['space', 'buildings'], 'practice.error.households');
		}
		if (body) unique(body.colleges, 'space');
		s.ideas.forEach((idea, i) => {
			if (!chars.has(idea.author)) issue(['ideas', i, 'author'], 'practice.error.unknownCharacter');
			idea.comments.forEach((c, j) => {
				if (!chars.has(c.author)) issue(['ideas', i, 'comments', j, 'author'], 'practice.error.unknownCharacter');
			});
		});
		if (body && s.ideas.length > 0) issue(['ideas'], 'practice.error.ideasInBody');
		if (residence && s.meeting) issue(['meeting'], 'practice.error.meetingInResidence');
		if (s.vote && s.vote.method !== 'yes-no-abstain' && s.vote.options.length < 2) issue(['vote', 'options'], 'practice.error.twoOptions');
		s.roles.forEach((r, i) => {
			const fits = residence ? (RESIDENCE_PLAYS as readonly string[]).includes(r.plays) : (BODY_PLAYS as readonly string[]).includes(r.plays);
			if (!fits) issue(['roles', i, 'plays'], 'practice.error.plays');
			if (r.building && !buildings.has(r.building)) issue(['roles', i, 'building'], 'practice.error.unknownBuilding');
			if (r.college && !colleges.has(r.college)) issue(['roles', i, 'college'], 'practice.error.unknownCollege');
			if (body && !r.college) issue(['roles', i, 'college'], 'practice.error.unknownCollege');
		});
		s.characters.forEach((c, i) => {
			if (c.building && !buildings.has(c.building)) issue(['characters', i, 'building'], 'practice.error.unknownBuilding');
			if (c.college && !colleges.has(c.college)) issue(['characters', i, 'college'], 'practice.error.unknownCollege');
		});
	});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioRole = Scenario['roles'][number];
export type ScenarioStep = Scenario['steps'][number];

export type ScenarioParse = { ok: true; scenario: Scenario } | { ok: false; message: string; path?: string };

/**
 * Reads a scenario file as it arrives (bytes or text): size first, then JSON, then the format and
 * version (with a message that names them), then the whole schema. Nothing is thrown.
 */
export function readScenario(raw: string | Uint8Array): ScenarioParse {
	const size = typeof raw === 'string' ? new TextEncoder().encode(raw).byteLength : raw.byteLength;
	if (size > SCENARIO_MAX_BYTES) return { ok: false, message: 'practice.error.tooBig' };
	const textValue = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: false }).decode(raw);
	let json: unknown;
	try {
		json = JSON.parse(textValue);
	} catch {
		return { ok: false, message: 'practice.error.json' };
	}
	if (!json || typeof json !== 'object' || Array.isArray(json)) return { ok: false, message: 'practice.error.json' };
	const head = json as Record<string, unknown>;
	if (head.format !== SCENARIO_FORMAT) return { ok: false, message: 'practice.error.format' };
	if (head.version !== SCENARIO_VERSION) return { ok: false, message: 'practice.error.version' };
	const parsed = scenarioSchema.safeParse(json);
	if (parsed.success) return { ok: true, scenario: parsed.data };
	const first = parsed.error.issues[0];
	const message = first?.message.startsWith('practice.') ? first.message : 'practice.error.invalid';
	return { ok: false, message, path: first?.path.join('.') };
}

/** The file a scenario is exported as: stable key order, two-space indent. */
export function writeScenario(scenario: Scenario): string {
	return JSON.stringify(scenario, null, 2) + '\n';
}

/** Households in a simulated residence, as labels like "A-01" (building key, number). */
export function householdLabels(scenario: Scenario): { building: string; label: string }[] {
	if (scenario.space.kind !== 'residence') return [];
	return scenario.space.buildings.flatMap((b) =>
		Array.from({ length: b.households }, (_, i) => ({ building: b.key, label: `${b.key.toUpperCase()}-${String(i + 1).padStart(2, '0')}` }))
	);
}
