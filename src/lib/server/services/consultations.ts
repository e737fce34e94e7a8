/**
 * Consultations and votes. Counting is the shared library's (`$lib/domain/voting`): the same code
 * counts live tallies here, frozen results at close, the recount command and result pages.
 *
 * Secret ballots: a vote writes, in one transaction, a participation row (who, when, from which
 * building/college) and a ballot row that names nobody: random integer id (rowid order is random,
 * not insertion order), no timestamp, no participation id. The voter gets a random 120-bit secret
 * (kept in an httpOnly cookie scoped to the consultation, and shown once as a "code de vote").
 * The ballot stores SHA-256(secret); the participation stores SHA-256("p:" + secret). Two unrelated
 * hashes: the database alone cannot pair them, but the secret proves that ballot is hers, so she
 * (and only a holder of her secret) can see or replace it until the close. Replacing deletes the row
 * and inserts a new random id; `secure_delete` zeroes the old content in the file.
 *
 * Limits, said plainly: the live tally event sent right after a vote, in a small electorate, lets a
 * watcher guess that voter's choice (use "results after close" for sensitive questions); the server
 * process sees the voter and her ballot together while handling the request (nothing is logged);
 * the WAL file keeps page images of recent commits until checkpointed and overwritten, so a copy of
 * the raw files taken at that moment could pair pages written together; the secret is a bearer
 * token (whoever holds it can see and change that vote); a voter who loses cookie and code cannot
 * change her secret vote any more (she still sees that she voted, and when); in college-weighted
 * consultations the ballot carries its college, which is needed to count it.
 */
import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { sha256 } from '@oslojs/crypto/sha2';
import { join } from 'node:path';
import { z } from 'zod';
import {
	acceptsHandCount,
	ASSISTED_CHANNELS,
	ballotInputSchema,
	choiceOf,
	createConsultationSchema,
	electionConfig,
	GRADES_FR,
	isRanked,
	MOTION_ID,
	NARROW_SHARE,
	POSITIONS,
	type BallotInput
} from '$lib/domain/consultations';
import { authorize, can, roles as allRoles, type Actor, type Role, type SpaceRef } from '$lib/domain/policy';
import { count, createTally, toBallotFile, validateBallot, type Ballot, type BallotFile, type CountResult, type ElectionConfig, type Tally } from '$lib/domain/voting';
import { roomForSpace } from '$lib/realtime/events';
import type { BatchSummary, ConsultationLive, ConsultationStatus, Turnout, TurnoutGroup } from '$lib/realtime/vote-events';
import { config as appConfig } from '../config';
import { transaction, type Db } from '../db';
import {
	ballots,
	bodies,
	buildings,
	colleges,
	consultationOptions,
	consultations,
	decisions,
	households,
	memberships,
	participations,
	proposals,
	residences,
	users,
	voteBatches,
	voteProxies
} from '../db/schema';
import { photoDir, storePhoto } from '../uploads/photos';
import { audit } from './audit';
import type { ServiceDeps } from './deps';
import { notFound, UserError } from './errors';
import { parse } from './validate';

type ConsultationRow = typeof consultations.$inferSelect;
type OptionRow = typeof consultationOptions.$inferSelect;
type ParticipationRow = typeof participations.$inferSelect;

const idSchema = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
/** What the voter types or her cookie carries: base32, spaces and dashes ignored. */
const secretSchema = z
	.string()
	.transform((s) => s.toLowerCase().replace(/[\s-]/g, ''))
	.pipe(z.string().regex(/^[a-z2-7]{16,64}$/, 'votes.error.badCode'));

const consultationRef = z.object({ consultationId: idSchema });
const castSchema = z.object({
	consultationId: idSchema,
	ballot: ballotInputSchema,
	secret: secretSchema.optional(),
	/** Body consultations: vote with a proxy given by this member. */
	onBehalfOf: idSchema.optional()
});
const assistedSchema = z.object({
	consultationId: idSchema,
	voterId: idSchema,
	channel: z.enum(ASSISTED_CHANNELS, 'votes.error.channel'),
	ballot: ballotInputSchema
});
const confirmSchema = z.object({ consultationId: idSchema, secret: secretSchema.optional() });
const batchSchema = z.object({
	consultationId: idSchema,
	kind: z.enum(['show-of-hands', 'paper'], 'votes.error.batchKind'),
	note: z.string().trim().max(300, 'error.tooLong').optional().default(''),
	/** option id (or position for/against/abstain/object) → number of hands or papers. */
	counts: z.record(z.string().max(64), z.coerce.number('votes.error.count').int('votes.error.count').min(0, 'votes.error.count').max(5000, 'votes.error.count')).optional(),
	/** Or one paper ballot, for any method, added to `batchId` when continuing a batch. */
	ballot: ballotInputSchema.optional(),
	batchId: idSchema.optional()
});
const proxySchema = z.object({ consultationId: idSchema, holderId: idSchema });

/** Roles that may vote in a space of that type, read from the policy rather than repeated here. */
function votingRoles(type: SpaceRef['type']): Role[] {
	return allRoles.filter((role) => can({ id: '-', isAdmin: false, roles: new Map([[`${type}:-`, [role]]]) }, 'vote.cast', { type, id: '-' }));
}

