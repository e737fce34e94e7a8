/**
 * Writing a vote: checks, secrets and hashing, handed to the ballot box (`ballot-box.ts`) which
 * groups writes and decides when they reach the disk.
 *
 * Secret ballots: a participation row (who, from which building/college) and a ballot row that names
 * nobody: random integer id, no timestamp, no participation id. The voter gets a random 120-bit secret
 * (kept in an httpOnly cookie scoped to the consultation, and shown once as a "code de vote"). The
 * ballot stores SHA-256(secret); the participation stores SHA-256("p:" + secret). Two unrelated
 * hashes: the database alone cannot pair them, but the secret proves that ballot is hers, so she (and
 * only a holder of her secret) can see or replace it until the close. Replacing deletes the row and
 * inserts a new random id; `secure_delete` zeroes the old content. The secret is a bearer token;
 * a voter who loses cookie and code cannot change her secret vote any more; in college-weighted
 * consultations the ballot carries its college, which is needed to count it.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { choiceOf, isRanked, type BallotInput } from '$lib/domain/consultations';
import { authorize, type Actor } from '$lib/domain/policy';
import { validateBallot, type Ballot, type ElectionConfig } from '$lib/domain/voting';
import { first } from '../../db/data';
import { names, prepared, preparedInsert, slices, valuesOf, type RowOf } from '../../db/prepared';
import { sha256Hex } from '../../crypto';
import { timeOrderedId } from '../../ids';
import { UserError } from '../errors';
import { createVoteTraceKeeper, type VoteTraceKeeperOptions } from '../indicators/vote-traces';
import { parse } from '../validate';
import { createBallotBox, shuffle, type BallotBoxOptions, type GroupUnit, type Pending } from './ballot-box';
import { castSchema, spaceOf, toBallot, type ConsultationRow, type Context, type ParticipationRow } from './context';
import type { ElectorateReads, Eligible } from './electorate';
import { requireOpen, type Scheduling } from './scheduling';
import type { Tallies } from './tallies';

const hash = sha256Hex;
/** Proves a secret belongs to a participation without sharing a value with the ballot row. */
const check = (secret: string) => hash(`p:${secret}`);

export interface Write {
	c: ConsultationRow;
	actorId: string;
	voterId: string;
	elig: Eligible;
	ballot: Ballot;
	channel: ParticipationRow['channel'];
	secret: string | undefined;
	confirm: boolean;
}

/** An assisted vote leaving its wait: confirmed by the voter, or witnessed by a second staff member. */
export interface Settle {
	c: ConsultationRow;
	elig: Eligible;
	recordId: string;
	by: string;
	state: 'confirmed' | 'witnessed';
}

export interface Written {
	c: ConsultationRow;
	elig: Eligible;
	ballot: Ballot;
	previous: Ballot | undefined;
	participation: ParticipationRow;
	secret: string | undefined;
	isNew: boolean;
}

type Tables = typeof import('../../db/schema');
const ballotColumns = ['id', 'consultationId', 'participationId', 'tokenHash', 'content', 'college', 'weight'] as const;
const auditColumns = ['at', 'actorId', 'action', 'subjectType', 'subjectId', 'data'] as const;
type BallotRow = RowOf<Tables['ballots'], (typeof ballotColumns)[number]>;
type AuditRow = RowOf<Tables['auditLog'], (typeof auditColumns)[number]>;

/**
 * What one unit of the ballot box gathers (fresh at each attempt): the participations of its
 * electors read in one query at its start, and the rows its votes write, inserted together at its
 * end (a few statements per group instead of four per vote).
 */
interface UnitRows {
	/** `consultationId|electorKey` → the participation on disk when the unit began (when `prefetched`). */
	existing: Map<string, ParticipationRow>;
	prefetched: boolean;
	participations: ParticipationRow[];
	/** Public ballots (they name their participation: written after it). */
	ballots: BallotRow[];
	/** Secret ballots: written last, in a freshly shuffled order. */
	secretBallots: BallotRow[];
	audit: AuditRow[];
}

