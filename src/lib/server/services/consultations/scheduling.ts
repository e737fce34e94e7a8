/**
 * Opening and closing: by hand, or when a scheduled time has come. Closing freezes the result,
 * counted from the ballots on disk, and records the decision.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { MOTION_ID, statusAt } from '$lib/domain/consultations';
import { roomForSpace } from '$lib/realtime/events';
import { turnoutOf } from '$lib/domain/electorate';
import { authorize, type Actor } from '$lib/domain/policy';
import { count, type CountResult } from '$lib/domain/voting';
import { first } from '../../db/data';
import { names, prepared, valuesOf } from '../../db/prepared';
import type { decisions } from '../../db/schema';
import { logAudit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import { coalesced } from './coalesce';
import { consultationRef, idSchema, spaceOf, storedBallots, type ConsultationRow, type Context } from './context';
import type { Tallies } from './tallies';

export function requireOpen(c: ConsultationRow) {
	if (c.status !== 'open') throw new UserError(c.status === 'closed' ? 'votes.error.closed' : 'votes.error.notOpen', {}, 409);
}

function outcomeOf(result: CountResult, labels: Map<string, string>, quorumMet: boolean | null) {
	const adopted = result.method === 'yes-no-abstain' ? result.adopted && quorumMet !== false : null;
	const outcome = result.method === 'yes-no-abstain' ? (adopted ? [labels.get(MOTION_ID) ?? ''] : []) : result.winners.map((w) => labels.get(w) ?? w);
	return { adopted, outcome };
}

type DecisionRow = typeof decisions.$inferSelect;

/**
 * `drain` writes the votes still waiting in the ballot box, so that the close counts them;
 * `afterSecretClose` is the engine's clean-up once a secret consultation's ballots are final.
 */
