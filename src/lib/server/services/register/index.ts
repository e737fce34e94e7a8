/**
 * The decision register (issue 11): every closed consultation and every motion voted in a meeting is
 * a decision (written by the consultations service when it closes). This service adds its
 * implementation follow-up: owner, status and progress, milestones, notes, a review date that
 * reminds the owner. Follow-ups are created from the bus after the closing commit, never on a page load.
 */
import { and, asc, desc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import { nameKey } from '$lib/domain/names';
import { checkFollowUp, isOpenFollowUp, isOverdue, type FollowUpStatus } from '$lib/domain/minutes';
import { authorize, can, canUpdateFollowUp, ForbiddenError, type Actor, type SpaceRef } from '$lib/domain/policy';
import { first, type AsyncDb } from '../../db/data';
import { practiceSpaceIds } from '../practice/marker';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import type { Inflight } from '../inflight';
import { createRegisterFeed } from './follow';
import type { createNotificationsService } from '../notifications';
import { UserError } from '../errors';
import { parse } from '../validate';

/**
 * A closed vote's turnout as its decision stored it (`turnoutOf` at the close): members who voted, the
 * electorate, and the votes counted by hand on top (`batchBallots`: show of hands, paper). Shared by
 * the registers and the portal's closed votes; `{}` (a reopened vote) reads as nothing yet.
 */
export function storedTurnout(turnout: unknown) {
	const t = (turnout ?? {}) as { participants?: number; electorate?: number; batchBallots?: number; byCollege?: { name: string; participants: number; electorate: number }[] };
	return {
		participants: t.participants ?? 0,
		electorate: t.electorate ?? 0,
		offline: t.batchBallots ?? 0,
		byCollege: (t.byCollege ?? []).map((c) => ({ name: c.name, participants: c.participants, electorate: c.electorate }))
	};
}

type Notifications = ReturnType<typeof createNotificationsService>;

const id = z.string({ message: 'register.error.invalid' }).min(1, 'register.error.invalid').max(64, 'register.error.invalid').regex(/^[A-Za-z0-9_-]+$/, 'register.error.invalid');
const optionalDate = z
	.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'register.error.date')])
	.transform((s) => (s ? new Date(`${s}T12:00:00Z`) : null));
export const followUpSchema = z.object({
	decisionId: id,
	ownerId: z.union([z.literal(''), id]).optional(),
	/** Another member, by name (where the list offers only the usual owners): it replaces `ownerId`. */
	ownerName: z.string().trim().max(200, 'register.error.tooLong').default(''),
	status: z.enum(['planned', 'inProgress', 'done', 'abandoned'], { message: 'register.error.invalid' }),
	progress: z.coerce.number({ message: 'register.error.progress' }).int('register.error.progress').min(0, 'register.error.progress').max(100, 'register.error.progress'),
	abandonReason: z.string().trim().max(2000, 'register.error.tooLong').default(''),
	reviewAt: optionalDate,
	note: z.string().trim().max(4000, 'register.error.tooLong').default('')
});
export const milestoneSchema = z.object({
	decisionId: id,
	title: z.string({ message: 'register.error.titleRequired' }).trim().min(1, 'register.error.titleRequired').max(300, 'register.error.tooLong'),
	dueAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'register.error.date').transform((s) => new Date(`${s}T12:00:00Z`))
});
export const milestoneDoneSchema = z.object({ decisionId: id, milestoneId: id, done: z.boolean() });

const registerError = (code: string, status: 400 | 404 | 409 = 400, values: Record<string, string> = {}) => new UserError(`register.error.${code}` as never, values, status);

/**
 * Up to this many members, the owner's list offers every one of them. Beyond (a residence of a large
 * estate: 2,000 names in one list per decision was 1.7 MB of page and a list no one can use), it offers
 * those who hold a role beyond a tenant's and those who already own a follow-up there; any other
 * member is named by her name (`ownerName`).
 */
export const OWNER_LIST_MAX = 100;