export function createVoteWriter(ctx: Context, tallies: Tallies, boxOptions: BallotBoxOptions = {}, traceOptions: VoteTraceKeeperOptions = {}) {
	const { data, clock, ids, participationOf } = ctx;
	const { assistedVotes, auditLog, ballots, participations } = data.t;
	const db = () => data.db;
	const units = new WeakMap<GroupUnit, UnitRows>();
	const traces = createVoteTraceKeeper(data, traceOptions);
	/** The participations of some electors of a consultation (built once per handle: see db/prepared.ts). */
	const participationsOf = prepared(data, (db, n) =>
		db
			.select()
			.from(participations)
			.where(and(eq(participations.consultationId, sql.placeholder('c')), inArray(participations.electorKey, names('k', n).map((k) => sql.placeholder(k)))))
			.prepare()
	);
	const insertParticipations = preparedInsert(data, participations, [
		'id',
		'consultationId',
		'electorKey',
		'userId',
		'castBy',
		'channel',
		'householdId',
		'buildingId',
		'collegeId',
		'at',
		'updatedAt',
		'confirmedAt',
		'confirmedBy',
		'secretCheck'
	]);
	const insertBallots = preparedInsert(data, ballots, ballotColumns);
	const insertAudit = preparedInsert(data, auditLog, auditColumns);

	/** The unit's gathered rows (a unit the box opened without `openUnit` gets an empty set, read per vote). */
	function rowsOf(unit: GroupUnit): UnitRows {
		let rows = units.get(unit);
		if (!rows) {
			rows = { existing: new Map(), prefetched: false, participations: [], ballots: [], secretBallots: [], audit: [] };
			units.set(unit, rows);
		}
		return rows;
	}

	/** One query per consultation of the group: its electors' participations, as the unit sees them. */
	async function openUnit(items: Pending<Written>[], unit: GroupUnit) {
		const rows: UnitRows = { existing: new Map(), prefetched: false, participations: [], ballots: [], secretBallots: [], audit: [] };
		units.set(unit, rows);
		const byConsultation = new Map<string, string[]>();
		for (const item of items) byConsultation.set(item.consultationId, [...(byConsultation.get(item.consultationId) ?? []), item.electorKey]);
		for (const [consultationId, keys] of byConsultation) {
			for (const some of slices(keys)) {
				const found = await participationsOf(some.length).execute(valuesOf('k', some, { c: consultationId }));
				for (const p of found) rows.existing.set(`${p.consultationId}|${p.electorKey}`, p);
			}
		}
		// From now on an elector absent from `existing` has no participation.
		rows.prefetched = true;
	}

	/** The elector's participation as the unit sees it: from the group's read, else one query. */
	async function existingOf(unit: GroupUnit, consultationId: string, electorKey: string) {
		const rows = rowsOf(unit);
		return rows.prefetched ? rows.existing.get(`${consultationId}|${electorKey}`) : participationOf(consultationId, electorKey);
	}

	/** Writes what the group's accepted votes gathered: participations, public ballots, audit, then secret ballots shuffled. */
	async function closeUnit(unit: GroupUnit) {
		const rows = units.get(unit);
		if (!rows) return;
		await insertParticipations(rows.participations);
		await insertBallots(rows.ballots);
		await insertAudit(rows.audit);
		await insertBallots(shuffle(rows.secretBallots, ids.bytes));
	}

	/** The audit entry of a vote, written with the group (in the unit: it commits with the vote). */
	function audit(unit: GroupUnit, actorId: string | null, action: string, subject: { type: string; id: string }, extra: Record<string, unknown>) {
		rowsOf(unit).audit.push({ at: unit.now, actorId, action, subjectType: subject.type, subjectId: subject.id, data: extra });
	}

	/** A ballot row, gathered: secret ones are written shuffled, after the group's participations. */
	function gatherBallot(unit: GroupUnit, row: BallotRow, secret: boolean) {
		const rows = rowsOf(unit);
		(secret ? rows.secretBallots : rows.ballots).push(row);
	}

	/** A random positive integer below 2^53: ballot ids carry no order. */
	function randomBallotId(): number {
		const b = ids.bytes(7);
		let n = 0;
		for (const x of b) n = n * 256 + x;
		return (n % (2 ** 53 - 1)) + 1;
	}

	/**
	 * A new ballot's id: random for a secret one (its place in the table and its indexes says nothing
	 * of when it came). A public ballot names its participation, so its place says nothing more: on
	 * SQLite it takes the next rowid (none given), and its row and its `ballots_consultation` entry
	 * (its consultation, no secret) go at the end instead of on a random page each (issue 15).
	 * PostgreSQL ballots have no default id.
	 */
	function ballotId(secret: boolean): number | undefined {
		return secret || data.dialect !== 'sqlite' ? randomBallotId() : undefined;
	}

	function newSecret(): string {
		// 120 bits: 24 characters, typed by hand only when changing device.
		return encodeBase32LowerCaseNoPadding(ids.bytes(15));
	}

	/** Her ballot (in the current unit when there is one): by participation, or by secret in a secret consultation. */
	async function ballotOf(c: ConsultationRow, p: ParticipationRow | undefined, secret: string | undefined) {
		if (c.secrecy === 'public') return p ? first(db().select().from(ballots).where(eq(ballots.participationId, p.id))) : undefined;
		if (!secret || !p || p.secretCheck !== check(secret)) return undefined;
		return first(db().select().from(ballots).where(and(eq(ballots.consultationId, c.id), eq(ballots.tokenHash, hash(secret)))));
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
		if (isRanked(c.method) && !ballot.ranking?.length) throw new UserError('votes.error.rankOne');
		if (c.method === 'majority-judgment' && config.options.some((o) => ballot.grades?.[o.id] === undefined)) throw new UserError('votes.error.gradeAll');
		const full: Ballot = c.weighting === 'colleges' && collegeId ? { ...ballot, college: collegeId } : ballot;
		const valid = validateBallot(config, full);
		if (!valid.ok) {
			if (valid.reason.includes('budget')) throw new UserError('votes.error.overBudget', { budget: config.budget ?? 0 });
			if (valid.reason.includes('dots spent')) throw new UserError('votes.error.tooManyDots', { dots: config.dots ?? 0 });
			throw new UserError('votes.error.invalidBallot');
		}
		return ballot;
	}


	/**
	 * One vote, new or replacing the same elector's ballot, inside the box's group unit. Every
	 * check throws before the first write; secret ballot rows are handed back to be written shuffled.
	 */
	async function apply(w: Write, fresh: string | undefined, unit: GroupUnit): Promise<Written> {
		const { now } = unit;
		const { c, elig, ballot } = w;
		const secretBallot = c.secrecy === 'secret';
		const college = c.weighting === 'colleges' ? elig.collegeId : null;
		const stored = { consultationId: c.id, content: ballot, college, weight: 1 };
		const subject = { type: 'consultation', id: c.id };
		const existing = await existingOf(unit, c.id, elig.electorKey);
		if (existing) {
			if (existing.userId !== w.voterId) throw new UserError('votes.error.householdVoted', { date: existing.at }, 409);
			// A vote recorded for her and not yet confirmed: her own vote takes its place.
			if (!existing.confirmedAt && (await replacePending(c.id, w.voterId, now))) {
				unit.erased();
				await db()
					.update(participations)
					.set({ castBy: w.actorId, channel: w.channel, updatedAt: now, confirmedAt: now, confirmedBy: w.actorId, secretCheck: fresh ? check(fresh) : null })
					.where(eq(participations.id, existing.id));
				const row = { ...stored, id: ballotId(!!fresh), participationId: fresh ? null : existing.id, tokenHash: fresh ? hash(fresh) : null };
				gatherBallot(unit, row, !!fresh);
				audit(unit, w.actorId, secretBallot ? 'vote.participated' : 'vote.cast', subject, { voterId: w.voterId, channel: w.channel });
				return { c, elig, ballot, previous: undefined, participation: { ...existing, updatedAt: now }, secret: fresh, isNew: true };
			}
			const old = await ballotOf(c, existing, w.secret);
			if (!old) throw new UserError(w.secret ? 'votes.error.badCode' : 'votes.error.codeNeeded', {}, 409);
			if (secretBallot) {
				// A new random id: the replaced ballot does not keep a place that ties it to its first version.
				unit.erased();
				await db().delete(ballots).where(eq(ballots.id, old.id));
				gatherBallot(unit, { ...stored, id: randomBallotId(), participationId: null, tokenHash: old.tokenHash }, true);
			} else {
				await db().update(ballots).set({ content: ballot, college }).where(eq(ballots.id, old.id));
			}
			await db()
				.update(participations)
				.set({ updatedAt: now, ...(w.confirm || existing.confirmedAt ? { confirmedAt: now } : {}) })
				.where(eq(participations.id, existing.id));
			// Secret consultations keep no per-vote audit beyond "participated".
			if (!secretBallot) audit(unit, w.actorId, 'vote.changed', subject, { voterId: w.voterId, channel: w.channel });
			return { c, elig, ballot, previous: toBallot(old), participation: { ...existing, updatedAt: now }, secret: undefined, isNew: false };
		}
		const participation: ParticipationRow = {
			// Sorts by time: the participations' key and the public ballots' index on it grow at their end.
			id: timeOrderedId(now, ids),
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
			confirmedBy: w.channel === 'online' || w.channel === 'proxy' ? w.actorId : null,
			secretCheck: fresh ? check(fresh) : null
		};
		rowsOf(unit).participations.push(participation);
		const row = { ...stored, id: ballotId(!!fresh), participationId: fresh ? null : participation.id, tokenHash: fresh ? hash(fresh) : null };
		gatherBallot(unit, row, !!fresh);
		const assisted = w.channel !== 'online' && w.channel !== 'proxy';
		const action = assisted ? 'vote.recordOnBehalf' : secretBallot ? 'vote.participated' : 'vote.cast';
		audit(unit, w.actorId, action, subject, { voterId: w.voterId, channel: w.channel });
		return { c, elig, ballot, previous: undefined, participation, secret: fresh, isNew: true };
	}

	/** Marks the pending assisted vote of this voter as replaced by her own; false when there is none. */
	async function replacePending(consultationId: string, voterId: string, now: Date): Promise<boolean> {
		const rec = await first(
			db()
				.select({ id: assistedVotes.id })
				.from(assistedVotes)
				.where(and(eq(assistedVotes.consultationId, consultationId), eq(assistedVotes.voterId, voterId), eq(assistedVotes.state, 'pending')))
		);
		if (!rec) return false;
		await db().update(assistedVotes).set({ state: 'replaced', settledBy: voterId, settledAt: now, ballot: null, college: null }).where(eq(assistedVotes.id, rec.id));
		return true;
	}

	/**
	 * An assisted vote confirmed or witnessed: its ballot leaves the waiting row (erased there) and is
	 * written like any vote, pooled and shuffled in a secret consultation. Only a voter confirming in
	 * her own browser gets a secret; a witnessed secret ballot has none (nobody can open it again).
	 */
	async function settle(s: Settle, fresh: string | undefined, unit: GroupUnit): Promise<Written> {
		const { now } = unit;
		const { c, elig } = s;
		const rec = await first(db().select().from(assistedVotes).where(and(eq(assistedVotes.id, s.recordId), eq(assistedVotes.state, 'pending'))));
		const p = await existingOf(unit, c.id, elig.electorKey);
		if (!rec?.ballot || !p || p.userId !== rec.voterId || p.confirmedAt) throw new UserError('votes.error.assistedGone', {}, 409);
		unit.erased();
		await db().update(assistedVotes).set({ state: s.state, settledBy: s.by, settledAt: now, ballot: null, college: null }).where(eq(assistedVotes.id, rec.id));
		await db()
			.update(participations)
			.set({ confirmedAt: now, confirmedBy: s.by, updatedAt: now, secretCheck: fresh ? check(fresh) : null })
			.where(eq(participations.id, p.id));
		const secretBallot = c.secrecy === 'secret';
		const row = { id: ballotId(secretBallot), consultationId: c.id, content: rec.ballot, college: rec.college, weight: 1, participationId: secretBallot ? null : p.id, tokenHash: fresh ? hash(fresh) : null };
		gatherBallot(unit, row, secretBallot);
		audit(unit, s.by, s.state === 'witnessed' ? 'vote.assistedWitnessed' : 'vote.assistedConfirmed', { type: 'consultation', id: c.id }, { voterId: rec.voterId, recordedBy: rec.recordedBy });
		return { c, elig, ballot: rec.ballot, previous: undefined, participation: { ...p, updatedAt: now }, secret: fresh, isNew: true };
	}

	const box = createBallotBox<Written>(
		{ db: ctx.db, data },
		clock,
		ids.bytes,
		{
			beforeUnit: (consultationIds) => consultationIds.forEach(tallies.hold),
			openUnit,
			closeUnit,
			async afterUnit(committed, consultationIds) {
				const touched = new Map<string, { c: ConsultationRow; n: number }>();
				for (const { result: r } of committed) {
					tallies.record(r.c, r.elig, r.ballot, r.previous, r.isNew);
					const t = touched.get(r.c.id) ?? { c: r.c, n: 0 };
					t.n++;
					touched.set(r.c.id, t);
				}
				consultationIds.forEach(tallies.release);
				// Their traces of participation are written by a fold of their own, a few hundred votes at a time.
				let fresh = 0;
				for (const { result: r } of committed) if (r.isNew) fresh++;
				if (fresh) traces.noted(fresh);
				for (const [, { c, n }] of touched) await tallies.published(c, n);
			}
		},
		boxOptions
	);

	/** Into the box for this elector; `mint`: whether a ballot secret is made (for whoever will hold it). */
	function submit(c: ConsultationRow, elig: Eligible, voterId: string, mint: boolean, write: (fresh: string | undefined, unit: GroupUnit) => Promise<Written>) {
		const secret = c.secrecy === 'secret';
		const fresh = secret && mint ? newSecret() : undefined;
		return box.submit({ consultationId: c.id, electorKey: elig.electorKey, voterId, secret, write: (unit) => write(fresh, unit) });
	}

	/** Queues a checked vote; resolves once it is on disk. */
	function writeVote(w: Write): Promise<Written> {
		return submit(w.c, w.elig, w.voterId, true, (fresh, unit) => apply(w, fresh, unit));
	}

	/** Queues a confirmed or witnessed assisted vote; resolves once it is on disk. */
	function settleAssisted(s: Settle): Promise<Written> {
		return submit(s.c, s.elig, s.by, s.state === 'confirmed', (fresh, unit) => settle(s, fresh, unit));
	}

	return { randomBallotId, ballotOf, checkBallot, writeVote, settleAssisted, box };
}

