/**
 * Perception surveys: an organiser creates one from a template (or her own questions) for a
 * residence, a building, an activity's participants, a body or a training group, then prints
 * one-time links (QR codes). Anyone holding a link answers once, without an account and without
 * JavaScript; the response keeps only the building, never the link or the person.
 */
import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, type Actor, type SpaceRef } from '$lib/domain/policy';
import {
	answersSchema,
	customQuestionSchema,
	SURVEY_AUDIENCES,
	SURVEY_PHASES,
	SURVEY_TEMPLATES,
	TEMPLATE_QUESTIONS,
	type AnswerKind
} from '$lib/domain/indicators/surveys';
import { parisDay, periodSchema } from '$lib/domain/indicators/period';
import { sha256Hex } from '../../crypto';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { NotificationsService } from '../notifications';
import { indicatorsOpen } from '../practice/marker';
import { createSurveySender, isSendable, newToken, sentCount } from './send';
import { config } from '../../config';
import { chosen, createSurveyVoices, type VoiceUpload } from './voice';
import { createAnswerOrder } from './unordered';

const id = z.string().trim().min(1).max(64);
const createSchema = z
	.object({
		spaceType: z.enum(['residence', 'body', 'training']),
		spaceId: id,
		template: z.enum(SURVEY_TEMPLATES),
		title: z.string().trim().min(3, 'indicators.error.title').max(120, 'indicators.error.title'),
		audience: z.enum(SURVEY_AUDIENCES),
		buildingId: id.optional(),
		activityId: id.optional(),
		phase: z.enum(SURVEY_PHASES).default('single'),
		pairId: id.optional(),
		closesOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'indicators.error.date'),
		/** An open question answered out loud at the end (issue 16). */
		voice: z.boolean().default(false),
		questions: z.array(customQuestionSchema).max(10).default([])
	})
	.refine((v) => v.template !== 'custom' || v.questions.length > 0, { message: 'indicators.error.prompt', path: ['questions'] })
	.refine((v) => v.phase !== 'after' || !!v.pairId, { message: 'indicators.error.pair', path: ['pairId'] })
	.refine((v) => v.audience !== 'activity' || !!v.activityId, { message: 'indicators.error.activity', path: ['activityId'] });

const linksSchema = z.object({ count: z.coerce.number().int().min(1, 'indicators.error.linkCount').max(300, 'indicators.error.linkCount'), buildingId: id.optional() });
const tokenSchema = z.string().regex(/^[a-z2-7]{16,64}$/, 'indicators.error.linkUnknown');

