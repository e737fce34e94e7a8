/**
 * CSV and open-data JSON of an indicator report. Both are built from the same `IndicatorReport` the
 * page shows (survey floor already applied), with the definitions in the reader's language.
 * The JSON follows `OPEN_DATA_SCHEMA` (served at /indicators/schema.json).
 */
import { stringify } from 'csv-stringify/sync';
import { PERIOD_TZ } from '$lib/domain/indicators/period';
import { RESPONDENT_FLOOR } from '$lib/domain/indicators/surveys';
import type { IndicatorValue } from '$lib/domain/indicators/types';
import type { MessageKey, Translate } from '$lib/i18n';
import type { IndicatorReport } from './index';

const label = (t: Translate, r: { label: string; labelKey?: boolean }) => (r.labelKey ? t(r.label as MessageKey) : r.label);
const prompt = (t: Translate, q: { promptKey: string | null; prompt: string }) => (q.promptKey ? t(`indicators.q.${q.promptKey}` as MessageKey) : q.prompt);

/** One line per figure: indicator, name, row, column, value, definition. */
export function reportCsv(report: IndicatorReport, t: Translate): string {
	const head = ['indicator', 'name', 'row', 'column', 'value', 'definition'];
	const lines: (string | number)[][] = [];
	const { scope, period } = report;
	lines.push(['scope', t(`indicators.scope.${scope.type}` as MessageKey), scope.name, '', '', '']);
	lines.push(['period', t('indicators.period'), period.from, period.to, PERIOD_TZ, '']);
	if (scope.buildingId) lines.push(['building', t('indicators.building'), scope.buildings.find((b) => b.id === scope.buildingId)?.name ?? '', '', '', '']);
	for (const f of report.figures) {
		const name = t(`indicators.name.${f.id}` as MessageKey);
		const def = t(`indicators.def.${f.id}` as MessageKey);
		const v = f.value;
		if (v.kind === 'count') lines.push([f.id, name, '', 'value', v.value, def]);
		else if (v.kind === 'share') {
			lines.push([f.id, name, '', 'count', v.count, def]);
			lines.push([f.id, name, '', 'total', v.total, def]);
		} else if (v.kind === 'days') {
			lines.push([f.id, name, '', 'medianDays', v.median ?? '', def]);
			lines.push([f.id, name, '', 'count', v.count, def]);
		} else for (const r of v.rows) v.columns.forEach((c, i) => lines.push([f.id, name, label(t, r), c, r.values[i] ?? 0, def]));
	}
	for (const s of report.surveys) {
		if (!s.results.shown) {
			lines.push([`survey:${s.id}`, s.title, '', 'respondents', `<${RESPONDENT_FLOOR}`, t('indicators.survey.tooFew', { floor: RESPONDENT_FLOOR })]);
			continue;
		}
		lines.push([`survey:${s.id}`, s.title, '', 'respondents', s.results.respondents, '']);
		for (const q of s.results.value) {
			lines.push([`survey:${s.id}`, s.title, prompt(t, q), 'average', q.average, '']);
			for (const d of q.distribution) lines.push([`survey:${s.id}`, s.title, prompt(t, q), `answer:${d.value}`, d.count, '']);
		}
	}
	// A byte-order mark so that spreadsheet software opens the accents right.
	return '\ufeff' + stringify(lines, { header: true, columns: head });
}

function valueJson(v: IndicatorValue, t: Translate) {
	if (v.kind !== 'table') return v;
	return { kind: v.kind, columns: v.columns, rows: v.rows.map((r) => ({ label: label(t, r), values: r.values })) };
}

