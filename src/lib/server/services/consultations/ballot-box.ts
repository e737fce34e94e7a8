/**
 * The ballot box: where a vote is written. Secret ballots: a vote writes, in one transaction, a
 * participation row (who, when, from which building/college) and a ballot row that names nobody:
 * random integer id (rowid order is random, not insertion order), no timestamp, no participation id.
 * The voter gets a random 120-bit secret (kept in an httpOnly cookie scoped to the consultation, and
 * shown once as a "code de vote"). The ballot stores SHA-256(secret); the participation stores
 * SHA-256("p:" + secret). Two unrelated hashes: the database alone cannot pair them, but the secret
 * proves that ballot is hers, so she (and only a holder of her secret) can see or replace it until
 * the close. Replacing deletes the row and inserts a new random id; `secure_delete` zeroes the old
 * content in the file.
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
import { and, eq } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { sha256 } from '@oslojs/crypto/sha2';
import { choiceOf, isRanked, type BallotInput } from '$lib/domain/consultations';
import { authorize, type Actor } from '$lib/domain/policy';
import { validateBallot, type Ballot, type ElectionConfig } from '$lib/domain/voting';
import { transaction, type Db } from '../../db';
import { ballots, participations, voteProxies } from '../../db/schema';
import { audit } from '../audit';
import { UserError } from '../errors';
import { parse } from '../validate';
import { castSchema, spaceOf, toBallot, type ConsultationRow, type Context, type ParticipationRow } from './context';
import type { ElectorateReads, Eligible } from './electorate';
import { requireOpen, type Scheduling } from './scheduling';
import type { Tallies } from './tallies';

const hash = (secret: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
/** Proves a secret belongs to a participation without sharing a value with the ballot row. */
const check = (secret: string) => hash(`p:${secret}`);

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

export function createBallotBox(ctx: Context, { eligibility }: ElectorateReads, tallies: Tallies, { load }: Scheduling) {
	const { db, clock, ids, configOf, rolesOf, participationOf } = ctx;
	// A replaced secret ballot must not linger in free pages of the file: deleted rows are zeroed.
	db.$client.pragma('secure_delete = ON');

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

	return {
		randomBallotId,
		ballotOf,
		checkBallot,
		writeVote,
		api: {
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
				tallies.afterVote(c, elig, ballot, w.previous, w.isNew);
				return { at: w.participation.at, updatedAt: w.participation.updatedAt, secret: w.secret, changed: !w.isNew };
			}
		}
	};
}

export type BallotBox = ReturnType<typeof createBallotBox>;
