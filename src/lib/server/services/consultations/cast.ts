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
import { and, eq } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { choiceOf, isRanked, type BallotInput } from '$lib/domain/consultations';
import { authorize, type Actor } from '$lib/domain/policy';
import { validateBallot, type Ballot, type ElectionConfig } from '$lib/domain/voting';
import type { Db } from '../../db';
import { assistedVotes, ballots, participations, voteProxies } from '../../db/schema';
import { sha256Hex } from '../../crypto';
import { audit } from '../audit';
import { UserError } from '../errors';
import { parse } from '../validate';
import { createBallotBox, type BallotBoxOptions } from './ballot-box';
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

export function createVoteWriter(ctx: Context, tallies: Tallies, boxOptions: BallotBoxOptions = {}) {
	const { db, clock, ids, participationOf } = ctx;

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

	function ballotOf(tx: Db, c: ConsultationRow, p: ParticipationRow | undefined, secret: string | undefined) {
		if (c.secrecy === 'public') return p ? tx.select().from(ballots).where(eq(ballots.participationId, p.id)).get() : undefined;
		if (!secret || !p || p.secretCheck !== check(secret)) return undefined;
		return tx.select().from(ballots).where(and(eq(ballots.consultationId, c.id), eq(ballots.tokenHash, hash(secret)))).get();
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
	 * One vote, new or replacing the same elector's ballot, inside the box's group transaction. Every
	 * check throws before the first write; ballot rows are handed back to be written shuffled.
	 */
	function apply(tx: Db, w: Write, fresh: string | undefined, now: Date, ballotWrites: (() => void)[]): Written {
		const { c, elig, ballot } = w;
		const secretBallot = c.secrecy === 'secret';
		const college = c.weighting === 'colleges' ? elig.collegeId : null;
		const stored = { consultationId: c.id, content: ballot, college, weight: 1 };
		const subject = { type: 'consultation', id: c.id };
		const existing = participationOf(tx, c.id, elig.electorKey);
		if (existing) {
			if (existing.userId !== w.voterId) throw new UserError('votes.error.householdVoted', { date: existing.at }, 409);
			// A vote recorded for her and not yet confirmed: her own vote takes its place.
			if (!existing.confirmedAt && replacePending(tx, c.id, w.voterId, now)) {
				tx.update(participations)
					.set({ castBy: w.actorId, channel: w.channel, updatedAt: now, confirmedAt: now, confirmedBy: w.actorId, secretCheck: fresh ? check(fresh) : null })
					.where(eq(participations.id, existing.id))
					.run();
				const row = { ...stored, id: randomBallotId(), participationId: fresh ? null : existing.id, tokenHash: fresh ? hash(fresh) : null };
				if (fresh) ballotWrites.push(() => tx.insert(ballots).values(row).run());
				else tx.insert(ballots).values(row).run();
				audit(tx, now, w.actorId, secretBallot ? 'vote.participated' : 'vote.cast', subject, { voterId: w.voterId, channel: w.channel });
				return { c, elig, ballot, previous: undefined, participation: { ...existing, updatedAt: now }, secret: fresh, isNew: true };
			}
			const old = ballotOf(tx, c, existing, w.secret);
			if (!old) throw new UserError(w.secret ? 'votes.error.badCode' : 'votes.error.codeNeeded', {}, 409);
			if (secretBallot) {
				// A new random id: the replaced ballot does not keep a place that ties it to its first version.
				tx.delete(ballots).where(eq(ballots.id, old.id)).run();
				ballotWrites.push(() => tx.insert(ballots).values({ ...stored, id: randomBallotId(), tokenHash: old.tokenHash }).run());
			} else {
				tx.update(ballots).set({ content: ballot, college }).where(eq(ballots.id, old.id)).run();
			}
			tx.update(participations)
				.set({ updatedAt: now, ...(w.confirm || existing.confirmedAt ? { confirmedAt: now } : {}) })
				.where(eq(participations.id, existing.id))
				.run();
			// Secret consultations keep no per-vote audit beyond "participated".
			if (!secretBallot) audit(tx, now, w.actorId, 'vote.changed', subject, { voterId: w.voterId, channel: w.channel });
			return { c, elig, ballot, previous: toBallot(old), participation: { ...existing, updatedAt: now }, secret: undefined, isNew: false };
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
			confirmedBy: w.channel === 'online' || w.channel === 'proxy' ? w.actorId : null,
			secretCheck: fresh ? check(fresh) : null
		};
		tx.insert(participations).values(participation).run();
		const row = { ...stored, id: randomBallotId(), participationId: fresh ? null : participation.id, tokenHash: fresh ? hash(fresh) : null };
		if (fresh) ballotWrites.push(() => tx.insert(ballots).values(row).run());
		else tx.insert(ballots).values(row).run();
		const assisted = w.channel !== 'online' && w.channel !== 'proxy';
		const action = assisted ? 'vote.recordOnBehalf' : secretBallot ? 'vote.participated' : 'vote.cast';
		audit(tx, now, w.actorId, action, subject, { voterId: w.voterId, channel: w.channel });
		return { c, elig, ballot, previous: undefined, participation, secret: fresh, isNew: true };
	}

	/** Marks the pending assisted vote of this voter as replaced by her own; false when there is none. */
	function replacePending(tx: Db, consultationId: string, voterId: string, now: Date): boolean {
		const rec = tx
			.select({ id: assistedVotes.id })
			.from(assistedVotes)
			.where(and(eq(assistedVotes.consultationId, consultationId), eq(assistedVotes.voterId, voterId), eq(assistedVotes.state, 'pending')))
			.get();
		if (!rec) return false;
		tx.update(assistedVotes).set({ state: 'replaced', settledBy: voterId, settledAt: now, ballot: null, college: null }).where(eq(assistedVotes.id, rec.id)).run();
		return true;
	}

	/**
	 * An assisted vote confirmed or witnessed: its ballot leaves the waiting row (erased there) and is
	 * written like any vote, pooled and shuffled in a secret consultation. Only a voter confirming in
	 * her own browser gets a secret; a witnessed secret ballot has none (nobody can open it again).
	 */
	function settle(tx: Db, s: Settle, fresh: string | undefined, now: Date, ballotWrites: (() => void)[]): Written {
		const { c, elig } = s;
		const rec = tx.select().from(assistedVotes).where(and(eq(assistedVotes.id, s.recordId), eq(assistedVotes.state, 'pending'))).get();
		const p = participationOf(tx, c.id, elig.electorKey);
		if (!rec?.ballot || !p || p.userId !== rec.voterId || p.confirmedAt) throw new UserError('votes.error.assistedGone', {}, 409);
		tx.update(assistedVotes).set({ state: s.state, settledBy: s.by, settledAt: now, ballot: null, college: null }).where(eq(assistedVotes.id, rec.id)).run();
		tx.update(participations)
			.set({ confirmedAt: now, confirmedBy: s.by, updatedAt: now, secretCheck: fresh ? check(fresh) : null })
			.where(eq(participations.id, p.id))
			.run();
		const secretBallot = c.secrecy === 'secret';
		const row = { id: randomBallotId(), consultationId: c.id, content: rec.ballot, college: rec.college, weight: 1, participationId: secretBallot ? null : p.id, tokenHash: fresh ? hash(fresh) : null };
		if (secretBallot) ballotWrites.push(() => tx.insert(ballots).values(row).run());
		else tx.insert(ballots).values(row).run();
		audit(tx, now, s.by, s.state === 'witnessed' ? 'vote.assistedWitnessed' : 'vote.assistedConfirmed', { type: 'consultation', id: c.id }, { voterId: rec.voterId, recordedBy: rec.recordedBy });
		return { c, elig, ballot: rec.ballot, previous: undefined, participation: { ...p, updatedAt: now }, secret: fresh, isNew: true };
	}

	const box = createBallotBox<Written>(
		db,
		clock,
		ids.bytes,
		(committed) => {
			const touched = new Map<string, { c: ConsultationRow; n: number }>();
			for (const { result: r } of committed) {
				tallies.record(r.c, r.elig, r.ballot, r.previous, r.isNew);
				const t = touched.get(r.c.id) ?? { c: r.c, n: 0 };
				t.n++;
				touched.set(r.c.id, t);
			}
			for (const { c, n } of touched.values()) tallies.published(c, n);
		},
		boxOptions
	);

	/** Into the box for this elector; `mint`: whether a ballot secret is made (for whoever will hold it). */
	function submit(c: ConsultationRow, elig: Eligible, voterId: string, mint: boolean, write: (tx: Db, fresh: string | undefined, now: Date, ballotWrites: (() => void)[]) => Written) {
		const secret = c.secrecy === 'secret';
		const fresh = secret && mint ? newSecret() : undefined;
		return box.submit({ consultationId: c.id, electorKey: elig.electorKey, voterId, secret, write: (tx, now, ballotWrites) => write(tx, fresh, now, ballotWrites) });
	}

	/** Queues a checked vote; resolves once it is on disk. */
	function writeVote(w: Write): Promise<Written> {
		return submit(w.c, w.elig, w.voterId, true, (tx, fresh, now, ballotWrites) => apply(tx, w, fresh, now, ballotWrites));
	}

	/** Queues a confirmed or witnessed assisted vote; resolves once it is on disk. */
	function settleAssisted(s: Settle): Promise<Written> {
		return submit(s.c, s.elig, s.by, s.state === 'confirmed', (tx, fresh, now, ballotWrites) => settle(tx, s, fresh, now, ballotWrites));
	}

	return { randomBallotId, ballotOf, checkBallot, writeVote, settleAssisted, box };
}

export type VoteWriter = ReturnType<typeof createVoteWriter>;

export function createCast(ctx: Context, { eligibility }: ElectorateReads, { load }: Scheduling, writer: VoteWriter) {
	const { db, configOf, rolesOf } = ctx;
	return {
		/**
		 * A vote by the elector herself, or by a proxy holder. Resolves once the vote is on disk, with the
		 * ballot secret when one was made.
		 */
		async cast(actor: Actor | null, input: unknown) {
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
			const ballot = writer.checkBallot(c, configOf(c), data.ballot, elig.collegeId);
			const w = await writer.writeVote({ c, actorId: actor.id, voterId, elig, ballot, channel, secret: data.secret, confirm: true });
			return { at: w.participation.at, updatedAt: w.participation.updatedAt, secret: w.secret, changed: !w.isNew };
		}
	};
}
