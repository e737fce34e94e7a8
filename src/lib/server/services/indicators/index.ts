/**
 * Indicator pages, exports and reports. One entry point, `report`, resolves the scope (with the
 * policy check), parses the period (Paris days, refused when crafted), runs every indicator defined
 * for the scope and the survey results with their floor. Pages, CSV, JSON and the printable annual
 * report all call it, so they can never disagree nor leak what the page would not show.
 */
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { can, type Actor } from '$lib/domain/policy';
import { defaultPeriod, periodSchema, yearPeriod, type Period } from '$lib/domain/indicators/period';
import type { ServiceDeps } from '../deps';
import { parse } from '../validate';
import type { Comparison, IndicatorFigure, SurveyResult } from '$lib/domain/indicators/types';
import { indicatorsFor } from './definitions';
import { resolveScope, type Scope } from './scope';
import { comparisons, surveyResults, surveysIn } from '../surveys/results';
import { createPublishing } from './publish';

export interface IndicatorReport {
	scope: Omit<Scope, 'spaces' | 'residenceIds'>;
	period: Period;
	figures: IndicatorFigure[];
	surveys: SurveyResult[];
	comparisons: Comparison[];
	/** What the person may do from this page (the page shows only the links the policy allows). */
	can: { surveys: boolean; activities: boolean; publish: boolean };
}

const periodInput = z.object({ from: z.string().optional(), to: z.string().optional(), year: z.string().optional() });

export function createIndicatorsService(deps: ServiceDeps) {
	const { data, clock } = deps;
	const { surveys } = data.t;

	function periodOf(input: unknown): Period {
		const raw = parse(periodInput, input);
		if (raw.year !== undefined) {
			const y = parse(z.coerce.number().int('indicators.error.date').min(2000, 'indicators.error.date').max(2100, 'indicators.error.date'), raw.year);
			return yearPeriod(y);
		}
		if (!raw.from && !raw.to) return defaultPeriod(clock.now().getTime());
		return parse(periodSchema, { from: raw.from ?? '', to: raw.to ?? '' });
	}

	const publishing = createPublishing(deps, periodOf, (scope, period) => compute(null, scope, period));

	return {
		periodOf,

		/** Everything an indicator page shows. `input`: type, id, building?, from?, to? (or year?). */
		async report(actor: Actor | null, input: Record<string, unknown>): Promise<IndicatorReport> {
			return compute(actor, await resolveScope(data, actor, input), periodOf(input));
		},

		/** What the public portal shows of a residence or a body: only what it chose to publish. */
		publicReport: (orgSlug: string, input: Record<string, unknown>) => publishing.publicReport(orgSlug, input),
		publication: (actor: Actor | null, input: Record<string, unknown>) => publishing.settings(actor, input),
		publish: (actor: Actor | null, input: Record<string, unknown>) => publishing.save(actor, input),
		portalList: (orgSlug: string) => publishing.portalList(orgSlug),
		/** A residence's or body's published indicators for a section of its portal page; null when none. */
		portalSection: (orgSlug: string, ref: { type: 'residence' | 'body'; id: string }) => publishing.portalSection(orgSlug, ref)
	};

	async function compute(actor: Actor | null, scope: Scope, period: Period): Promise<IndicatorReport> {
		const ctx = { data, scope, period };
		const figures = await Promise.all(
			indicatorsFor(scope.type).map(async (i) => ({ id: i.id, group: i.group, chart: i.chart, value: await i.compute(ctx) }))
		);
		const ids = await surveysIn(data, scope.spaces, period);
		// A before/after pair is compared even when one half falls outside the period.
		const pairs = ids.length ? await data.db.select({ pairId: surveys.pairId, id: surveys.id }).from(surveys).where(inArray(surveys.pairId, ids)) : [];
		const partners = ids.length ? await data.db.select({ pairId: surveys.pairId }).from(surveys).where(inArray(surveys.id, ids)) : [];
		const all = [...new Set([...ids, ...pairs.map((p) => p.id), ...partners.map((p) => p.pairId).filter((x): x is string => !!x)])];
		const results = await surveyResults(data, all, scope.buildingId);
		const visible = { type: scope.type, id: scope.id, name: scope.name, buildings: scope.buildings, buildingId: scope.buildingId };
		// Surveys and activities are run from a residence, a body or a training group, by those who manage them.
		const surveySpace = scope.type === 'agency' || scope.type === 'organisation' ? null : { type: scope.type, id: scope.id };
		const allowed = {
			surveys: !!surveySpace && can(actor, 'survey.manage', surveySpace),
			activities: !!surveySpace && can(actor, 'activity.manage', surveySpace),
			publish: (scope.type === 'residence' || scope.type === 'body') && can(actor, 'indicators.publish', { type: scope.type, id: scope.id })
		};
		return { scope: visible, period, figures, surveys: results, comparisons: comparisons(results), can: allowed };
	}
}

export type IndicatorsService = ReturnType<typeof createIndicatorsService>;