const hash = (secret: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
/** Proves a secret belongs to a participation without sharing a value with the ballot row. */
const check = (secret: string) => hash(`p:${secret}`);
const share = (n: number, d: number) => (d > 0 ? n / d : 0);

interface Eligible {
	electorKey: string;
	householdId: string | null;
	buildingId: string | null;
	collegeId: string | null;
}

interface Group {
	id: string;
	name: string;
	electorate: number;
}

/** What is kept in memory per open consultation: the live tally and turnout counters. */
interface LiveState {
	config: ElectionConfig;
	tally: Tally;
	unit: Turnout['unit'];
	electorate: number;
	buildings: Group[];
	colleges: Group[];
	householdsTotal: number | null;
	participants: number;
	byBuilding: Map<string, number>;
	byCollege: Map<string, number>;
	households: Map<string, number>;
	batches: BatchSummary[];
	batchBallots: number;
	builtAt: number;
}

/** Electorate sizes are re-read this often, so newcomers count without a restart. */
const ELECTORATE_TTL = 60_000;

export interface ConsultationsOptions {
	/** Where option photos are written; read lazily so tests can point it at their temporary folder. */
	uploadDir?: () => string;
}

export function createConsultationsService(deps: ServiceDeps, options: ConsultationsOptions = {}) {
	const { db, clock, ids, bus } = deps;
	const uploadDir = options.uploadDir ?? (() => appConfig().UPLOAD_DIR);
	// A replaced secret ballot must not linger in free pages of the file: deleted rows are zeroed.
	db.$client.pragma('secure_delete = ON');
	const live = new Map<string, LiveState>();

	const spaceOf = (c: Pick<ConsultationRow, 'spaceType' | 'spaceId'>): SpaceRef => ({ type: c.spaceType, id: c.spaceId });

	/** A random positive integer below 2^53: ballot ids carry no order. */
	function randomBallotId(): number {
		const b = ids.bytes(7);
		let n = 0;
		for (const x of b) n = n * 256 + x;
		return (n % (2 ** 53 - 1)) + 1;
	}

	function newSecret(): string {
		// 120 bits: 24 characters, typed by hand only when changing device.
		return encodeBase32LowerCaseNoPadding(ids.bytes(15));
	}

	function optionsOf(tx: Db, consultationId: string): OptionRow[] {
		return tx.select().from(consultationOptions).where(eq(consultationOptions.consultationId, consultationId)).orderBy(asc(consultationOptions.position)).all();
	}

	function collegesOf(c: ConsultationRow) {
		if (c.spaceType !== 'body' || c.weighting !== 'colleges') return undefined;
		return db.select().from(colleges).where(eq(colleges.bodyId, c.spaceId)).orderBy(asc(colleges.position)).all();
	}

	function configOf(c: ConsultationRow, opts = optionsOf(db, c.id)): ElectionConfig {
		return electionConfig({ ...c, options: opts }, collegesOf(c));
	}

	function toBallot(row: { content: Ballot; weight: number; college: string | null }): Ballot {
		const b: Ballot = { ...row.content };
		if (row.weight !== 1) b.weight = row.weight;
		if (row.college !== null) b.college = row.college;
		return b;
	}

	function storedBallots(tx: Db, consultationId: string): Ballot[] {
		return tx
			.select({ content: ballots.content, weight: ballots.weight, college: ballots.college })
			.from(ballots)
			.where(eq(ballots.consultationId, consultationId))
			.orderBy(asc(ballots.id))
			.all()
			.map(toBallot);
	}

	function load(id: string): ConsultationRow {
		const row = db.select().from(consultations).where(eq(consultations.id, id)).get();
		if (!row) throw notFound();
		return settle(row);
	}

	/** Applies a scheduled opening or closing whose time has come. */
	function settle(c: ConsultationRow): ConsultationRow {
		const now = clock.now();
		let row = c;
		if (row.status === 'draft' && row.opensAt && row.opensAt <= now && !(row.closesAt && row.closesAt <= now)) {
			row = openNow(row, null);
		}
		if (row.status === 'draft' && row.opensAt && row.closesAt && row.closesAt <= now) {
			// Opened and closed while nobody looked: it still opened, then closes with no vote.
			row = openNow(row, null);
		}
		if (row.status === 'open' && row.closesAt && row.closesAt <= now) row = closeNow(row, null);
		return row;
	}

	// ——— electorate and turnout ———

	function electorate(c: ConsultationRow): Pick<LiveState, 'unit' | 'electorate' | 'buildings' | 'colleges' | 'householdsTotal'> {
		if (c.spaceType === 'body' || c.spaceType === 'training') {
			const roles = votingRoles(c.spaceType);
			const rows = db
				.select({ userId: memberships.userId, collegeId: memberships.collegeId })
				.from(memberships)
				.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, roles)))
				.all();
			const college = new Map<string, string | null>();
			for (const r of rows) college.set(r.userId, college.get(r.userId) ?? r.collegeId);
			const cols = c.spaceType === 'body' ? db.select().from(colleges).where(eq(colleges.bodyId, c.spaceId)).orderBy(asc(colleges.position)).all() : [];
			const members = [...college.values()];
			const weighted = c.weighting === 'colleges';
			return {
				unit: 'member',
				electorate: weighted ? members.filter((k) => k !== null).length : members.length,
				buildings: [],
				colleges: cols.map((k) => ({ id: k.id, name: k.name, electorate: members.filter((m) => m === k.id).length })),
				householdsTotal: null
			};
		}
		const blds = db
			.select({ id: buildings.id, name: buildings.name })
			.from(buildings)
			.where(and(eq(buildings.residenceId, c.spaceId), c.electorate === 'building' && c.buildingId ? eq(buildings.id, c.buildingId) : undefined))
			.orderBy(asc(buildings.position))
			.all();
		const hh = db.select({ id: households.id, buildingId: households.buildingId }).from(households).where(eq(households.residenceId, c.spaceId)).all();
		const inScope = hh.filter((h) => blds.some((b) => b.id === h.buildingId));
		const householdsTotal = inScope.length;
		if (c.countBy === 'household') {
			return {
				unit: 'household',
				electorate: householdsTotal,
				buildings: blds.map((b) => ({ ...b, electorate: inScope.filter((h) => h.buildingId === b.id).length })),
				colleges: [],
				householdsTotal
			};
		}
		const voters = db
			.selectDistinct({ userId: memberships.userId, buildingId: households.buildingId })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.leftJoin(households, eq(households.id, users.householdId))
			.where(and(eq(memberships.spaceType, 'residence'), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, votingRoles('residence'))))
			.all();
		const people = new Map<string, string | null>();
		for (const v of voters) people.set(v.userId, people.get(v.userId) ?? v.buildingId);
		const scoped = [...people.values()].filter((b) => c.electorate !== 'building' || b === c.buildingId);
		return {
			unit: 'person',
			electorate: scoped.length,
			buildings: blds.map((b) => ({ ...b, electorate: scoped.filter((x) => x === b.id).length })),
			colleges: [],
			householdsTotal
		};
	}

	function batchesOf(consultationId: string): BatchSummary[] {
		return db
			.select({ b: voteBatches, name: users.displayName })
			.from(voteBatches)
			.innerJoin(users, eq(users.id, voteBatches.recordedBy))
			.where(eq(voteBatches.consultationId, consultationId))
			.orderBy(asc(voteBatches.recordedAt))
			.all()
			.map(({ b, name }) => ({ id: b.id, kind: b.kind, size: b.size, note: b.note, recordedBy: name, at: b.recordedAt.toISOString() }));
	}

	function buildState(c: ConsultationRow): LiveState {
		const opts = optionsOf(db, c.id);
		const config = configOf(c, opts);
		const tally = createTally({ ...config, ballots: storedBallots(db, c.id) });
		const parts = db
			.select({ buildingId: participations.buildingId, collegeId: participations.collegeId, householdId: participations.householdId })
			.from(participations)
			.where(eq(participations.consultationId, c.id))
			.all();
		const state: LiveState = {
			config,
			tally,
			...electorate(c),
			participants: 0,
			byBuilding: new Map(),
			byCollege: new Map(),
			households: new Map(),
			batches: batchesOf(c.id),
			batchBallots: 0,
			builtAt: clock.now().getTime()
		};
		for (const p of parts) countParticipation(state, p, 1);
		state.batchBallots = state.batches.reduce((n, b) => n + b.size, 0);
		return state;
	}

	function countParticipation(state: LiveState, p: Pick<ParticipationRow, 'buildingId' | 'collegeId' | 'householdId'>, delta: 1 | -1) {
		const bump = (m: Map<string, number>, k: string | null) => {
			if (k !== null) m.set(k, (m.get(k) ?? 0) + delta);
		};
		state.participants += delta;
		bump(state.byBuilding, p.buildingId);
		bump(state.byCollege, p.collegeId);
		bump(state.households, p.householdId);
	}

	/** The live state of a consultation, rebuilt from the database on first use (or after a restart). */
	function stateOf(c: ConsultationRow): LiveState {
		let state = live.get(c.id);
		if (!state) {
			state = buildState(c);
			if (c.status !== 'closed') live.set(c.id, state);
		} else if (clock.now().getTime() - state.builtAt > ELECTORATE_TTL) {
			Object.assign(state, electorate(c), { builtAt: clock.now().getTime() });
		}
		return state;
	}

	function turnoutOf(c: ConsultationRow, state: LiveState): Turnout {
		const q = c.quorum;
		const groups = (list: Group[], counts: Map<string, number>, withQuorum: boolean): TurnoutGroup[] =>
			list.map((g) => {
				const participants = counts.get(g.id) ?? 0;
				const s = share(participants, g.electorate);
				return { id: g.id, name: g.name, electorate: g.electorate, participants, share: s, quorumMet: withQuorum && q !== null ? s >= q : null };
			});
		const byCollege = groups(state.colleges, state.byCollege, c.quorumPerCollege);
		const s = share(state.participants, state.electorate);
		let met: boolean | null = null;
		if (q !== null) met = c.quorumPerCollege && byCollege.length ? byCollege.every((g) => g.electorate === 0 || g.quorumMet === true) : s >= q;
		const represented = state.households.size ? [...state.households.values()].filter((n) => n > 0).length : 0;
		const households =
			state.householdsTotal === null ? null : { total: state.householdsTotal, represented, share: share(represented, state.householdsTotal) };
		return {
			unit: state.unit,
			electorate: state.electorate,
			participants: state.participants,
			share: s,
			byBuilding: groups(state.buildings, state.byBuilding, false),
			byCollege,
			households,
			narrow: households !== null && households.total > 0 && households.share < NARROW_SHARE,
			batches: state.batches,
			batchBallots: state.batchBallots,
			quorum: { share: q, perCollege: c.quorumPerCollege, met }
		};
	}

	const resultsVisible = (c: ConsultationRow) => c.status === 'closed' || (c.status === 'open' && c.resultsVisibility === 'live');

	function snapshot(c: ConsultationRow): ConsultationLive {
		const state = stateOf(c);
		const result = c.status === 'closed' ? c.result : resultsVisible(c) ? state.tally.result() : null;
		return {
			consultationId: c.id,
			spaceKey: `${c.spaceType}:${c.spaceId}`,
			status: c.status,
			turnout: turnoutOf(c, state),
			result: result ?? null,
			at: clock.now().toISOString()
		};
	}

	function publish(c: ConsultationRow) {
		bus.publish(roomForSpace(c.spaceType, c.spaceId), 'vote.tally', snapshot(c));
	}

	// ——— eligibility ———

	function eligibility(voterId: string, voter: Actor, c: ConsultationRow): Eligible {
		const space = spaceOf(c);
		if (!can(voter, 'vote.cast', space)) throw new UserError('votes.error.notElector', {}, 403);
		if (c.spaceType === 'residence') {
			const user = db.select({ householdId: users.householdId }).from(users).where(eq(users.id, voterId)).get();
			const household = user?.householdId
				? db.select().from(households).where(and(eq(households.id, user.householdId), eq(households.residenceId, c.spaceId))).get()
				: undefined;
			if (c.electorate === 'building' && household?.buildingId !== c.buildingId) throw new UserError('votes.error.notInBuilding', {}, 403);
			if (c.countBy === 'household' && !household) throw new UserError('votes.error.noHousehold', {}, 403);
			return {
				electorKey: c.countBy === 'household' ? `h:${household!.id}` : `u:${voterId}`,
				householdId: household?.id ?? null,
				buildingId: household?.buildingId ?? null,
				collegeId: null
			};
		}
		const collegeId =
			db
				.select({ collegeId: memberships.collegeId })
				.from(memberships)
				.where(and(eq(memberships.userId, voterId), eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), isNotNull(memberships.collegeId)))
				.get()?.collegeId ?? null;
		if (c.weighting === 'colleges' && !collegeId) throw new UserError('votes.error.noCollege', {}, 403);
		return { electorKey: `u:${voterId}`, householdId: null, buildingId: null, collegeId };
	}

	/** Friendlier checks than the library's English reasons, for what people actually get wrong. */
	function checkBallot(c: ConsultationRow, config: ElectionConfig, input: BallotInput, collegeId: string | null): Ballot {
		const ballot = choiceOf(input);
		if (c.method === 'plurality' && !ballot.choice) throw new UserError('votes.error.pickOne');
		if (c.method === 'yes-no-abstain') {
			if (!ballot.position) throw new UserError('votes.error.position');
			if (ballot.position === 'object' && !ballot.reason) throw new UserError('votes.error.reasonNeeded');
			if (ballot.position !== 'object') delete ballot.reason;
		} else delete ballot.reason;
		if (isRanked(c.method) && !(ballot.ranking?.length)) throw new UserError('votes.error.rankOne');
		if (c.method === 'majority-judgment' && config.options.some((o) => ballot.grades?.[o.id] === undefined)) throw new UserError('votes.error.gradeAll');
		const full: Ballot = c.weighting === 'colleges' && collegeId ? { ...ballot, college: collegeId } : ballot;
		const check = validateBallot(config, full);
		if (!check.ok) {
			if (check.reason.includes('budget')) throw new UserError('votes.error.overBudget', { budget: config.budget ?? 0 });
			if (check.reason.includes('dots spent')) throw new UserError('votes.error.tooManyDots', { dots: config.dots ?? 0 });
			throw new UserError('votes.error.invalidBallot');
		}
		return ballot;
	}

	function participationOf(tx: Db, consultationId: string, electorKey: string) {
		return tx.select().from(participations).where(and(eq(participations.consultationId, consultationId), eq(participations.electorKey, electorKey))).get();
	}

	function ballotOf(tx: Db, c: ConsultationRow, p: ParticipationRow | undefined, secret: string | undefined) {
		if (c.secrecy === 'public') return p ? tx.select().from(ballots).where(eq(ballots.participationId, p.id)).get() : undefined;
		if (!secret || !p || p.secretCheck !== check(secret)) return undefined;
		return tx.select().from(ballots).where(and(eq(ballots.consultationId, c.id), eq(ballots.tokenHash, hash(secret)))).get();
	}

	interface Write {
		c: ConsultationRow;
		actorId: string;
		voterId: string;
		elig: Eligible;
		ballot: Ballot;
		channel: ParticipationRow['channel'];
		secret: string | undefined;
		confirm: boolean;
	}

	/** One vote, new or replacing the same elector's ballot, in one transaction. */
	function writeVote(w: Write) {
		const { c, elig, ballot } = w;
		const now = clock.now();
		const college = c.weighting === 'colleges' ? elig.collegeId : null;
		const stored = { consultationId: c.id, content: ballot, college, weight: 1 };
		return transaction(db, (tx) => {
			const existing = participationOf(tx, c.id, elig.electorKey);
			if (existing) {
				if (existing.userId !== w.voterId) {
					throw new UserError('votes.error.householdVoted', { date: existing.at }, 409);
				}
				const old = ballotOf(tx, c, existing, w.secret);
				if (!old) throw new UserError(w.secret ? 'votes.error.badCode' : 'votes.error.codeNeeded', {}, 409);
				if (c.secrecy === 'secret') {
					// A new random id: the replaced ballot does not keep a place that ties it to its first version.
					tx.delete(ballots).where(eq(ballots.id, old.id)).run();
					tx.insert(ballots).values({ ...stored, id: randomBallotId(), tokenHash: old.tokenHash }).run();
				} else {
					tx.update(ballots).set({ content: ballot, college }).where(eq(ballots.id, old.id)).run();
				}
				tx.update(participations)
					.set({ updatedAt: now, ...(w.confirm || existing.confirmedAt ? { confirmedAt: now } : {}) })
					.where(eq(participations.id, existing.id))
					.run();
				audit(tx, now, w.actorId, 'vote.changed', { type: 'consultation', id: c.id }, { voterId: w.voterId, channel: w.channel });
				return { previous: toBallot(old), participation: { ...existing, updatedAt: now }, secret: undefined, isNew: false };
			}
			const participation: ParticipationRow = {
				id: ids.id(),
				consultationId: c.id,
				electorKey: elig.electorKey,
				userId: w.voterId,
				castBy: w.actorId,
				channel: w.channel,
				householdId: elig.householdId,
				buildingId: elig.buildingId,
				collegeId: elig.collegeId,
				at: now,
				updatedAt: now,
				confirmedAt: w.channel === 'online' || w.channel === 'proxy' ? now : null,
				secretCheck: null
			};
			const secret = c.secrecy === 'secret' ? newSecret() : undefined;
			if (secret) participation.secretCheck = check(secret);
			tx.insert(participations).values(participation).run();
			tx.insert(ballots)
				.values({ ...stored, id: randomBallotId(), participationId: secret ? null : participation.id, tokenHash: secret ? hash(secret) : null })
				.run();
			audit(tx, now, w.actorId, w.channel === 'online' || w.channel === 'proxy' ? 'vote.cast' : 'vote.recordOnBehalf', { type: 'consultation', id: c.id }, {
				voterId: w.voterId,
				channel: w.channel
			});
			return { previous: undefined, participation, secret, isNew: true };
		});
	}

	function afterVote(c: ConsultationRow, elig: Eligible, ballot: Ballot, previous: Ballot | undefined, isNew: boolean) {
		const state = stateOf(c);
		const college = c.weighting === 'colleges' ? elig.collegeId : null;
		if (previous) state.tally.remove(previous);
		state.tally.add(toBallot({ content: ballot, weight: 1, college }));
		if (isNew) countParticipation(state, elig, 1);
		publish(c);
	}

	function requireOpen(c: ConsultationRow) {
		if (c.status !== 'open') throw new UserError(c.status === 'closed' ? 'votes.error.closed' : 'votes.error.notOpen', {}, 409);
	}

	// ——— opening and closing ———

	function openNow(c: ConsultationRow, actorId: string | null): ConsultationRow {
		const now = clock.now();
		const row = transaction(db, (tx) => {
			tx.update(consultations).set({ status: 'open', openedAt: now }).where(and(eq(consultations.id, c.id), eq(consultations.status, 'draft'))).run();
			audit(tx, now, actorId, 'consultation.opened', { type: 'consultation', id: c.id });
			return tx.select().from(consultations).where(eq(consultations.id, c.id)).get()!;
		});
		publish(row);
		return row;
	}

	function outcomeOf(result: CountResult, labels: Map<string, string>, quorumMet: boolean | null) {
		const adopted = result.method === 'yes-no-abstain' ? result.adopted && quorumMet !== false : null;
		const outcome = result.method === 'yes-no-abstain' ? (adopted ? [labels.get(MOTION_ID) ?? ''] : []) : result.winners.map((w) => labels.get(w) ?? w);
		return { adopted, outcome };
	}

	function closeNow(c: ConsultationRow, actorId: string | null): ConsultationRow {
		const now = clock.now();
		const opts = optionsOf(db, c.id);
		const config = configOf(c, opts);
		const row = transaction(db, (tx) => {
			// The frozen result is counted from the ballots on disk, not from the in-memory tally.
			const result = count({ ...config, ballots: storedBallots(tx, c.id) });
			const closed = { ...c, status: 'closed' as const, closedAt: now, result };
			const state = buildState(closed);
			const turnout = turnoutOf(closed, state);
			tx.update(consultations).set({ status: 'closed', closedAt: now, result }).where(eq(consultations.id, c.id)).run();
			const labels = new Map(config.options.map((o) => [o.id, o.label]));
			const { adopted, outcome } = outcomeOf(result, labels, turnout.quorum.met);
			tx.insert(decisions)
				.values({
					id: ids.id(),
					spaceType: c.spaceType,
					spaceId: c.spaceId,
					consultationId: c.id,
					title: c.question,
					method: c.method,
					outcome,
					adopted,
					quorumMet: turnout.quorum.met,
					result,
					turnout: turnout as unknown as Record<string, unknown>,
					decidedAt: now,
					recordedBy: actorId
				})
				.run();
			audit(tx, now, actorId, 'consultation.closed', { type: 'consultation', id: c.id }, { winners: result.winners, valid: result.valid, invalid: result.invalid });
			return closed;
		});
		live.delete(c.id);
		publish(row);
		return row;
	}

	function manageable(actor: Actor | null, id: string) {
		const c = load(parse(idSchema, id));
		authorize(actor, 'consultation.manage', spaceOf(c));
		return c;
	}

	function spaceName(space: SpaceRef): string {
		if (space.type === 'residence') return db.select({ name: residences.name }).from(residences).where(eq(residences.id, space.id)).get()?.name ?? '';
		if (space.type === 'body') return db.select({ name: bodies.name }).from(bodies).where(eq(bodies.id, space.id)).get()?.name ?? '';
		return '';
	}

	/** Options as voters see them; a linked idea's photo stands for the option (e.g. a bench model). */
	function publicOptions(c: ConsultationRow, opts: OptionRow[]) {
		const linked = opts.map((o) => o.proposalId).filter((x): x is string => !!x);
		const withPhoto = new Set(
			linked.length
				? db.select({ id: proposals.id }).from(proposals).where(and(inArray(proposals.id, linked), isNotNull(proposals.photo), isNull(proposals.hiddenAt))).all().map((p) => p.id)
				: []
		);
		return opts.map((o) => ({
			id: o.id,
			label: o.label,
			description: o.description,
			cost: o.cost,
			proposalId: o.proposalId,
			photoUrl: o.photo
				? `/c/${c.id}/photo/${o.id}`
				: o.proposalId && withPhoto.has(o.proposalId) && c.spaceType === 'residence'
					? `/r/${c.spaceId}/board/p/${o.proposalId}/photo`
					: null
		}));
	}

	function userName(id: string) {
		return db.select({ name: users.displayName }).from(users).where(eq(users.id, id)).get()?.name ?? '';
	}

	function proxyFor(c: ConsultationRow, actorId: string) {
		return db
			.select({ giverId: voteProxies.giverId, name: users.displayName })
			.from(voteProxies)
			.innerJoin(users, eq(users.id, voteProxies.giverId))
			.where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.holderId, actorId)))
			.all();
	}

	return {
		/** Opens a consultation (now, at `opensAt`, or later by hand). */
		/**
		 * `photos`: option index → picture already re-encoded without metadata (see uploads/photos.ts),
		 * e.g. the three bench models. Stored beside proposals' photos, served through the policy.
		 */
		create(actor: Actor | null, input: unknown, photos: ReadonlyMap<number, Buffer> = new Map()): { id: string } {
			const data = parse(createConsultationSchema, input);
			const space: SpaceRef = data.space;
			authorize(actor, 'consultation.manage', space);
			if (space.type === 'residence') {
				if (!db.select({ id: residences.id }).from(residences).where(eq(residences.id, space.id)).get()) throw notFound();
				if (data.buildingId && !db.select({ id: buildings.id }).from(buildings).where(and(eq(buildings.id, data.buildingId), eq(buildings.residenceId, space.id))).get())
					throw new UserError('votes.error.building');
			} else if (!db.select({ id: bodies.id }).from(bodies).where(eq(bodies.id, space.id)).get()) throw notFound();
			if (data.weighting === 'colleges' && space.type === 'body' && !db.select({ id: colleges.id }).from(colleges).where(eq(colleges.bodyId, space.id)).get())
				throw new UserError('votes.error.noColleges');
			for (const o of data.options) {
				if (!o.proposalId) continue;
				const p = db.select({ spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, o.proposalId)).get();
				if (!p || p.spaceId !== space.id) throw new UserError('votes.error.proposal');
			}
			const now = clock.now();
			const id = ids.id();
			const photoNames = new Map<number, string>();
			for (const [index, bytes] of photos) {
				if (!data.options[index]) continue;
				const name = `option-${ids.id()}.webp`;
				storePhoto(uploadDir(), name, bytes);
				photoNames.set(index, name);
			}
			const openNowFlag = data.openNow || (!!data.opensAt && data.opensAt <= now);
			transaction(db, (tx) => {
				tx.insert(consultations)
					.values({
						id,
						spaceType: space.type,
						spaceId: space.id,
						question: data.question,
						description: data.description,
						method: data.method,
						budget: data.method === 'budget' ? (data.budget ?? null) : null,
						dots: data.method === 'dot' ? (data.dots ?? null) : null,
						grades: data.method === 'majority-judgment' ? [...GRADES_FR] : null,
						electorate: data.electorate,
						buildingId: data.electorate === 'building' ? (data.buildingId ?? null) : null,
						countBy: space.type === 'residence' ? data.countBy : 'person',
						weighting: space.type === 'body' ? data.weighting : 'none',
						secrecy: data.secrecy,
						resultsVisibility: data.resultsVisibility,
						quorum: data.quorumPercent === undefined || data.quorumPercent === 0 ? null : data.quorumPercent / 100,
						quorumPerCollege: data.quorumPerCollege && data.weighting === 'colleges',
						opensAt: data.opensAt ?? null,
						closesAt: data.closesAt ?? null,
						status: openNowFlag ? 'open' : 'draft',
						openedAt: openNowFlag ? now : null,
						createdBy: actor.id,
						createdAt: now
					})
					.run();
				if (data.method !== 'yes-no-abstain')
					data.options.forEach((o, position) =>
						tx.insert(consultationOptions)
							.values({
								id: ids.id(),
								consultationId: id,
								position,
								label: o.label,
								description: o.description,
								cost: o.cost ?? null,
								proposalId: o.proposalId ?? null,
								photo: photoNames.get(position) ?? null
							})
							.run()
					);
				audit(tx, now, actor.id, 'consultation.created', { type: 'consultation', id }, { question: data.question, method: data.method, secrecy: data.secrecy });
			});
			if (openNowFlag) publish(load(id));
			return { id };
		},

		open(actor: Actor | null, input: unknown) {
			const { consultationId } = parse(consultationRef, input);
			const c = manageable(actor, consultationId);
			if (c.status !== 'draft') throw new UserError('votes.error.alreadyOpen', {}, 409);
			openNow(c, actor!.id);
		},

		close(actor: Actor | null, input: unknown) {
			const { consultationId } = parse(consultationRef, input);
			const c = manageable(actor, consultationId);
			requireOpen(c);
			return closeNow(c, actor!.id).result;
		},

		/** Consultations of a space, newest first, with whether the actor (or her household) took part. */
		list(actor: Actor | null, space: SpaceRef) {
			authorize(actor, 'space.view', space);
			const rows = db
				.select()
				.from(consultations)
				.where(and(eq(consultations.spaceType, space.type), eq(consultations.spaceId, space.id)))
				.all()
				.map(settle)
				.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
			const mine = rows.length
				? new Set(
						db
							.select({ id: participations.consultationId })
							.from(participations)
							.where(and(inArray(participations.consultationId, rows.map((r) => r.id)), eq(participations.userId, actor.id)))
							.all()
							.map((r) => r.id)
					)
				: new Set<string>();
			return {
				canManage: can(actor, 'consultation.manage', space),
				items: rows.map((c) => ({
					id: c.id,
					question: c.question,
					method: c.method,
					status: c.status,
					secrecy: c.secrecy,
					opensAt: c.opensAt,
					closesAt: c.closesAt,
					closedAt: c.closedAt,
					voted: mine.has(c.id)
				}))
			};
		},

		/** Everything the vote screen needs for this person. `secret` comes from her cookie or typed code. */
		view(actor: Actor | null, id: string, secret?: string) {
			const c = load(parse(idSchema, id));
			const space = spaceOf(c);
			authorize(actor, 'space.view', space);
			const opts = optionsOf(db, c.id);
			const config = configOf(c, opts);
			let eligibleError: string | null = null;
			let elig: Eligible | null = null;
			try {
				elig = eligibility(actor.id, actor, c);
			} catch (e) {
				if (!(e instanceof UserError)) throw e;
				eligibleError = e.code;
			}
			const code = secret ? secretSchema.safeParse(secret) : undefined;
			const cleanSecret = code?.success ? code.data : undefined;
			const p = elig ? participationOf(db, c.id, elig.electorKey) : undefined;
			const mineBallot = p && p.userId === actor.id ? ballotOf(db, c, p, cleanSecret) : undefined;
			const household = p && p.userId !== actor.id ? { at: p.at, by: userName(p.userId) } : null;
			const proxies = c.spaceType === 'body' ? proxyFor(c, actor.id) : [];
			const holders =
				c.spaceType === 'body' && elig && !p
					? db
							.select({ id: users.id, name: users.displayName })
							.from(memberships)
							.innerJoin(users, eq(users.id, memberships.userId))
							.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, votingRoles('body'))))
							.all()
							.filter((u, i, all) => u.id !== actor.id && all.findIndex((x) => x.id === u.id) === i)
					: [];
			const myProxy =
				c.spaceType === 'body'
					? (db
							.select({ holderId: voteProxies.holderId, name: users.displayName })
							.from(voteProxies)
							.innerJoin(users, eq(users.id, voteProxies.holderId))
							.where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id)))
							.get() ?? null)
					: null;
			return {
				consultation: {
					id: c.id,
					question: c.question,
					description: c.description,
					method: c.method,
					status: c.status as ConsultationStatus,
					secrecy: c.secrecy,
					resultsVisibility: c.resultsVisibility,
					electorate: c.electorate,
					countBy: c.countBy,
					weighting: c.weighting,
					budget: c.budget,
					dots: c.dots,
					grades: config.grades ?? null,
					opensAt: c.opensAt,
					closesAt: c.closesAt,
					openedAt: c.openedAt,
					closedAt: c.closedAt,
					quorum: c.quorum
				},
				space: { ...space, name: spaceName(space) },
				options: publicOptions(c, opts),
				motion: c.method === 'yes-no-abstain' ? { id: MOTION_ID, label: c.question } : null,
				can: {
					vote: !eligibleError && c.status === 'open' && !household,
					manage: can(actor, 'consultation.manage', space),
					recordOnBehalf: can(actor, 'vote.recordOnBehalf', space)
				},
				notEligible: eligibleError,
				mine: p
					? {
							self: p.userId === actor.id,
							at: p.at,
							updatedAt: p.updatedAt,
							channel: p.channel,
							castBy: p.castBy === actor.id ? null : userName(p.castBy),
							confirmedAt: p.confirmedAt,
							ballot: mineBallot ? mineBallot.content : null,
							needsCode: c.secrecy === 'secret' && !mineBallot
						}
					: null,
				household,
				proxies: proxies.map((x) => ({ ...x, voted: !!participationOf(db, c.id, `u:${x.giverId}`) })),
				proxyHolders: holders,
				myProxy,
				live: snapshot(c)
			};
		},

		/** A vote by the elector herself, or by a proxy holder. Returns the ballot secret when one was made. */
		cast(actor: Actor | null, input: unknown) {
			const data = parse(castSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			requireOpen(c);
			let voterId = actor.id;
			let voter: Actor = actor;
			let channel: ParticipationRow['channel'] = 'online';
			if (data.onBehalfOf) {
				const proxy = db
					.select()
					.from(voteProxies)
					.where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, data.onBehalfOf), eq(voteProxies.holderId, actor.id)))
					.get();
				if (!proxy) throw new UserError('votes.error.noProxy', {}, 403);
				voterId = data.onBehalfOf;
				voter = { id: voterId, isAdmin: false, roles: rolesOf(voterId) };
				channel = 'proxy';
			}
			const elig = eligibility(voterId, voter, c);
			const config = configOf(c);
			const ballot = checkBallot(c, config, data.ballot, elig.collegeId);
			const w = writeVote({ c, actorId: actor.id, voterId, elig, ballot, channel, secret: data.secret, confirm: true });
			afterVote(c, elig, ballot, w.previous, w.isNew);
			return { at: w.participation.at, updatedAt: w.participation.updatedAt, secret: w.secret, changed: !w.isNew };
		},

		/** A tenant's choice given at the door, by phone or on paper, entered by a facilitator. */
		recordAssisted(actor: Actor | null, input: unknown) {
			const data = parse(assistedSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			const voter: Actor = { id: data.voterId, isAdmin: false, roles: rolesOf(data.voterId) };
			const elig = eligibility(data.voterId, voter, c);
			if (participationOf(db, c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
			const ballot = checkBallot(c, configOf(c), data.ballot, elig.collegeId);
			const w = writeVote({ c, actorId: actor.id, voterId: data.voterId, elig, ballot, channel: data.channel, secret: undefined, confirm: false });
			afterVote(c, elig, ballot, undefined, true);
			return { at: w.participation.at, secret: w.secret };
		},

		/** The tenant confirms an assisted vote as recorded (a change confirms too). */
		confirm(actor: Actor | null, input: unknown) {
			const data = parse(confirmSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			requireOpen(c);
			const elig = eligibility(actor.id, actor, c);
			const p = participationOf(db, c.id, elig.electorKey);
			if (!p || p.userId !== actor.id) throw notFound();
			if (c.secrecy === 'secret' && !ballotOf(db, c, p, data.secret)) throw new UserError('votes.error.codeNeeded', {}, 409);
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(participations).set({ confirmedAt: now }).where(eq(participations.id, p.id)).run();
				audit(tx, now, actor.id, 'vote.confirmed', { type: 'consultation', id: c.id }, { channel: p.channel, recordedBy: p.castBy });
			});
			return { confirmedAt: now };
		},

		/**
		 * A show of hands or a paper count, as its own batch of anonymous ballots: either numbers per
		 * option (plurality, approval, for/against), or paper ballots entered one at a time (any method),
		 * each added to the batch the facilitator is filling.
		 */
		recordBatch(actor: Actor | null, input: unknown) {
			const data = parse(batchSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			if (c.weighting === 'colleges') throw new UserError('votes.error.batchColleges');
			const config = configOf(c);
			const made: Ballot[] = [];
			if (data.ballot) {
				made.push(checkBallot(c, config, data.ballot, null));
			} else {
				if (!acceptsHandCount(c.method)) throw new UserError('votes.error.batchMethod');
				const keys = c.method === 'yes-no-abstain' ? [...POSITIONS] : config.options.map((o) => o.id);
				for (const [key, n] of Object.entries(data.counts ?? {})) {
					if (n === 0) continue;
					if (!(keys as string[]).includes(key)) throw new UserError('error.invalidInput');
					const b: Ballot = c.method === 'plurality' ? { choice: key } : c.method === 'approval' ? { approve: [key] } : { position: key };
					for (let i = 0; i < n; i++) made.push(b);
				}
			}
			if (made.length === 0) throw new UserError('votes.error.emptyBatch');
			if (made.length > 5000) throw new UserError('votes.error.count');
			const now = clock.now();
			const continued = data.ballot && data.batchId
				? db.select().from(voteBatches).where(and(eq(voteBatches.id, data.batchId), eq(voteBatches.consultationId, c.id), eq(voteBatches.recordedBy, actor.id), eq(voteBatches.kind, 'paper'))).get()
				: undefined;
			if (data.batchId && data.ballot && !continued) throw notFound();
			const batchId = continued?.id ?? ids.id();
			const kind = data.ballot ? 'paper' : data.kind;
			const size = (continued?.size ?? 0) + made.length;
			transaction(db, (tx) => {
				if (continued) tx.update(voteBatches).set({ size }).where(eq(voteBatches.id, batchId)).run();
				else tx.insert(voteBatches).values({ id: batchId, consultationId: c.id, kind, note: data.note, size, recordedBy: actor.id, recordedAt: now }).run();
				for (const b of made) tx.insert(ballots).values({ id: randomBallotId(), consultationId: c.id, batchId, content: b, weight: 1 }).run();
				audit(tx, now, actor.id, 'vote.batch', { type: 'consultation', id: c.id }, { batchId, kind, added: made.length, ...(data.counts ? { counts: data.counts } : {}), note: data.note });
			});
			const state = stateOf(c);
			for (const b of made) state.tally.add(toBallot({ content: b, weight: 1, college: null }));
			state.batches = batchesOf(c.id);
			state.batchBallots += made.length;
			publish(c);
			return { batchId, size };
		},

		/** A body member entrusts her vote on this consultation to another member. */
		giveProxy(actor: Actor | null, input: unknown) {
			const data = parse(proxySchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			if (c.spaceType !== 'body') throw new UserError('votes.error.proxyBodyOnly');
			if (c.status === 'closed') throw new UserError('votes.error.closed', {}, 409);
			if (data.holderId === actor.id) throw new UserError('votes.error.proxySelf');
			const elig = eligibility(actor.id, actor, c);
			eligibility(data.holderId, { id: data.holderId, isAdmin: false, roles: rolesOf(data.holderId) }, c);
			if (participationOf(db, c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
			const limit = db.select({ limit: bodies.proxyLimit }).from(bodies).where(eq(bodies.id, c.spaceId)).get()?.limit ?? 0;
			const now = clock.now();
			transaction(db, (tx) => {
				const held = tx.select({ id: voteProxies.id }).from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.holderId, data.holderId))).all();
				if (held.length >= limit) throw new UserError('votes.error.proxyLimit', { limit }, 409);
				if (tx.select({ id: voteProxies.id }).from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id))).get())
					throw new UserError('votes.error.proxyGiven', {}, 409);
				tx.insert(voteProxies).values({ id: ids.id(), consultationId: c.id, giverId: actor.id, holderId: data.holderId, createdAt: now }).run();
				audit(tx, now, actor.id, 'vote.proxyGiven', { type: 'consultation', id: c.id }, { holderId: data.holderId });
			});
		},

		revokeProxy(actor: Actor | null, input: unknown) {
			const { consultationId } = parse(consultationRef, input);
			const c = load(consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			const now = clock.now();
			transaction(db, (tx) => {
				const row = tx.select().from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id))).get();
				if (!row) throw notFound();
				if (participationOf(tx, c.id, `u:${actor.id}`)) throw new UserError('votes.error.proxyUsed', {}, 409);
				tx.delete(voteProxies).where(eq(voteProxies.id, row.id)).run();
				audit(tx, now, actor.id, 'vote.proxyRevoked', { type: 'consultation', id: c.id }, { holderId: row.holderId });
			});
		},

		/** Results page: the result when visible, turnout, quorum, the decision once closed. */
		results(actor: Actor | null, id: string) {
			const c = load(parse(idSchema, id));
			const space = spaceOf(c);
			authorize(actor, 'space.view', space);
			const opts = optionsOf(db, c.id);
			const config = configOf(c, opts);
			const decision = db.select().from(decisions).where(eq(decisions.consultationId, c.id)).get() ?? null;
			const visible = resultsVisible(c);
			// Public consultations: members see who voted what (not for batches, which are anonymous).
			const named =
				c.secrecy === 'public' && visible && can(actor, 'space.members', space)
					? db
							.select({ name: users.displayName, content: ballots.content, channel: participations.channel })
							.from(ballots)
							.innerJoin(participations, eq(participations.id, ballots.participationId))
							.innerJoin(users, eq(users.id, participations.userId))
							.where(eq(ballots.consultationId, c.id))
							.orderBy(asc(users.displayName))
							.all()
					: [];
			return {
				consultation: { id: c.id, question: c.question, description: c.description, method: c.method, status: c.status, secrecy: c.secrecy, resultsVisibility: c.resultsVisibility, closedAt: c.closedAt, closesAt: c.closesAt, countBy: c.countBy, weighting: c.weighting, budget: c.budget, dots: c.dots },
				space: { ...space, name: spaceName(space) },
				options: config.options.map((o) => ({ id: o.id, label: o.label, cost: o.cost ?? null })),
				grades: config.grades ?? null,
				colleges: (config.colleges ?? []).map((k) => ({ ...k, name: collegesOf(c)?.find((x) => x.id === k.id)?.name ?? k.id })),
				live: snapshot(c),
				decision: decision ? { id: decision.id, outcome: decision.outcome, adopted: decision.adopted, quorumMet: decision.quorumMet, decidedAt: decision.decidedAt } : null,
				named,
				can: { manage: can(actor, 'consultation.manage', space), recordOnBehalf: can(actor, 'vote.recordOnBehalf', space) }
			};
		},

		/** File of an option's photo, for members of the consultation's space only. */
		photoPath(actor: Actor | null, consultationId: string, optionId: string): string {
			const c = load(parse(idSchema, consultationId));
			authorize(actor, 'space.view', spaceOf(c));
			const o = optionsOf(db, c.id).find((x) => x.id === optionId);
			if (!o?.photo) throw notFound();
			return join(photoDir(uploadDir()), o.photo);
		},

		/** Anonymised ballots of a closed consultation, as a `ballots/v1` file. */
		exportFile,

		/** The same ballots as CSV: one row per ballot, one column per option. */
		exportCsv(actor: Actor | null, id: string): string {
			return ballotFileToCsv(exportFile(actor, id));
		},

		/** For the facilitator's assisted-vote form: electors who have not voted yet. */
		electors(actor: Actor | null, id: string) {
			const c = load(parse(idSchema, id));
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			const roles = votingRoles(c.spaceType);
			const rows = db
				.selectDistinct({ id: users.id, name: users.displayName })
				.from(memberships)
				.innerJoin(users, eq(users.id, memberships.userId))
				.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, roles)))
				.orderBy(asc(users.displayName))
				.all();
			const out: { id: string; name: string; voted: boolean }[] = [];
			for (const r of rows) {
				try {
					const elig = eligibility(r.id, { id: r.id, isAdmin: false, roles: rolesOf(r.id) }, c);
					out.push({ ...r, voted: !!participationOf(db, c.id, elig.electorKey) });
				} catch (e) {
					if (!(e instanceof UserError)) throw e;
				}
			}
			return out;
		},

		/** Closed consultations of a space, as decisions (the public register will build on this). */
		decisions(actor: Actor | null, space: SpaceRef) {
			authorize(actor, 'space.view', space);
			return db
				.select({ id: decisions.id, consultationId: decisions.consultationId, title: decisions.title, method: decisions.method, outcome: decisions.outcome, adopted: decisions.adopted, quorumMet: decisions.quorumMet, decidedAt: decisions.decidedAt })
				.from(decisions)
				.where(and(eq(decisions.spaceType, space.type), eq(decisions.spaceId, space.id)))
				.all();
		},

		/** Applies due openings and closings (so a close is announced live even if nobody is looking). */
		sweep() {
			const due = db.select().from(consultations).where(inArray(consultations.status, ['draft', 'open'])).all();
			for (const c of due) settle(c);
		},

		/** For benchmarks and tests: drops the in-memory tallies, as a restart would. */
		forgetLiveState() {
			live.clear();
		}
	};

	function exportFile(actor: Actor | null, id: string): BallotFile {
		const c = load(parse(idSchema, id));
		authorize(actor, 'space.view', spaceOf(c));
		if (c.status !== 'closed') throw new UserError('votes.error.notClosed', {}, 409);
		// Ballot ids are random, so this order says nothing about who voted when.
		return toBallotFile({ ...configOf(c), ballots: storedBallots(db, c.id) });
	}

	function rolesOf(userId: string): Map<string, Role[]> {
		const rows = db.select({ t: memberships.spaceType, s: memberships.spaceId, r: memberships.role }).from(memberships).where(eq(memberships.userId, userId)).all();
		const roles = new Map<string, Role[]>();
		for (const r of rows) roles.set(`${r.t}:${r.s}`, [...(roles.get(`${r.t}:${r.s}`) ?? []), r.r]);
		return roles;
	}
}