export function createSurveysService(deps: ServiceDeps, options: { notifications?: NotificationsService; uploadDir?: () => string } = {}) {
	const { data, clock, ids } = deps;
	const { activities, buildings, residences, surveyAnswers, surveyLinks, surveyQuestions, surveyResponses, surveys, surveyVoiceAnswers } = data.t;
	const sender = createSurveySender(deps, options.notifications);
	const voices = createSurveyVoices(data, ids, () => clock.now(), options.uploadDir ?? (() => config().UPLOAD_DIR));
	const order = createAnswerOrder(deps);

	async function surveyOr404(surveyId: string) {
		const row = (await data.db.select().from(surveys).where(eq(surveys.id, String(surveyId).slice(0, 64))))[0];
		if (!row) throw notFound();
		return row;
	}
	const spaceOf = (s: { spaceType: SpaceRef['type']; spaceId: string }): SpaceRef => ({ type: s.spaceType, id: s.spaceId });

	/** The link behind a token, checked: unknown, for another space, used or expired each say so. */
	async function openLink(spaceId: string, token: string) {
		const t = tokenSchema.safeParse(token);
		if (!t.success) throw new UserError('indicators.error.linkUnknown', {}, 404);
		const link = (await data.db.select().from(surveyLinks).where(eq(surveyLinks.tokenHash, sha256Hex(t.data))))[0];
		if (!link) throw new UserError('indicators.error.linkUnknown', {}, 404);
		const survey = await surveyOr404(link.surveyId);
		if (survey.spaceId !== spaceId) throw new UserError('indicators.error.linkOtherSpace', {}, 400);
		if (link.usedAt) throw new UserError('indicators.error.linkUsed', {}, 410);
		const now = clock.now().getTime();
		if (link.expiresAt.getTime() <= now || survey.closesAt.getTime() <= now) throw new UserError('indicators.error.linkExpired', {}, 410);
		return { link, survey };
	}

	async function questionsOf(surveyId: string) {
		return data.db.select().from(surveyQuestions).where(eq(surveyQuestions.surveyId, surveyId)).orderBy(asc(surveyQuestions.position), asc(surveyQuestions.id));
	}

	return {
		async create(actor: Actor | null, input: unknown) {
			const wanted = parse(createSchema, input);
			const space = { type: wanted.spaceType, id: wanted.spaceId } as SpaceRef;
			authorize(actor, 'survey.manage', space);
			if (wanted.buildingId) {
				const b = (await data.db.select({ residenceId: buildings.residenceId }).from(buildings).where(eq(buildings.id, wanted.buildingId)))[0];
				if (!b || space.type !== 'residence' || b.residenceId !== space.id) throw new UserError('indicators.error.building');
			}
			if (wanted.activityId) {
				const a = (await data.db.select().from(activities).where(eq(activities.id, wanted.activityId)))[0];
				if (!a || a.spaceType !== space.type || a.spaceId !== space.id) throw notFound();
			}
			if (wanted.pairId) {
				const before = (await data.db.select().from(surveys).where(eq(surveys.id, wanted.pairId)))[0];
				if (!before || before.spaceId !== space.id || before.phase !== 'before' || before.template !== wanted.template) throw new UserError('indicators.error.pair');
			}
			const [y, m, d] = wanted.closesOn.split('-').map(Number) as [number, number, number];
			// Open until the end of that day, Paris time.
			const closes = parse(periodSchema, { from: parisDay(clock.now()), to: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` });
			const surveyId = ids.id();
			const now = clock.now();
			const questions: { kind: AnswerKind; promptKey: string | null; prompt: string }[] =
				wanted.template === 'custom' ? wanted.questions.map((q) => ({ kind: q.kind, promptKey: null, prompt: q.prompt })) : TEMPLATE_QUESTIONS[wanted.template].map((q) => ({ kind: q.kind, promptKey: q.key, prompt: '' }));
			await data.write(async (tx) => {
				await tx.insert(surveys).values({ id: surveyId, spaceType: space.type, spaceId: space.id, template: wanted.template, title: wanted.title, audience: wanted.audience, buildingId: wanted.buildingId ?? null, activityId: wanted.activityId ?? null, phase: wanted.phase, pairId: wanted.pairId ?? null, voice: wanted.voice, closesAt: new Date(closes.end), createdBy: actor.id, createdAt: now });
				await tx.insert(surveyQuestions).values(questions.map((q, position) => ({ id: ids.id(), surveyId, position, ...q })));
				await logAudit(data, now, actor.id, 'survey.created', { type: 'survey', id: surveyId }, { template: wanted.template, audience: wanted.audience });
			});
			return { id: surveyId };
		},

		/** Surveys of a space for its organisers, with how many links were handed out and used. */
		async list(actor: Actor | null, space: SpaceRef) {
			authorize(actor, 'survey.manage', space);
			const list = await data.db.select().from(surveys).where(and(eq(surveys.spaceType, space.type), eq(surveys.spaceId, space.id))).orderBy(asc(surveys.createdAt), asc(surveys.id));
			const ids_ = list.map((s) => s.id);
			const links = ids_.length ? await data.db.select({ surveyId: surveyLinks.surveyId, n: count() }).from(surveyLinks).where(inArray(surveyLinks.surveyId, ids_)).groupBy(surveyLinks.surveyId) : [];
			// The activities whose participants a survey can be sent to.
			const acts = await data.db.select({ id: activities.id, name: activities.name }).from(activities).where(and(eq(activities.spaceType, space.type), eq(activities.spaceId, space.id))).orderBy(asc(activities.name), asc(activities.id));
			const indicators = await indicatorsOpen(data, actor, space);
			return { surveys: list.map((s) => ({ ...s, links: links.find((l) => l.surveyId === s.id)?.n ?? 0 })), activities: acts, indicators };
		},

		async get(actor: Actor | null, surveyId: string) {
			const s = await surveyOr404(surveyId);
			authorize(actor, 'survey.manage', spaceOf(s));
			const blds = s.spaceType === 'residence' ? await data.db.select({ id: buildings.id, name: buildings.name }).from(buildings).where(eq(buildings.residenceId, s.spaceId)).orderBy(asc(buildings.position), asc(buildings.id)) : [];
			const activity = s.activityId ? (await data.db.select({ name: activities.name }).from(activities).where(eq(activities.id, s.activityId)))[0]?.name ?? null : null;
			return { survey: s, questions: await questionsOf(s.id), buildings: blds, activity, sendable: isSendable(s.audience), sent: await sentCount(data, s.id) };
		},

		/** One-time links to the people the survey is for (activity, training group, body), by notification and e-mail. */
		async send(actor: Actor | null, surveyId: string) {
			const s = await surveyOr404(surveyId);
			authorize(actor, 'survey.manage', spaceOf(s));
			return sender.send(actor.id, s);
		},

		/** New one-time links; the tokens are returned once and only their hash is kept. */
		async issueLinks(actor: Actor | null, surveyId: string, input: unknown) {
			const s = await surveyOr404(surveyId);
			authorize(actor, 'survey.manage', spaceOf(s));
			const wanted = parse(linksSchema, input);
			const buildingId = wanted.buildingId ?? s.buildingId ?? null;
			if (buildingId) {
				const b = (await data.db.select({ residenceId: buildings.residenceId }).from(buildings).where(eq(buildings.id, buildingId)))[0];
				if (!b || b.residenceId !== s.spaceId) throw new UserError('indicators.error.building');
			}
			if (s.closesAt.getTime() <= clock.now().getTime()) throw new UserError('indicators.error.surveyClosed', {}, 409);
			const tokens = Array.from({ length: wanted.count }, () => newToken(ids));
			const now = clock.now();
			await data.write(async (tx) => {
				await tx.insert(surveyLinks).values(tokens.map((t) => ({ id: ids.id(), surveyId: s.id, tokenHash: sha256Hex(t), buildingId, expiresAt: s.closesAt, createdAt: now })));
				await logAudit(data, now, actor.id, 'survey.links', { type: 'survey', id: s.id }, { count: wanted.count, buildingId });
			});
			return { tokens, spaceId: s.spaceId, closesAt: s.closesAt };
		},

		/** What the answering page shows. Throws a UserError the page turns into a clear message. */
		async open(spaceId: string, token: string) {
			const { survey } = await openLink(spaceId, token);
			const name = survey.spaceType === 'residence' ? (await data.db.select({ name: residences.name }).from(residences).where(eq(residences.id, survey.spaceId)))[0]?.name : undefined;
			return { survey: { title: survey.title, closesAt: survey.closesAt, place: name ?? null, voice: survey.voice }, questions: (await questionsOf(survey.id)).map((q) => ({ id: q.id, kind: q.kind, promptKey: q.promptKey, prompt: q.prompt })) };
		},

		/**
		 * One answer per link: the link is closed in the same unit of work that stores the answers. A
		 * recording, when the survey asks for one, is checked before anything is written and stored
		 * apart (see ./voice): a refused recording spends nothing and stores nothing.
		 */
		async answer(spaceId: string, token: string, form: Record<string, unknown>, voice?: VoiceUpload | null) {
			const { link, survey } = await openLink(spaceId, token);
			const questions = await questionsOf(survey.id);
			const values = parse(answersSchema(questions), form) as Record<string, number>;
			const upload = survey.voice ? chosen(voice) : null;
			const clean = upload ? await voices.check(upload) : null;
			const file = clean ? await voices.write(survey, clean) : null;
			const now = clock.now();
			try {
				await data.write(async (tx) => {
					// The link's use and the answer are both stored by day only: a sent link is tied to a
					// person (her invitation), so a time of use to the second would point at her answers.
					const day = new Date(Date.parse(`${parisDay(now)}T12:00:00Z`));
					const closed = await tx.update(surveyLinks).set({ usedAt: day }).where(and(eq(surveyLinks.id, link.id), isNull(surveyLinks.usedAt))).returning({ id: surveyLinks.id });
					if (closed.length !== 1) throw new UserError('indicators.error.linkUsed', {}, 410);
					const responseId = ids.id();
					await tx.insert(surveyResponses).values({ id: responseId, surveyId: survey.id, buildingId: link.buildingId, submittedAt: day });
					await tx.insert(surveyAnswers).values(questions.map((q) => ({ responseId, questionId: q.id, value: values[`q_${q.id}`]! })));
					if (clean && file) await tx.insert(surveyVoiceAnswers).values(voices.row(survey.id, file.name, clean));
					// No order of arrival kept, and the used link no longer tied to its person (./unordered).
					await order.inUnit(tx, { responseId, spaceId: survey.spaceId, token });
					// Durable: "answered, thank you" means the answer survives a power loss too (db/data.ts).
				}, { durable: true });
			} catch (err) {
				await file?.undo();
				throw err;
			}
			// On disk, and in no order of arrival, before she is told so.
			await order.afterCommit();
			return { ok: true as const };
		},

		/** Voice answers, for those who see the survey's results, from the respondent floor only. */
		voices: (actor: Actor | null, surveyId: string) => voices.list(actor, surveyId),
		voiceFile: (actor: Actor | null, surveyId: string, id: unknown) => voices.file(actor, surveyId, id),
		summariseVoice: (actor: Actor | null, input: { surveyId: unknown; id: unknown; summary: unknown }) => voices.summarise(actor, input),
		removeVoice: (actor: Actor | null, input: { surveyId: unknown; id: unknown }) => voices.remove(actor, input)
	};
}
