/**
 * What every part of the consultations service shares: its dependencies, the input schemas, and the
 * small reads of a consultation's options, colleges and stored ballots.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ASSISTED_CHANNELS, ballotInputSchema, electionConfig } from '$lib/domain/consultations';
import type { Role, SpaceRef } from '$lib/domain/policy';
import type { Ballot, ElectionConfig } from '$lib/domain/voting';
import { first, type Data } from '../../db/data';
import { names, prepared, valuesOf } from '../../db/prepared';
import type { consultationOptions, consultations, participations } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import type { NotificationKind } from '../../db/schema';
import type { PendingNotification } from '../notifications/schemas';
import type { BallotBoxOptions } from './ballot-box';
import type { VoteTraceKeeperOptions } from '../indicators/vote-traces';
import { coalesced } from './coalesce';

export type ConsultationRow = typeof consultations.$inferSelect;
export type OptionRow = typeof consultationOptions.$inferSelect;
export type ParticipationRow = typeof participations.$inferSelect;

export const idSchema = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
/** What the voter types or her cookie carries: base32, spaces and dashes ignored. */
export const secretSchema = z
	.string()
	.transform((s) => s.toLowerCase().replace(/[\s-]/g, ''))
	.pipe(z.string().regex(/^[a-z2-7]{16,64}$/, 'votes.error.badCode'));

export const consultationRef = z.object({ consultationId: idSchema });
export const castSchema = z.object({
	consultationId: idSchema,
	ballot: ballotInputSchema,
	secret: secretSchema.optional(),
	/** Body consultations: vote with a proxy given by this member. */
	onBehalfOf: idSchema.optional()
});
export const assistedSchema = z.object({
	consultationId: idSchema,
	voterId: idSchema,
	channel: z.enum(ASSISTED_CHANNELS, 'votes.error.channel'),
	ballot: ballotInputSchema
});
export const batchSchema = z.object({
	consultationId: idSchema,
	kind: z.enum(['show-of-hands', 'paper'], 'votes.error.batchKind'),
	note: z.string().trim().max(300, 'error.tooLong').optional().default(''),
	/** option id (or position for/against/abstain/object) → number of hands or papers. */
	counts: z.record(z.string().max(64), z.coerce.number('votes.error.count').int('votes.error.count').min(0, 'votes.error.count').max(5000, 'votes.error.count')).optional(),
	/** Or one paper ballot, for any method, added to `batchId` when continuing a batch. */
	ballot: ballotInputSchema.optional(),
	batchId: idSchema.optional()
});
export const proxySchema = z.object({ consultationId: idSchema, holderId: idSchema });

/** The notifications service's two calls the consultations need (`record` joins our unit, `publish` after it). */
export interface Notifier {
	record(userIds: string[], kind: NotificationKind, target: { consultationId: string }, actorId: string | null, data: Record<string, unknown>): Promise<PendingNotification[]>;
	publish(pending: PendingNotification[]): Promise<void>;
}

/** A consultations service built alone (benchmarks, ballot-box tests) tells nobody. */
const nobody: Notifier = { record: async () => [], publish: async () => {} };

export interface ConsultationsOptions {
	/** Who is told about assisted votes and changed dates (the app passes its notifications service). */
	notifications?: Notifier;
	/** Where option photos are written; read lazily so tests can point it at their temporary folder. */
	uploadDir?: () => string;
	/** Group size, window and tally pace of the ballot box (see ballot-box.ts). */
	ballotBox?: BallotBoxOptions;
	/** When the votes' traces of participation are folded (services/indicators/vote-traces.ts). */
	traces?: VoteTraceKeeperOptions;
}

export const spaceOf = (c: Pick<ConsultationRow, 'spaceType' | 'spaceId'>): SpaceRef => ({ type: c.spaceType, id: c.spaceId });

/** The options of a consultation, in order (in the current unit when there is one). */
export async function optionsOf(data: Data, consultationId: string): Promise<OptionRow[]> {
	const { consultationOptions } = data.t;
	return data.db.select().from(consultationOptions).where(eq(consultationOptions.consultationId, consultationId)).orderBy(asc(consultationOptions.position), asc(consultationOptions.id));
}

export function toBallot(row: { content: Ballot; weight: number; college: string | null }): Ballot {
	const b: Ballot = { ...row.content };
	if (row.weight !== 1) b.weight = row.weight;
	if (row.college !== null) b.college = row.college;
	return b;
}