/** CSV of a ballot file: `weight`, `college`, then per method one column per option (or position/reason). */
export function ballotFileToCsv(file: BallotFile): string {
	const optionIds = file.options.map((o) => o.id);
	const header = ['weight', 'college'];
	const rows: (string | number)[][] = [];
	const cell = (b: Ballot, id: string): string | number => {
		switch (file.method) {
			case 'plurality':
				return b.choice === id ? 1 : 0;
			case 'approval':
				return b.approve?.includes(id) ? 1 : 0;
			case 'budget':
				return b.select?.includes(id) ? 1 : 0;
			case 'dot':
				return b.dots?.[id] ?? 0;
			case 'majority-judgment': {
				const g = b.grades?.[id];
				return g === undefined ? '' : (file.grades?.[g] ?? g);
			}
			default: {
				const rank = b.ranking?.findIndex((group) => group.includes(id)) ?? -1;
				return rank < 0 ? '' : rank + 1;
			}
		}
	};
	if (file.method === 'yes-no-abstain') header.push('position', 'reason');
	else header.push(...file.options.map((o) => o.label));
	for (const b of file.ballots) {
		const base: (string | number)[] = [b.weight ?? 1, b.college ?? ''];
		if (file.method === 'yes-no-abstain') rows.push([...base, b.position ?? '', b.reason ?? '']);
		else rows.push([...base, ...optionIds.map((id) => cell(b, id))]);
	}
	// The BOM makes spreadsheet programs read the accents correctly.
	return stringify([header, ...rows], { bom: true });
}

export type ConsultationsService = ReturnType<typeof createConsultationsService>;