export function reportOpenData(report: IndicatorReport, t: Translate, generatedAt: Date) {
	const { scope, period } = report;
	return {
		schema: 'indicators/v1',
		generatedAt: generatedAt.toISOString(),
		scope: { type: scope.type, id: scope.id, name: scope.name, building: scope.buildingId ? (scope.buildings.find((b) => b.id === scope.buildingId)?.name ?? null) : null },
		period: { from: period.from, to: period.to, timeZone: PERIOD_TZ },
		respondentFloor: RESPONDENT_FLOOR,
		indicators: report.figures.map((f) => ({
			id: f.id,
			group: f.group,
			name: t(`indicators.name.${f.id}` as MessageKey),
			definition: t(`indicators.def.${f.id}` as MessageKey),
			value: valueJson(f.value, t)
		})),
		surveys: report.surveys.map((s) => ({
			id: s.id,
			title: s.title,
			template: s.template,
			phase: s.phase,
			pairId: s.pairId,
			shown: s.results.shown,
			respondents: s.results.shown ? s.results.respondents : null,
			questions: s.results.shown ? s.results.value.map((q) => ({ prompt: prompt(t, q), kind: q.kind, average: q.average, distribution: q.distribution })) : []
		})),
		comparisons: report.comparisons.map((c) => ({ before: c.beforeId, after: c.afterId, title: c.title, rows: c.rows.map((r) => ({ prompt: prompt(t, r), before: r.before, after: r.after })) }))
	};
}

const num = { type: 'number' } as const;
const str = { type: 'string' } as const;

/** JSON Schema (2020-12) of the open-data export. */
export const OPEN_DATA_SCHEMA = {
	$schema: 'https://json-schema.org/draft/2020-12/schema',
	$id: '/indicators/schema.json',
	title: 'Participation indicators (indicators/v1)',
	description:
		'Indicators of one residence, agency, organisation, governance body or training group over a period of whole days in Europe/Paris time (from and to included). Survey results below respondentFloor respondents are never published: shown is false, respondents is null, questions is empty.',
	type: 'object',
	required: ['schema', 'generatedAt', 'scope', 'period', 'respondentFloor', 'indicators', 'surveys', 'comparisons'],
	properties: {
		schema: { const: 'indicators/v1' },
		generatedAt: { type: 'string', format: 'date-time' },
		scope: {
			type: 'object',
			required: ['type', 'id', 'name'],
			properties: { type: { enum: ['residence', 'agency', 'organisation', 'body', 'training'] }, id: str, name: str, building: { type: ['string', 'null'] } }
		},
		period: { type: 'object', required: ['from', 'to', 'timeZone'], properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, timeZone: { const: PERIOD_TZ } } },
		respondentFloor: { type: 'integer' },
		indicators: {
			type: 'array',
			items: {
				type: 'object',
				required: ['id', 'group', 'name', 'definition', 'value'],
				properties: {
					id: str,
					group: { enum: ['participation', 'actions', 'activities', 'governance', 'training'] },
					name: str,
					definition: { type: 'string', description: 'Plain-language definition of the figure, in the language of the request.' },
					value: {
						oneOf: [
							{ type: 'object', required: ['kind', 'value'], properties: { kind: { const: 'count' }, value: num } },
							{ type: 'object', required: ['kind', 'count', 'total'], properties: { kind: { const: 'share' }, count: num, total: num } },
							{ type: 'object', required: ['kind', 'median', 'count'], properties: { kind: { const: 'days' }, median: { type: ['number', 'null'] }, count: num } },
							{
								type: 'object',
								required: ['kind', 'columns', 'rows'],
								properties: {
									kind: { const: 'table' },
									columns: { type: 'array', items: str },
									rows: { type: 'array', items: { type: 'object', required: ['label', 'values'], properties: { label: str, values: { type: 'array', items: num } } } }
								}
							}
						]
					}
				}
			}
		},
		surveys: {
			type: 'array',
			items: {
				type: 'object',
				required: ['id', 'title', 'template', 'phase', 'shown', 'respondents', 'questions'],
				properties: {
					id: str,
					title: str,
					template: str,
					phase: { enum: ['single', 'before', 'after'] },
					pairId: { type: ['string', 'null'] },
					shown: { type: 'boolean' },
					respondents: { type: ['integer', 'null'] },
					questions: {
						type: 'array',
						items: {
							type: 'object',
							properties: {
								prompt: str,
								kind: { enum: ['faces', 'thumbs', 'scale'] },
								average: { type: 'number', description: 'On a 1–5 scale.' },
								distribution: { type: 'array', items: { type: 'object', properties: { value: { type: 'integer' }, count: { type: 'integer' } } } }
							}
						}
					}
				}
			}
		},
		comparisons: { type: 'array', items: { type: 'object', properties: { before: str, after: str, title: str, rows: { type: 'array' } } } }
	}
} as const;