/** The ballots on disk (in the current unit when there is one), in the order of their random ids. */
export async function storedBallots(data: Data, consultationId: string): Promise<Ballot[]> {
	const { ballots } = data.t;
	const rows = await data.db
		.select({ content: ballots.content, weight: ballots.weight, college: ballots.college })
		.from(ballots)
		.where(eq(ballots.consultationId, consultationId))
		.orderBy(asc(ballots.id));
	return rows.map(toBallot);
}


/** A config no caller can change: its own copies of the options and grades, all frozen. */
function frozenConfig(config: ElectionConfig): ElectionConfig {
	return Object.freeze({
		...config,
		options: Object.freeze(config.options.map((o) => Object.freeze({ ...o }))),
		...(config.grades ? { grades: Object.freeze([...config.grades]) } : {})
	}) as ElectionConfig;
}

/** The reads every part needs, bound to the service's database. */
export function createContext(deps: ServiceDeps, notify: Notifier = nobody) {
	const { data } = deps;
	const { colleges, consultationOptions, memberships, participations } = data.t;

	/** The options of consultations, in order (built once per handle: see db/prepared.ts). */
	const optionsByConsultation = prepared(data, (db, n) =>
		db
			.select()
			.from(consultationOptions)
			.where(n === 1 ? eq(consultationOptions.consultationId, sql.placeholder('k0')) : inArray(consultationOptions.consultationId, names('k', n).map((k) => sql.placeholder(k))))
			.orderBy(asc(consultationOptions.consultationId), asc(consultationOptions.position), asc(consultationOptions.id))
			.prepare()
	);

	/** The options of consultations read in the same turn, in one query (see coalesce.ts). */
	const optionsFor = coalesced<OptionRow[]>(data, async (keys) => {
		const rows = await optionsByConsultation(keys.length).execute(valuesOf('k', keys));
		const found = new Map<string, OptionRow[]>(keys.map((k) => [k, []]));
		for (const r of rows) found.get(r.consultationId)!.push(r);
		return found;
	});

	async function collegesOf(c: ConsultationRow) {
		if (c.spaceType !== 'body' || c.weighting !== 'colleges') return undefined;
		return data.db.select().from(colleges).where(eq(colleges.bodyId, c.spaceId)).orderBy(asc(colleges.position), asc(colleges.id));
	}

	/**
	 * Configs built from a list of options as read (issue 15). A crowd voting in one consultation
	 * reads its options once per turn (`optionsFor` is coalesced: one list for all of them), and each
	 * vote built the same config again from it. Kept per list read (a new read, a new config: nothing
	 * outlives the rows it came from), then by the consultation's fields the config is made of.
	 * Frozen, since every caller of the turn shares it (db reads inside a unit are never shared).
	 */
	const configs = new WeakMap<OptionRow[], Map<string, ElectionConfig>>();

	async function configOf(c: ConsultationRow, opts?: OptionRow[]): Promise<ElectionConfig> {
		if (opts) return electionConfig({ ...c, options: opts }, await collegesOf(c));
		const read = (await optionsFor(c.id)) ?? [];
		const colleges = await collegesOf(c);
		// Colleges are read again at each call: those configs are not kept.
		if (colleges) return electionConfig({ ...c, options: read }, colleges);
		const key = JSON.stringify([c.method, c.method === 'yes-no-abstain' ? c.question : null, c.budget, c.dots, c.grades]);
		let byFields = configs.get(read);
		if (!byFields) configs.set(read, (byFields = new Map()));
		let config = byFields.get(key);
		if (!config) byFields.set(key, (config = frozenConfig(electionConfig({ ...c, options: read }))));
		return config;
	}

	async function rolesOf(userId: string): Promise<Map<string, Role[]>> {
		const rows = await data.db
			.select({ t: memberships.spaceType, s: memberships.spaceId, r: memberships.role })
			.from(memberships)
			.where(eq(memberships.userId, userId))
			.orderBy(asc(memberships.createdAt), asc(memberships.id));
		const roles = new Map<string, Role[]>();
		for (const r of rows) roles.set(`${r.t}:${r.s}`, [...(roles.get(`${r.t}:${r.s}`) ?? []), r.r]);
		return roles;
	}

	/** The elector's participation (in the current unit when there is one). */
	function participationOf(consultationId: string, electorKey: string): Promise<ParticipationRow | undefined> {
		return first(data.db.select().from(participations).where(and(eq(participations.consultationId, consultationId), eq(participations.electorKey, electorKey))));
	}

	return { ...deps, notify, collegesOf, configOf, rolesOf, participationOf };
}

export type Context = ReturnType<typeof createContext>;