export type VoteWriter = ReturnType<typeof createVoteWriter>;

export function createCast(ctx: Context, { eligibility }: ElectorateReads, { load }: Scheduling, writer: VoteWriter) {
	const { data, configOf, rolesOf } = ctx;
	const { voteProxies } = data.t;
	return {
		/**
		 * A vote by the elector herself, or by a proxy holder. Resolves once the vote is on disk, with the
		 * ballot secret when one was made.
		 */
		async cast(actor: Actor | null, input: unknown) {
			const wanted = parse(castSchema, input);
			const c = await load(wanted.consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			requireOpen(c);
			let voterId = actor.id;
			let voter: Actor = actor;
			let channel: ParticipationRow['channel'] = 'online';
			if (wanted.onBehalfOf) {
				const proxy = await first(
					data.db
						.select()
						.from(voteProxies)
						.where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, wanted.onBehalfOf), eq(voteProxies.holderId, actor.id)))
				);
				if (!proxy) throw new UserError('votes.error.noProxy', {}, 403);
				voterId = wanted.onBehalfOf;
				voter = { id: voterId, isAdmin: false, roles: await rolesOf(voterId) };
				channel = 'proxy';
			}
			const elig = await eligibility(voterId, voter, c);
			const ballot = writer.checkBallot(c, await configOf(c), wanted.ballot, elig.collegeId);
			const w = await writer.writeVote({ c, actorId: actor.id, voterId, elig, ballot, channel, secret: wanted.secret, confirm: true });
			return { at: w.participation.at, updatedAt: w.participation.updatedAt, secret: w.secret, changed: !w.isNew };
		}
	};
}
