/**
 * Publishing indicators on the public portal (issue 14): a residence's staff or a body's chair
 * chooses which of its indicators the organisation's portal (`/o/<slug>`) shows, each with its
 * definition, as a page and as open data. The public report is computed by the same code as the
 * staff page, then cut down to what was chosen: survey results keep their 5-respondent floor.
 * Nothing of a practice space, nor of a body that chose not to be on the portal.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, type Actor } from '$lib/domain/policy';
import type { Period } from '$lib/domain/indicators/period';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound } from '../errors';
import { parse } from '../validate';
import { indicatorsFor } from './definitions';
import { resolveScope, type Scope } from './scope';

/** `surveys` stands for the perception survey results (and before/after comparisons). */
export const SURVEYS_ENTRY = 'surveys';
const spaceRef = z.object({ type: z.enum(['residence', 'body'], { message: 'error.notFound' }), id: z.string().trim().min(1, 'error.notFound').max(64, 'error.notFound') });
const saveSchema = spaceRef.extend({ indicators: z.array(z.string().max(64)).max(64).default([]) });

export const publishable = (type: 'residence' | 'body') => [...indicatorsFor(type).map((i) => i.id), SURVEYS_ENTRY];

/** The parts of an indicator report that publishing cuts down (the report type lives in `index.ts`). */
interface ReportShape {
	scope: { buildings: unknown[]; buildingId: string | null };
	figures: { id: string }[];
	surveys: unknown[];
	comparisons: unknown[];
	can: Record<string, boolean>;
}

export function createPublishing<R extends ReportShape>(deps: ServiceDeps, periodOf: (input: unknown) => Period, compute: (scope: Scope, period: Period) => Promise<R>) {
	const { data, clock } = deps;
	const { bodies, indicatorPublications, minutesSettings, organisations, residences } = data.t;
	type Published = R & { organisation: { name: string; slug: string } };

	async function publishedOf(type: 'residence' | 'body', id: string): Promise<string[]> {
		const rows = await data.db.select({ id: indicatorPublications.indicatorId }).from(indicatorPublications).where(and(eq(indicatorPublications.spaceType, type), eq(indicatorPublications.spaceId, id)));
		const allowed = new Set(publishable(type));
		return rows.map((r) => r.id).filter((x) => allowed.has(x));
	}

	/** The real residences and public bodies of an organisation (by slug), or a 404. */
	async function publicSpaces(orgSlug: string) {
		const org = (await data.db.select().from(organisations).where(eq(organisations.slug, String(orgSlug).slice(0, 120))))[0];
		if (!org) throw notFound();
		const res = await data.db.select({ id: residences.id, name: residences.name }).from(residences).where(and(eq(residences.organisationId, org.id), eq(residences.practice, false))).orderBy(asc(residences.name), asc(residences.id));
		const bodyRows = await data.db.select({ id: bodies.id, name: bodies.name, portalPublic: minutesSettings.portalPublic }).from(bodies).leftJoin(minutesSettings, eq(minutesSettings.bodyId, bodies.id)).where(and(eq(bodies.organisationId, org.id), eq(bodies.practice, false))).orderBy(asc(bodies.name), asc(bodies.id));
		const spaces = [...res.map((r) => ({ type: 'residence' as const, id: r.id, name: r.name })), ...bodyRows.filter((b) => b.portalPublic !== false).map((b) => ({ type: 'body' as const, id: b.id, name: b.name }))];
		return { org, spaces };
	}

	return {
		/** For the staff page: what may be published, what is, and whether this person may change it. */
		async settings(actor: Actor | null, input: unknown) {
			const ref = parse(spaceRef, input);
			authorize(actor, 'indicators.publish', ref);
			const table = ref.type === 'residence' ? residences : bodies;
			const org = (await data.db.select({ slug: organisations.slug }).from(table).innerJoin(organisations, eq(organisations.id, table.organisationId)).where(eq(table.id, ref.id)))[0];
			const published = await publishedOf(ref.type, ref.id);
			return { available: publishable(ref.type), published, portal: org && published.length ? `/o/${org.slug}/i/${ref.type}/${ref.id}` : null };
		},

		/** Replaces the published set; unknown ids are refused, the change is audited. */
		async save(actor: Actor | null, input: unknown) {
			const wanted = parse(saveSchema, input);
			authorize(actor, 'indicators.publish', { type: wanted.type, id: wanted.id });
			await resolveScope(data, actor, { type: wanted.type, id: wanted.id });
			const allowed = new Set(publishable(wanted.type));
			const chosen = [...new Set(wanted.indicators)];
			if (chosen.some((x) => !allowed.has(x))) throw notFound();
			const now = clock.now();
			const space = { type: wanted.type, id: wanted.id };
			await data.write(async (tx) => {
				await tx.delete(indicatorPublications).where(and(eq(indicatorPublications.spaceType, space.type), eq(indicatorPublications.spaceId, space.id)));
				if (chosen.length) await tx.insert(indicatorPublications).values(chosen.map((indicatorId) => ({ spaceType: space.type, spaceId: space.id, indicatorId, publishedBy: actor.id, publishedAt: now })));
				await logAudit(data, now, actor.id, 'indicators.published', space, { indicators: chosen });
			});
			return { published: chosen };
		},

		/** The portal's list: residences and bodies of the organisation that publish at least one indicator. */
		async portalList(orgSlug: string) {
			const { spaces } = await publicSpaces(orgSlug);
			if (!spaces.length) return [];
			const rows = await data.db.select({ type: indicatorPublications.spaceType, id: indicatorPublications.spaceId }).from(indicatorPublications).where(inArray(indicatorPublications.spaceId, spaces.map((s) => s.id)));
			return spaces.map((s) => ({ ...s, count: rows.filter((r) => r.type === s.type && r.id === s.id).length })).filter((s) => s.count > 0);
		},

		/** A residence's or a body's published indicators, for anyone. Unpublished, practice or elsewhere: 404. */
		async publicReport(orgSlug: string, input: Record<string, unknown>): Promise<Published> {
			const ref = spaceRef.safeParse(input);
			if (!ref.success) throw notFound();
			const report = await publishedReport(orgSlug, ref.data, input);
			if (!report) throw notFound();
			return report;
		},

		/**
		 * The same cut-down report for a section of another public page (the residence's portal page):
		 * null when the space publishes nothing, so the page simply has no such section.
		 */
		portalSection: (orgSlug: string, ref: { type: 'residence' | 'body'; id: string }) => publishedReport(orgSlug, ref, {})
	};

	async function publishedReport(orgSlug: string, ref: z.infer<typeof spaceRef>, input: Record<string, unknown>): Promise<Published | null> {
		const { org, spaces } = await publicSpaces(orgSlug);
		if (!spaces.some((s) => s.type === ref.type && s.id === ref.id)) return null;
		const published = new Set(await publishedOf(ref.type, ref.id));
		if (!published.size) return null;
		const period = periodOf(input);
		const report = await compute(await resolveScope(data, null, { type: ref.type, id: ref.id }, true), period);
		const withSurveys = published.has(SURVEYS_ENTRY);
		return {
			...report,
			scope: { ...report.scope, buildings: [], buildingId: null },
			figures: report.figures.filter((f) => published.has(f.id)),
			surveys: withSurveys ? report.surveys : [],
			comparisons: withSurveys ? report.comparisons : [],
			can: { surveys: false, activities: false, publish: false },
			organisation: { name: org.name, slug: org.slug }
		};
	}
}
