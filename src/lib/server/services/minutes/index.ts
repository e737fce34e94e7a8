/**
 * The minutes cycle (issue 11). Live drafting happens in the Yjs hub (one document per section,
 * access in doc-access.ts); every move after that goes through here: zod → policy → the domain's
 * state machine → one transaction with its audit entry → events and notifications after commit.
 */
import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import { canDecideAmendment, canProposeAmendment, checkMove, effectiveStatus, availableMoves, minutesMarkdown, type MinutesEvent, type MinutesFacts } from '$lib/domain/minutes';
import { authorize, can, meetingResource, minutesResource, type Actor } from '$lib/domain/policy';
import { minutesDocName } from '$lib/realtime/collab-events';
import { roomForSpace } from '$lib/realtime/events';
import { translator } from '$lib/i18n';
import { first, type AsyncDb } from '../../db/data';
import type { minutes as minutesTable } from '../../db/schema';
import type { CollabService } from '../../collab/service';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import type { createNotificationsService } from '../notifications';
import { parse } from '../validate';
import { createMinutesContext, markdownLabels, minutesError, outcomeLabel, type MeetingRow, type MinutesRow } from './context';
import { GENERAL_SECTION } from './doc-access';
import { meetingFacts } from './facts';
import { createPublication } from './publish';
import { createPortal } from './portal';
import type { RegisterService } from '../register';
import { adoptionVoteSchema, amendmentSchema, coEditorSchema, consentSchema, correctionSchema, decideSchema, meetingRefSchema, settingsSchema, submitSchema } from './schemas';

type Notifications = ReturnType<typeof createNotificationsService>;

export { GENERAL_SECTION };

