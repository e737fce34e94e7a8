/** What an indicator page receives: shared by the services that compute it and the pages that show it. */
import type { AnswerKind, Floored, SurveyPhase, SurveyTemplate } from './surveys';

export type IndicatorValue =
	| { kind: 'count'; value: number }
	| { kind: 'share'; count: number; total: number }
	| { kind: 'days'; median: number | null; count: number }
	/** Rows labelled by a catalogue key (`labelKey`) or by a name from the data. */
	| { kind: 'table'; columns: string[]; rows: { label: string; labelKey?: boolean; values: number[] }[] };

export type IndicatorGroup = 'actions' | 'participation' | 'activities' | 'governance' | 'training';

export interface IndicatorFigure {
	id: string;
	group: IndicatorGroup;
	chart?: 'bar' | 'doughnut';
	value: IndicatorValue;
}

export interface QuestionResult {
	id: string;
	position: number;
	kind: AnswerKind;
	promptKey: string | null;
	prompt: string;
	/** Average on the 1–5 scale, one decimal. */
	average: number;
	/** Answers per value, in the order of `ANSWER_VALUES[kind]`. */
	distribution: { value: number; count: number }[];
}

export interface SurveyResult {
	id: string;
	title: string;
	template: SurveyTemplate;
	phase: SurveyPhase;
	pairId: string | null;
	createdAt: number;
	closesAt: number;
	results: Floored<QuestionResult[]>;
}

export interface Comparison {
	beforeId: string;
	afterId: string;
	title: string;
	rows: { promptKey: string | null; prompt: string; before: number | null; after: number | null }[];
}

/** The order groups are shown in, on pages and in reports. */
export const INDICATOR_GROUPS: readonly IndicatorGroup[] = ['participation', 'actions', 'activities', 'governance', 'training'];