export function createScheduling(ctx: Context, tallies: Tallies, drain: (consultationId: string) => Promise<void>, afterSecretClose: () => Promise<void> = async () => {}) {
	const { data, clock, ids, bus, configOf } = ctx;
	const { consultations, decisions } = data.t;

	/** Consultation rows by id (built once per handle: see db/prepared.ts). */
	const rowsById = prepared(data, (db, n) =>
		db
			.select()
			.from(consultations)
			.where(n === 1 ? eq(consultations.id, sql.placeholder('k0')) : inArray(consultations.id, names('k', n).map((k) => sql.placeholder(k))))
			.prepare()
	);
	/** Consultation rows read in the same turn (a crowd voting in one consultation) share one query. */
	const rowOf = coalesced<ConsultationRow>(data, async (keys) => {
		const rows = await rowsById(keys.length).execute(valuesOf('k', keys));
		return new Map(rows.map((r) => [r.id, r]));
	});

	const stored = async (id: string): Promise<ConsultationRow> => {
		const row = await rowOf(id);
		if (!row) throw notFound();
		// Each caller gets its own copy of a row shared by a coalesced read.
		return { ...row };
	};

	/** For writes (a vote, a proxy, opening or closing by hand): applies a due transition first. */
	async function load(id: string): Promise<ConsultationRow> {
		return settle(await stored(id));
	}

	/** For reads (pages, exports): the row as of now, nothing written. */
	async function read(id: string): Promise<ConsultationRow> {
		return asOfNow(await stored(id));
	}

	/**
	 * The row with its status computed from its dates (domain `statusAt`), for reading. Closed by
	 * its dates but not yet frozen by the scheduler, it shows the result counted from the ballots on
	 * disk, as the scheduler will freeze it.
	 */
	async function asOfNow(c: ConsultationRow): Promise<ConsultationRow> {
		const status = statusAt(c, clock.now());
		if (status === c.status) return c;
		const openedAt = c.openedAt ?? c.opensAt;
		if (status === 'open') return { ...c, status, openedAt };
		const result = count({ ...(await configOf(c)), ballots: await storedBallots(data, c.id) });
		return { ...c, status, openedAt, closedAt: c.closesAt, result };
	}

	/** Writes a scheduled opening or closing whose time has come (the scheduler, and write paths). */
	async function settle(c: ConsultationRow): Promise<ConsultationRow> {
		const target = statusAt(c, clock.now());
		let row = c;
		// Opened and closed while nobody looked: it still opened, then closes with no vote.
		if (target !== 'draft' && row.status === 'draft') row = await openNow(row, null);
		if (target === 'closed' && row.status === 'open') row = await closeNow(row, null);
		return row;
	}

	async function openNow(c: ConsultationRow, actorId: string | null): Promise<ConsultationRow> {
		const now = clock.now();
		const row = await data.write(async (tx) => {
			const opened = await tx
				.update(consultations)
				.set({ status: 'open', openedAt: now })
				.where(and(eq(consultations.id, c.id), eq(consultations.status, 'draft')))
				.returning({ id: consultations.id });
			// Opened meanwhile (the scheduler on another node): said once.
			if (opened.length) await logAudit(data, now, actorId, 'consultation.opened', { type: 'consultation', id: c.id });
			return (await first(tx.select().from(consultations).where(eq(consultations.id, c.id))))!;
		});
		await tallies.publish(row);
		return row;
	}

	/** The decision a closed consultation records (written by closeNow; shown as of now before the scheduler wrote it). */
	async function decisionOf(closed: ConsultationRow & { result: CountResult }, actorId: string | null): Promise<DecisionRow> {
		const config = await configOf(closed);
		const turnout = turnoutOf(closed, await tallies.buildState(closed));
		const labels = new Map(config.options.map((o) => [o.id, o.label]));
		const { adopted, outcome } = outcomeOf(closed.result, labels, turnout.quorum.met);
		return {
			id: ids.id(),
			spaceType: closed.spaceType,
			spaceId: closed.spaceId,
			consultationId: closed.id,
			title: closed.question,
			method: closed.method,
			outcome,
			adopted,
			quorumMet: turnout.quorum.met,
			result: closed.result,
			turnout: turnout as unknown as Record<string, unknown>,
			decidedAt: closed.closedAt ?? clock.now(),
			recordedBy: actorId,
			reopenedAt: null
		};
	}

	/** A closed consultation's decision: as recorded, or (closed by its dates, not yet frozen) as it will be. */
	async function decisionAsOfNow(c: ConsultationRow): Promise<DecisionRow | null> {
		const recorded = await first(data.db.select().from(decisions).where(eq(decisions.consultationId, c.id)));
		if (recorded || c.status !== 'closed' || !c.result) return recorded ?? null;
		return decisionOf({ ...c, result: c.result }, null);
	}

	async function closeNow(c: ConsultationRow, actorId: string | null): Promise<ConsultationRow> {
		await drain(c.id);
		const now = clock.now();
		const config = await configOf(c);
		let decisionId = '';
		const row = await data.write(async (tx) => {
			// Closed meanwhile (the scheduler on another node, or a close by hand): nothing to write again.
			const current = await first(tx.select({ status: consultations.status }).from(consultations).where(eq(consultations.id, c.id)));
			if (current?.status === 'closed') return null;
			// The frozen result is counted from the ballots on disk, not from the in-memory tally.
			const result = count({ ...config, ballots: await storedBallots(data, c.id) });
			const closed = { ...c, status: 'closed' as const, closedAt: now, result };
			await tx.update(consultations).set({ status: 'closed', closedAt: now, result }).where(eq(consultations.id, c.id));
			// A vote reopened and closed again rewrites its decision (follow-ups point at the same row).
			const { id: newId, ...decision } = await decisionOf(closed, actorId);
			await tx.insert(decisions).values({ id: newId, ...decision }).onConflictDoUpdate({ target: decisions.consultationId, set: decision });
			decisionId = (await first(tx.select({ id: decisions.id }).from(decisions).where(eq(decisions.consultationId, c.id))))!.id;
			await logAudit(data, now, actorId, 'consultation.closed', { type: 'consultation', id: c.id }, { winners: result.winners, valid: result.valid, invalid: result.invalid });
			return closed;
		}, { durable: true });
		if (!row) return stored(c.id);
		tallies.drop(c.id);
		await tallies.publish(row);
		// For the decision register (and anyone following decisions): after commit, once.
		bus.publish(roomForSpace(c.spaceType, c.spaceId), 'consultation.closed', { consultationId: c.id, spaceKey: `${c.spaceType}:${c.spaceId}`, decisionId, closedAt: now.toISOString(), reopened: !!c.reopenedAt });
		if (c.secrecy === 'secret') await afterSecretClose();
		return row;
	}

	async function manageable(actor: Actor | null, id: string) {
		const c = await load(parse(idSchema, id));
		authorize(actor, 'consultation.manage', spaceOf(c));
		return c;
	}

	return {
		load,
		read,
		asOfNow,
		decisionAsOfNow,
		manageable,
		api: {
			async open(actor: Actor | null, input: unknown) {
				const { consultationId } = parse(consultationRef, input);
				const c = await manageable(actor, consultationId);
				if (c.status !== 'draft') throw new UserError('votes.error.alreadyOpen', {}, 409);
				await openNow(c, actor!.id);
			},

			async close(actor: Actor | null, input: unknown) {
				const { consultationId } = parse(consultationRef, input);
				const c = await manageable(actor, consultationId);
				requireOpen(c);
				return (await closeNow(c, actor!.id)).result;
			},

			/** Applies due openings and closings (so a close is announced live even if nobody is looking): the scheduler's job. */
			async sweep() {
				const due = await data.db.select().from(consultations).where(inArray(consultations.status, ['draft', 'open'])).orderBy(asc(consultations.createdAt), asc(consultations.id));
				for (const c of due) await settle(c);
			}
		}
	};
}

export type Scheduling = ReturnType<typeof createScheduling>;