export function createMinutesService(deps: ServiceDeps, collab: CollabService, notifications: Notifications, register: RegisterService) {
	const ctx = createMinutesContext(deps);
	const { data: store, clock, ids, bus } = deps;
	const { agendaItems, consultations, meetingAttendance, meetingMotions, meetings, memberships, minutes, minutesAmendments, minutesCoEditors, minutesSettings, minutesVersions, portalConsents, users } = store.t;
	const publication = createPublication(ctx);
	const portal = createPortal(ctx, publication, register);

	const sectionsOf = async (meetingId: string, tx: AsyncDb = store.db) => [
		GENERAL_SECTION,
		...(
			await tx
				.select({ id: agendaItems.id })
				.from(agendaItems)
				.where(and(eq(agendaItems.meetingId, meetingId), eq(agendaItems.state, 'accepted')))
				.orderBy(asc(agendaItems.position), asc(agendaItems.id))
		).map((i) => i.id)
	];

	/** The live text of each section, from the Yjs documents. */
	async function liveTexts(meetingId: string): Promise<Record<string, string>> {
		const out: Record<string, string> = {};
		for (const s of await sectionsOf(meetingId)) out[s] = await collab.text(minutesDocName(meetingId, s));
		return out;
	}

	async function coEditorsOf(minutesId: string | undefined) {
		if (!minutesId) return [];
		return store.db
			.select({ userId: minutesCoEditors.userId, name: users.displayName })
			.from(minutesCoEditors)
			.innerJoin(users, eq(users.id, minutesCoEditors.userId))
			.where(eq(minutesCoEditors.minutesId, minutesId));
	}

	async function attendeeIds(meetingId: string): Promise<string[]> {
		const rows = await store.db.select({ userId: meetingAttendance.userId, status: meetingAttendance.status, holder: meetingAttendance.proxyHolderId }).from(meetingAttendance).where(eq(meetingAttendance.meetingId, meetingId));
		return [...new Set(rows.flatMap((r) => (r.status === 'present' ? [r.userId] : r.status === 'proxy' ? [r.userId, ...(r.holder ? [r.holder] : [])] : [])))];
	}

	function announce(meeting: MeetingRow) {
		bus.publish(roomForSpace('body', meeting.bodyId), 'minutes.changed', { meetingId: meeting.id, bodyId: meeting.bodyId });
	}

	/** Applies one move of the state machine inside `tx`, with its audit entry. */
	async function move(tx: AsyncDb, row: MinutesRow, event: MinutesEvent, actor: Actor, set: Partial<typeof minutesTable.$inferInsert>, data: Record<string, unknown> = {}) {
		const now = clock.now();
		const pending = (await tx.select({ id: minutesAmendments.id }).from(minutesAmendments).where(and(eq(minutesAmendments.minutesId, row.id), eq(minutesAmendments.status, 'pending')))).length;
		const check = checkMove(row.status, event, {
			now: now.getTime(),
			windowEndsAt: row.windowEndsAt?.getTime() ?? null,
			pendingAmendments: pending,
			newWindowEnd: set.windowEndsAt instanceof Date ? set.windowEndsAt.getTime() : undefined,
			method: set.adoptionMethod ?? undefined,
			chairMayAdopt: data.chairMayAdopt === true,
			voteAdopted: data.voteAdopted === true
		});
		if (!check.ok) throw minutesError(check.code);
		// The window's end may have closed it without anyone acting: the row follows the effective status.
		await tx.update(minutes).set({ ...set, status: check.to, updatedAt: now }).where(eq(minutes.id, row.id));
		await logAudit(store, now, actor.id, `minutes.${event}`, { type: 'minutes', id: row.id }, data);
		return check.to;
	}

	return {
		publication,
		portal,

		/** Everything the minutes page shows, for a member of the body. */
		async view(actor: Actor | null, meetingId: string) {
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.view', meetingId);
			const row = await ctx.rowOf(meetingId);
			const now = clock.now().getTime();
			const status = row ? effectiveStatus(row.status, row.windowEndsAt?.getTime() ?? null, now) : 'draft';
			const facts: MinutesFacts | null = row?.facts ?? (await meetingFacts(store, meetingId, outcomeLabel));
			const texts = row?.texts ?? (await liveTexts(meetingId));
			const coEditors = await coEditorsOf(row?.id);
			const settings = await ctx.settingsOf(meeting.bodyId);
			const amendments = row
				? await store.db
						.select({ a: minutesAmendments, author: users.displayName })
						.from(minutesAmendments)
						.innerJoin(users, eq(users.id, minutesAmendments.authorId))
						.where(eq(minutesAmendments.minutesId, row.id))
						.orderBy(asc(minutesAmendments.createdAt), asc(minutesAmendments.id))
				: [];
			const pending = amendments.filter((x) => x.a.status === 'pending').length;
			const moves = availableMoves(row?.status ?? 'draft', { now, windowEndsAt: row?.windowEndsAt?.getTime() ?? null, pendingAmendments: pending, chairMayAdopt: settings.chairMayAdopt });
			const attendees = await attendeeIds(meetingId);
			const doc = minutesResource(meeting, { status, coEditorIds: coEditors.map((c) => c.userId), attendeeIds: attendees });
			const allowed = (e: MinutesEvent) => moves.includes(e) && can(a, e === 'adopt' || e === 'correct' ? 'minutes.adopt' : 'minutes.edit', doc);
			const versions = row ? await publication.versionsOfMinutes(row.id) : [];
			const laterMeetings =
				status === 'submitted' && !settings.chairMayAdopt
					? await store.db
							.select({ id: meetings.id, title: meetings.title, startsAt: meetings.startsAt })
							.from(meetings)
							.where(and(eq(meetings.bodyId, meeting.bodyId), inArray(meetings.status, ['scheduled', 'postponed', 'open']), gt(meetings.startsAt, meeting.startsAt)))
							.orderBy(asc(meetings.startsAt), asc(meetings.id))
					: [];
			const members = can(a, 'meeting.chair', meetingResource(meeting))
				? await store.db
						.select({ userId: memberships.userId, name: users.displayName })
						.from(memberships)
						.innerJoin(users, eq(users.id, memberships.userId))
						.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, meeting.bodyId)))
				: [];
			const sections = (await sectionsOf(meetingId)).map((id) => ({ id, title: id === GENERAL_SECTION ? null : (facts?.items.find((i) => i.id === id)?.title ?? ''), docName: minutesDocName(meetingId, id) }));
			return {
				meeting: { id: meeting.id, bodyId: meeting.bodyId, title: meeting.title, startsAt: meeting.startsAt.getTime(), status: meeting.status, place: meeting.place },
				status,
				windowEndsAt: row?.windowEndsAt?.getTime() ?? null,
				submittedAt: row?.submittedAt?.getTime() ?? null,
				adoptedAt: row?.adoptedAt?.getTime() ?? null,
				adoptionMethod: row?.adoptionMethod ?? null,
				adoptionItemId: row?.adoptionItemId ?? null,
				facts,
				texts,
				sections,
				markdown: facts ? minutesMarkdown(facts, texts, markdownLabels()) : '',
				coEditors,
				members: Array.from(new Map(members.map((m) => [m.userId, m])), ([, m]) => m).sort((x, y) => x.name.localeCompare(y.name, 'fr')),
				amendments: amendments.map(({ a: am, author }) => ({ id: am.id, section: am.section, passage: am.passage, suggestion: am.suggestion, author, authorId: am.authorId, status: am.status, reason: am.reason, createdAt: am.createdAt.getTime(), decidedAt: am.decidedAt?.getTime() ?? null })),
				versions,
				laterMeetings: laterMeetings.map((m) => ({ ...m, startsAt: m.startsAt.getTime() })),
				settings,
				can: {
					write: can(a, 'minutes.write', doc),
					nameCoEditors: status === 'draft' && can(a, 'meeting.chair', meetingResource(meeting)),
					submit: allowed('submit'),
					openWindow: allowed('openWindow'),
					closeWindow: allowed('closeWindow') && status === 'amendment',
					adopt: allowed('adopt') && settings.chairMayAdopt,
					scheduleVote: status === 'submitted' && !settings.chairMayAdopt && !row?.adoptionItemId && can(a, 'minutes.edit', doc),
					publish: allowed('publish'),
					correct: allowed('correct'),
					amend: status === 'amendment' && can(a, 'minutes.proposeAmendment', doc),
					decide: row ? canDecideAmendment(row.status) && can(a, 'minutes.edit', doc) : false
				}
			};
		},

		/** The chair names (or removes) a co-editor of the live draft. */
		async setCoEditor(actor: Actor | null, input: unknown, on: boolean) {
			const data = parse(coEditorSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'meeting.chair', data.meetingId);
			const member = await first(store.db.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, meeting.bodyId), eq(memberships.userId, data.userId))));
			if (!member) throw minutesError('badTarget');
			await store.write(async (tx) => {
				const row = await ctx.ensureRow(tx, meeting);
				if (row.status !== 'draft') throw minutesError('notCoEditable');
				if (on) await tx.insert(minutesCoEditors).values({ minutesId: row.id, userId: data.userId, addedBy: a.id, createdAt: clock.now() }).onConflictDoNothing();
				else await tx.delete(minutesCoEditors).where(and(eq(minutesCoEditors.minutesId, row.id), eq(minutesCoEditors.userId, data.userId)));
				await logAudit(store, clock.now(), a.id, on ? 'minutes.coEditorAdded' : 'minutes.coEditorRemoved', { type: 'minutes', id: row.id }, { userId: data.userId });
			});
			// Someone removed must stop typing at once: the hub asks again on each update.
			bus.signal('account.changed', { userId: data.userId });
			announce(meeting);
		},

		/**
		 * The secretary submits the draft: facts and text are frozen into relational state, the live
		 * document becomes read-only, and (with a window) attendees are told they may propose amendments.
		 */
		async submit(actor: Actor | null, input: unknown) {
			const data = parse(submitSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.edit', data.meetingId);
			if (meeting.status !== 'closed') throw minutesError('transition');
			const facts = await meetingFacts(store, meeting.id, outcomeLabel);
			const texts = await liveTexts(meeting.id);
			const now = clock.now();
			const attendees = (await attendeeIds(meeting.id)).filter((id) => id !== a.id);
			const pending = await store.write(async (tx) => {
				const row = await ctx.ensureRow(tx, meeting);
				await move(tx, row, 'submit', a, { facts, texts, submittedBy: a.id, submittedAt: now });
				if (data.windowDays === 0) return [];
				const windowEndsAt = new Date(now.getTime() + data.windowDays * 24 * 3600_000);
				await move(tx, { ...row, status: 'submitted' }, 'openWindow', a, { windowEndsAt }, { windowEndsAt: windowEndsAt.toISOString() });
				return notifications.record(attendees, 'minutesSubmitted', { space: { type: 'body', id: meeting.bodyId } }, a.id, { href: `/b/${meeting.bodyId}/meetings/${meeting.id}/minutes`, title: meeting.title, until: windowEndsAt.toISOString() });
			});
			await notifications.publish(pending);
			announce(meeting);
		},

		async closeWindow(actor: Actor | null, input: unknown) {
			const data = parse(meetingRefSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.edit', data.meetingId);
			const row = await ctx.rowOf(meeting.id);
			if (!row) throw minutesError('transition');
			await store.write((tx) => move(tx, row, 'closeWindow', a, { windowEndsAt: clock.now() }));
			announce(meeting);
		},

		/** An attendee proposes a change to a passage while the window is open. */
		async proposeAmendment(actor: Actor | null, input: unknown) {
			const data = parse(amendmentSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.amend', data.meetingId);
			const row = await ctx.rowOf(meeting.id);
			if (!row) throw minutesError('windowClosed');
			const open = canProposeAmendment(row.status, row.windowEndsAt?.getTime() ?? null, clock.now().getTime());
			if (!open.ok) throw minutesError(open.code);
			if (!can(a, 'minutes.proposeAmendment', minutesResource(meeting, { attendeeIds: await attendeeIds(meeting.id) }))) throw minutesError('notAttendee');
			const text = row.texts?.[data.section];
			if (text === undefined) throw minutesError('noSuchSection');
			if (!text.includes(data.passage)) throw minutesError('passageMissing');
			const id = ids.id();
			await store.write(async (tx) => {
				await tx.insert(minutesAmendments).values({ id, minutesId: row.id, section: data.section, passage: data.passage, suggestion: data.suggestion, authorId: a.id, status: 'pending', createdAt: clock.now() });
				await logAudit(store, clock.now(), a.id, 'minutes.amendmentProposed', { type: 'minutes', id: row.id }, { amendmentId: id });
			});
			announce(meeting);
			return { id };
		},

		/** The secretary accepts (the passage is replaced) or rejects an amendment, with a reason all attendees see. */
		async decideAmendment(actor: Actor | null, input: unknown) {
			const data = parse(decideSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.edit', data.meetingId);
			if (data.decision === 'reject' && !data.reason) throw minutesError('reasonRequired');
			await store.write(async (tx) => {
				const row = await first(tx.select().from(minutes).where(eq(minutes.meetingId, meeting.id)));
				if (!row || !canDecideAmendment(row.status)) throw minutesError(row && row.status !== 'draft' ? 'locked' : 'transition');
				const am = await first(tx.select().from(minutesAmendments).where(and(eq(minutesAmendments.id, data.amendmentId), eq(minutesAmendments.minutesId, row.id))));
				if (!am) throw minutesError('notFound');
				if (am.status !== 'pending') throw minutesError('decided');
				const now = clock.now();
				if (data.decision === 'accept') {
					const text = row.texts?.[am.section] ?? '';
					const at = text.indexOf(am.passage);
					if (at < 0) throw minutesError('passageGone');
					const texts = { ...row.texts, [am.section]: text.slice(0, at) + am.suggestion + text.slice(at + am.passage.length) };
					await tx.update(minutes).set({ texts, updatedAt: now }).where(eq(minutes.id, row.id));
				}
				await tx.update(minutesAmendments).set({ status: data.decision === 'accept' ? 'accepted' : 'rejected', reason: data.reason, decidedBy: a.id, decidedAt: now }).where(eq(minutesAmendments.id, am.id));
				await logAudit(store, now, a.id, `minutes.amendment.${data.decision}`, { type: 'minutes', id: row.id }, { amendmentId: am.id, reason: data.reason });
			});
			announce(meeting);
		},

		/** The chair adopts, when the body's rules let the chair do so. Adoption freezes the text. */
		async adopt(actor: Actor | null, input: unknown) {
			const data = parse(meetingRefSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.adopt', data.meetingId);
			const settings = await ctx.settingsOf(meeting.bodyId);
			await store.write(async (tx) => {
				const row = await first(tx.select().from(minutes).where(eq(minutes.meetingId, meeting.id)));
				if (!row) throw minutesError('transition');
				await move(tx, row, 'adopt', a, { adoptionMethod: 'chair', adoptedBy: a.id, adoptedAt: clock.now() }, { chairMayAdopt: settings.chairMayAdopt });
			}, { durable: true });
			announce(meeting);
		},

		/**
		 * When the rules want a vote: a decision item "adoption of the minutes" is added to a later
		 * meeting's agenda; the motion voted on it adopts the minutes (see `onVoteClosed`).
		 */
		async scheduleAdoptionVote(actor: Actor | null, input: unknown) {
			const data = parse(adoptionVoteSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.edit', data.meetingId);
			const target = await first(store.db.select().from(meetings).where(eq(meetings.id, data.targetMeetingId)));
			if (!target || target.bodyId !== meeting.bodyId || target.id === meeting.id || !['scheduled', 'postponed', 'open'].includes(target.status)) throw minutesError('badTarget');
			const t = translator('fr');
			await store.write(async (tx) => {
				const row = await first(tx.select().from(minutes).where(eq(minutes.meetingId, meeting.id)));
				if (!row || effectiveStatus(row.status, row.windowEndsAt?.getTime() ?? null, clock.now().getTime()) !== 'submitted') throw minutesError(row?.status === 'amendment' ? 'windowOpen' : 'transition');
				if (row.adoptionItemId) throw minutesError('alreadyAdopted');
				const last = await first(tx.select({ position: agendaItems.position }).from(agendaItems).where(eq(agendaItems.meetingId, target.id)).orderBy(desc(agendaItems.position)));
				const itemId = ids.id();
				await tx
					.insert(agendaItems)
					.values({ id: itemId, meetingId: target.id, position: (last?.position ?? 0) + 1, title: t('minutes.adoptionItem', { title: meeting.title }), description: '', kind: 'decision', timeBoxMin: 5, state: 'accepted', proposedBy: a.id, createdAt: clock.now() });
				await tx.update(minutes).set({ adoptionItemId: itemId, updatedAt: clock.now() }).where(eq(minutes.id, row.id));
				await logAudit(store, clock.now(), a.id, 'minutes.adoptionScheduled', { type: 'minutes', id: row.id }, { meetingId: target.id, itemId });
			});
			announce(meeting);
		},

		/** From the bus, after a consultation closed: a motion on an adoption item adopts the minutes. */
		async onVoteClosed(consultationId: string) {
			const motion = await first(
				store.db.select({ m: meetingMotions, c: consultations }).from(meetingMotions).innerJoin(consultations, eq(consultations.id, meetingMotions.consultationId)).where(eq(meetingMotions.consultationId, consultationId))
			);
			if (!motion || motion.c.status !== 'closed') return;
			const row = await first(store.db.select().from(minutes).where(eq(minutes.adoptionItemId, motion.m.itemId)));
			if (!row || row.status !== 'submitted') return;
			const adopted = motion.m.quorumMet && (motion.c.result as { adopted?: boolean } | null)?.adopted === true;
			if (!adopted) return;
			const chair = { id: motion.m.openedBy, isAdmin: false, roles: new Map() };
			await store.write((tx) => move(tx, row, 'adopt', chair, { adoptionMethod: 'vote', adoptedBy: motion.m.openedBy, adoptedAt: clock.now() }, { voteAdopted: true, consultationId }), { durable: true });
			const meeting = await ctx.loadMeeting(row.meetingId);
			announce(meeting);
		},

		/** Publication: the adopted text becomes the next immutable version of the body's chain. */
		async publish(actor: Actor | null, input: unknown) {
			const data = parse(meetingRefSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.edit', data.meetingId);
			const row = await ctx.rowOf(meeting.id);
			if (!row) throw minutesError('notAdopted');
			const check = checkMove(row.status, 'publish', { now: clock.now().getTime(), windowEndsAt: null, pendingAmendments: 0 });
			if (!check.ok) throw minutesError(check.code);
			const content = minutesMarkdown(row.facts!, row.texts ?? {}, markdownLabels());
			await publication.append(a, meeting, row, content, null, (tx) => move(tx, row, 'publish', a, {}));
			announce(meeting);
		},

		/** A correction: a new version stating what changed and why, linked to the one it corrects. */
		async correct(actor: Actor | null, input: unknown) {
			const data = parse(correctionSchema, input);
			const { actor: a, meeting } = await ctx.guard(actor, 'minutes.adopt', data.meetingId);
			const row = await ctx.rowOf(meeting.id);
			if (!row || !row.versionId) throw minutesError('notAdopted');
			const previous = await first(store.db.select().from(minutesVersions).where(eq(minutesVersions.id, row.versionId)));
			if (!previous) throw minutesError('notAdopted');
			if (row.status !== 'published' && row.status !== 'corrected') throw minutesError('transition');
			await publication.append(a, meeting, row, data.content, { previous, what: data.what, why: data.why }, async (tx) => {
				if (row.status === 'published') await move(tx, row, 'correct', a, {});
				else await logAudit(store, clock.now(), a.id, 'minutes.correct', { type: 'minutes', id: row.id }, {});
			});
			announce(meeting);
		},

		/** The body's choices: public portal, who adopts, default amendment window (chair or administrator). */
		async settings(actor: Actor | null, bodyId: string) {
			authorize(actor, 'space.view', { type: 'body', id: bodyId });
			const consent = await first(store.db.select({ userId: portalConsents.userId }).from(portalConsents).where(and(eq(portalConsents.bodyId, bodyId), eq(portalConsents.userId, actor.id))));
			const member = await first(store.db.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, bodyId), eq(memberships.userId, actor.id))));
			return { ...(await ctx.settingsOf(bodyId)), canChange: can(actor, 'meeting.chair', { type: 'body', id: bodyId }), consent: !!consent, isMember: !!member };
		},

		async saveSettings(actor: Actor | null, input: unknown) {
			const data = parse(settingsSchema, input);
			authorize(actor, 'meeting.chair', { type: 'body', id: data.bodyId });
			const now = clock.now();
			await store.write(async (tx) => {
				const values = { portalPublic: data.portalPublic, chairMayAdopt: data.chairMayAdopt, amendmentDays: data.amendmentDays, updatedAt: now };
				await tx.insert(minutesSettings).values({ bodyId: data.bodyId, ...values }).onConflictDoUpdate({ target: minutesSettings.bodyId, set: values });
				await logAudit(store, now, actor!.id, 'minutes.settings', { type: 'body', id: data.bodyId }, values);
			});
		},

		/** A member agrees (or no longer agrees) to be named on the public portal. */
		async setConsent(actor: Actor | null, input: unknown) {
			const data = parse(consentSchema, input);
			authorize(actor, 'space.view', { type: 'body', id: data.bodyId });
			const member = await first(store.db.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, data.bodyId), eq(memberships.userId, actor.id))));
			if (!member) throw minutesError('badTarget');
			await store.write(async (tx) => {
				if (data.consent) await tx.insert(portalConsents).values({ bodyId: data.bodyId, userId: actor.id, createdAt: clock.now() }).onConflictDoNothing();
				else await tx.delete(portalConsents).where(and(eq(portalConsents.bodyId, data.bodyId), eq(portalConsents.userId, actor.id)));
				await logAudit(store, clock.now(), actor.id, 'minutes.portalConsent', { type: 'body', id: data.bodyId }, { consent: data.consent });
			});
		},

		/** Whether a minutes section's live document may be written (the hub also asks doc-access). */
		liveEditable: async (meetingId: string) => (await ctx.rowOf(meetingId))?.status ?? 'draft',

		context: ctx
	};
}

export type MinutesService = ReturnType<typeof createMinutesService>;