export function createRegisterService(deps: ServiceDeps, notifications: Notifications) {
	const { data: store, clock } = deps;
	const { consultationOptions, consultations, decisionFollowUps, decisionMilestones, decisionNotes, decisions, meetingMotions, memberships, minutes, minutesVersions, users } = store.t;

	async function loadDecision(decisionId: string) {
		const d = await first(store.db.select().from(decisions).where(eq(decisions.id, decisionId)));
		if (!d || d.spaceType === 'training') throw registerError('notFound', 404);
		return d;
	}
	const spaceOf = (d: { spaceType: string; spaceId: string }): SpaceRef => ({ type: d.spaceType as 'residence' | 'body', id: d.spaceId });

	async function ensureFollowUp(tx: AsyncDb, decisionId: string) {
		await tx.insert(decisionFollowUps).values({ decisionId, status: 'planned', progress: 0, updatedAt: clock.now() }).onConflictDoNothing();
	}

	const feed = createRegisterFeed(deps);
	const changed = feed.changed;

	/** Decisions of a space with follow-ups, milestones, notes and where each comes from. */
	async function entries(where: ReturnType<typeof and>, now: number) {
		const rows = await store.db
			.select({ d: decisions, f: decisionFollowUps, owner: users.displayName, reopenReason: consultations.reopenReason })
			.from(decisions)
			.leftJoin(decisionFollowUps, eq(decisionFollowUps.decisionId, decisions.id))
			.leftJoin(consultations, eq(consultations.id, decisions.consultationId))
			.leftJoin(users, eq(users.id, decisionFollowUps.ownerId))
			.where(where)
			.orderBy(desc(decisions.decidedAt));
		const ids = rows.map((r) => r.d.id);
		const cids = rows.flatMap((r) => (r.d.consultationId ? [r.d.consultationId] : []));
		const milestones = ids.length ? await store.db.select().from(decisionMilestones).where(inArray(decisionMilestones.decisionId, ids)).orderBy(asc(decisionMilestones.dueAt)) : [];
		const notes = ids.length
			? await store.db.select({ n: decisionNotes, author: users.displayName }).from(decisionNotes).innerJoin(users, eq(users.id, decisionNotes.authorId)).where(inArray(decisionNotes.decisionId, ids)).orderBy(desc(decisionNotes.createdAt), desc(decisionNotes.id))
			: [];
		const motions = cids.length ? await store.db.select({ cid: meetingMotions.consultationId, meetingId: meetingMotions.meetingId }).from(meetingMotions).where(inArray(meetingMotions.consultationId, cids)) : [];
		const meetingIds = [...new Set(motions.map((m) => m.meetingId))];
		const versions = meetingIds.length
			? await store.db.select({ meetingId: minutes.meetingId, sequence: minutesVersions.sequence, hash: minutesVersions.hash }).from(minutes).innerJoin(minutesVersions, eq(minutesVersions.id, minutes.versionId)).where(inArray(minutes.meetingId, meetingIds))
			: [];
		const proposals = cids.length ? await store.db.select({ cid: consultationOptions.consultationId, proposalId: consultationOptions.proposalId }).from(consultationOptions).where(inArray(consultationOptions.consultationId, cids)) : [];
		return rows.map(({ d, f, owner, reopenReason }) => {
			const ms = milestones.filter((m) => m.decisionId === d.id).map((m) => ({ id: m.id, title: m.title, dueAt: m.dueAt.getTime(), doneAt: m.doneAt?.getTime() ?? null }));
			const status: FollowUpStatus = f?.status ?? 'planned';
			// Newest first: the first "done" note dates the completion.
			const own = notes.filter((n) => n.n.decisionId === d.id).map((n) => ({ id: n.n.id, author: n.author, text: n.n.text, status: n.n.status, progress: n.n.progress, createdAt: n.n.createdAt.getTime() }));
			const reviewAt = f?.reviewAt?.getTime() ?? null;
			const meetingId = motions.find((m) => m.cid === d.consultationId)?.meetingId ?? null;
			// Reopened: the vote goes on, its former result is withdrawn until the next close rewrites it.
			const reopened = d.reopenedAt ? { at: d.reopenedAt.getTime(), reason: reopenReason ?? '' } : null;
			return {
				id: d.id,
				space: { type: d.spaceType, id: d.spaceId },
				consultationId: d.consultationId,
				title: d.title,
				method: d.method,
				outcome: reopened ? [] : d.outcome,
				adopted: reopened ? null : d.adopted,
				quorumMet: reopened ? null : d.quorumMet,
				reopened,
				decidedAt: d.decidedAt.getTime(),
				turnout: storedTurnout(reopened ? {} : d.turnout),
				meetingId,
				minutes: versions.find((v) => v.meetingId === meetingId) ?? null,
				proposalIds: [...new Set(proposals.filter((p) => p.cid === d.consultationId && p.proposalId).map((p) => p.proposalId!))],
				followUp: { ownerId: f?.ownerId ?? null, owner: owner ?? null, status, progress: f?.progress ?? 0, abandonReason: f?.abandonReason ?? '', reviewAt, updatedAt: f?.updatedAt.getTime() ?? null, doneAt: status === 'done' ? (own.find((n) => n.status === 'done')?.createdAt ?? f?.updatedAt.getTime() ?? null) : null },
				milestones: ms,
				notes: own,
				overdue: !reopened && isOverdue({ status, reviewAt, milestones: ms }, now)
			};
		});
	}

	/** The one member of the space with this name (case, accents and spaces aside), else a message saying why not. */
	async function memberNamed(space: SpaceRef, name: string): Promise<string> {
		const key = nameKey(name);
		const rows = await store.db
			.select({ userId: memberships.userId, name: users.displayName })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.where(and(eq(memberships.spaceType, space.type), eq(memberships.spaceId, space.id)));
		const found = [...new Set(rows.filter((r) => nameKey(r.name) === key).map((r) => r.userId))];
		if (found.length === 0) throw registerError('ownerNameUnknown', 400, { name });
		if (found.length > 1) throw registerError('ownerNameAmbiguous', 409, { name });
		return found[0]!;
	}

	const inSpace = (space: SpaceRef) => and(eq(decisions.spaceType, space.type), eq(decisions.spaceId, space.id));

	return {
		/** Subscribes to the bus (closed and reopened consultations); see `follow.ts`. */
		follow: (inflight: Inflight) => feed.subscribe(inflight),

		async list(actor: Actor | null, space: SpaceRef) {
			authorize(actor, 'space.view', space);
			const now = clock.now().getTime();
			const items = await entries(inSpace(space), now);
			const rows = can(actor, 'decision.manage', space)
				? await store.db
						.select({ userId: memberships.userId, name: users.displayName, role: memberships.role })
						.from(memberships)
						.innerJoin(users, eq(users.id, memberships.userId))
						.where(and(eq(memberships.spaceType, space.type), eq(memberships.spaceId, space.id)))
				: [];
			const owning = new Set(items.map((e) => e.followUp.ownerId));
			const people = new Map<string, { userId: string; name: string; usual: boolean }>();
			for (const { role, ...person } of rows) {
				const entry = people.get(person.userId) ?? { ...person, usual: owning.has(person.userId) };
				entry.usual ||= role !== 'tenant';
				people.set(person.userId, entry);
			}
			const everyone = [...people].map(([, p]) => p);
			const listed = everyone.length <= OWNER_LIST_MAX ? everyone : everyone.filter((p) => p.usual);
			return {
				items: items.map((e) => ({ ...e, canUpdate: canUpdateFollowUp(actor, space, e.followUp.ownerId) })),
				canManage: can(actor, 'decision.manage', space),
				members: listed.map(({ userId, name }) => ({ userId, name })).sort((a, b) => a.name.localeCompare(b.name, 'fr')),
				/** Members the owner's list leaves out (named by their name instead). */
				unlisted: everyone.length - listed.length
			};
		},

		/** Overdue follow-ups of a space, for its home page. */
		async overdue(actor: Actor | null, space: SpaceRef) {
			if (!can(actor, 'space.view', space)) return [];
			return (await entries(inSpace(space), clock.now().getTime())).filter((e) => e.overdue).map((e) => ({ id: e.id, title: e.title, owner: e.followUp.owner, reviewAt: e.followUp.reviewAt }));
		},

		/** No account: the register of a public body (the caller checked it is public and real). */
		async publicEntries(space: SpaceRef) {
			// A decision withdrawn while its vote is reopened is not published until it closes again.
			return (await entries(inSpace(space), clock.now().getTime())).filter((e) => !e.reopened).map(({ followUp: { ownerId: _o, ...f }, ...e }) => ({ ...e, followUp: f }));
		},

		async update(actor: Actor | null, input: unknown) {
			const data = parse(followUpSchema, input);
			const d = await loadDecision(data.decisionId);
			const space = spaceOf(d);
			const current = await first(store.db.select().from(decisionFollowUps).where(eq(decisionFollowUps.decisionId, d.id)));
			if (!canUpdateFollowUp(actor, space, current?.ownerId ?? null)) throw new ForbiddenError('decision.follow');
			if (data.ownerName) {
				if (!can(actor, 'decision.manage', space)) throw new ForbiddenError('decision.manage');
				data.ownerId = await memberNamed(space, data.ownerName);
			}
			const ownerChange = data.ownerId !== undefined && (data.ownerId || null) !== (current?.ownerId ?? null);
			if (ownerChange && !can(actor, 'decision.manage', space)) throw new ForbiddenError('decision.manage');
			if (ownerChange && data.ownerId) {
				const member = await first(store.db.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.userId, data.ownerId), eq(memberships.spaceType, space.type), eq(memberships.spaceId, space.id))));
				if (!member) throw registerError('ownerNotMember');
			}
			const check = checkFollowUp(data.status, data.progress, data.abandonReason);
			if (!check.ok) throw registerError(check.code);
			const now = clock.now();
			await store.write(async (tx) => {
				await ensureFollowUp(tx, d.id);
				await tx
					.update(decisionFollowUps)
					.set({
						...(ownerChange ? { ownerId: data.ownerId || null } : {}),
						status: data.status,
						progress: check.progress,
						abandonReason: data.status === 'abandoned' ? data.abandonReason : '',
						reviewAt: data.reviewAt,
						...(data.reviewAt && data.reviewAt.getTime() !== current?.reviewAt?.getTime() ? { reviewRemindedAt: null } : {}),
						updatedAt: now
					})
					.where(eq(decisionFollowUps.decisionId, d.id));
				if (data.note || data.status !== (current?.status ?? 'planned') || check.progress !== (current?.progress ?? 0))
					await tx.insert(decisionNotes).values({ id: deps.ids.id(), decisionId: d.id, authorId: actor!.id, text: data.note || (data.status === 'abandoned' ? data.abandonReason : ''), status: data.status, progress: check.progress, createdAt: now });
				await logAudit(store, now, actor!.id, 'decision.followUp', { type: 'decision', id: d.id }, { status: data.status, progress: check.progress, owner: ownerChange ? data.ownerId : undefined });
			});
			changed(d);
		},

		async addMilestone(actor: Actor | null, input: unknown) {
			const data = parse(milestoneSchema, input);
			const d = await loadDecision(data.decisionId);
			const f = await first(store.db.select().from(decisionFollowUps).where(eq(decisionFollowUps.decisionId, d.id)));
			if (!canUpdateFollowUp(actor, spaceOf(d), f?.ownerId ?? null)) throw new ForbiddenError('decision.follow');
			await store.write(async (tx) => {
				await ensureFollowUp(tx, d.id);
				await tx.insert(decisionMilestones).values({ id: deps.ids.id(), decisionId: d.id, title: data.title, dueAt: data.dueAt, createdAt: clock.now() });
				await logAudit(store, clock.now(), actor!.id, 'decision.milestone', { type: 'decision', id: d.id }, { title: data.title });
			});
			changed(d);
		},

		async setMilestoneDone(actor: Actor | null, input: unknown) {
			const data = parse(milestoneDoneSchema, input);
			const d = await loadDecision(data.decisionId);
			const f = await first(store.db.select().from(decisionFollowUps).where(eq(decisionFollowUps.decisionId, d.id)));
			if (!canUpdateFollowUp(actor, spaceOf(d), f?.ownerId ?? null)) throw new ForbiddenError('decision.follow');
			const m = await first(store.db.select().from(decisionMilestones).where(and(eq(decisionMilestones.id, data.milestoneId), eq(decisionMilestones.decisionId, d.id))));
			if (!m) throw registerError('notFound', 404);
			await store.write(async (tx) => {
				await tx.update(decisionMilestones).set({ doneAt: data.done ? clock.now() : null }).where(eq(decisionMilestones.id, m.id));
				await logAudit(store, clock.now(), actor!.id, 'decision.milestoneDone', { type: 'decision', id: d.id }, { milestoneId: m.id, done: data.done });
			});
			changed(d);
		},

		/** For the scheduler: owners whose review date has come hear about it once per date. */
		async remindReviews() {
			const now = clock.now();
			const due = await store.db
				.select({ f: decisionFollowUps, d: decisions })
				.from(decisionFollowUps)
				.innerJoin(decisions, eq(decisions.id, decisionFollowUps.decisionId))
				.where(and(lte(decisionFollowUps.reviewAt, now), isNull(decisionFollowUps.reviewRemindedAt), or(eq(decisionFollowUps.status, 'planned'), eq(decisionFollowUps.status, 'inProgress'))));
			let sent = 0;
			// Nothing from a practice space reaches anyone's notifications.
			const practice = await practiceSpaceIds(store);
			for (const { f, d } of due) {
				if (!f.ownerId || !isOpenFollowUp(f.status) || d.spaceType === 'training' || practice.has(d.spaceId)) continue;
				const href = d.spaceType === 'body' ? `/b/${d.spaceId}/register#decision-${d.id}` : `/r/${d.spaceId}/register#decision-${d.id}`;
				const pending = await store.write(async (tx) => {
					await tx.update(decisionFollowUps).set({ reviewRemindedAt: now }).where(eq(decisionFollowUps.decisionId, d.id));
					return notifications.record([f.ownerId!], 'decisionReview', d.consultationId ? { consultationId: d.consultationId } : null, null, { href, title: d.title });
				});
				await notifications.publish(pending);
				sent++;
			}
			return sent;
		}
	};
}

export type RegisterService = ReturnType<typeof createRegisterService>;
