/**
 * A training organisation's scenario library: the shipped scenarios and its own (duplicated,
 * imported, edited). A scenario file is checked for size, format, version, schema and markup
 * before anything is stored.
 */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, type Actor } from '$lib/domain/policy';
import { shippedScenario, shippedScenarios } from '$lib/domain/practice/library';
import { scenarioFromFields } from '$lib/domain/practice/fields';
import { readScenario, scenarioSchema, writeScenario, type Scenario } from '$lib/domain/practice/scenario';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import { trainingSpace, type PracticeContext } from './context';

const scenarioTextSchema = z.object({ json: z.string().max(400_000, 'practice.error.tooBig') });

export function createScenarios(deps: ServiceDeps, ctx: PracticeContext) {
	const { data: dataHandle, clock, ids } = deps;
	const { practiceScenarios } = dataHandle.t;

	async function scenarioRow(trainingId: string, scenarioId: string) {
		const t = await ctx.training(trainingId);
		const row = (await first(dataHandle.db.select().from(practiceScenarios).where(and(eq(practiceScenarios.id, scenarioId), eq(practiceScenarios.organisationId, t.organisationId)))));
		return row ?? null;
	}
	async function findScenario(trainingId: string, scenarioId: string): Promise<{ scenario: Scenario; shipped: boolean; row: typeof practiceScenarios.$inferSelect | null }> {
		const shipped = shippedScenario(scenarioId);
		if (shipped) return { scenario: shipped, shipped: true, row: null };
		const row = await scenarioRow(trainingId, scenarioId);
		if (!row) throw notFound();
		return { scenario: scenarioSchema.parse(row.data), shipped: false, row };
	}
	async function storeScenario(actor: Actor, trainingId: string, scenario: Scenario, basedOn: string | null) {
		const t = await ctx.training(trainingId);
		const sid = ids.id();
		const now = clock.now();
		await dataHandle.write(async (tx) => {
			await tx.insert(practiceScenarios)
				.values({ id: sid, organisationId: t.organisationId, title: scenario.title, module: scenario.module, language: scenario.language, data: scenario, basedOn, createdBy: actor.id, createdAt: now, updatedAt: now });
			await logAudit(dataHandle, now, actor.id, 'practice.scenario.create', { type: 'practice_scenario', id: sid }, { basedOn, title: scenario.title });
		});
		return { id: sid };
	}
	function readOrThrow(raw: string | Uint8Array): Scenario {
		const read = readScenario(raw);
		if (!read.ok) throw new UserError(read.message as never, { path: read.path ?? '' });
		return read.scenario;
	}
	/** The shipped scenarios, then the organisation's own by title (for a trainer's overview). */
	async function library(organisationId: string) {
		const own = await dataHandle.db
			.select()
			.from(practiceScenarios)
			.where(eq(practiceScenarios.organisationId, organisationId))
			.orderBy(asc(practiceScenarios.title), asc(practiceScenarios.id));
		return [
			...shippedScenarios().map((x) => ({ id: x.id, title: x.scenario.title, module: x.scenario.module, language: x.scenario.language, kind: x.scenario.space.kind, shipped: true })),
			...own.map((r) => ({ id: r.id, title: r.title, module: r.module, language: r.language, kind: scenarioSchema.parse(r.data).space.kind, shipped: false }))
		];
	}

	/** The organisation's own scenario (shipped ones are read-only). */
	async function ownRow(trainingId: string, scenarioId: string) {
		const row = await scenarioRow(trainingId, scenarioId);
		if (!row) throw shippedScenario(scenarioId) ? new UserError('practice.error.shippedReadOnly', {}, 409) : notFound();
		return row;
	}
	async function save(actor: Actor, row: typeof practiceScenarios.$inferSelect, scenario: Scenario) {
		const now = clock.now();
		await dataHandle.write(async (tx) => {
			await tx.update(practiceScenarios).set({ title: scenario.title, module: scenario.module, language: scenario.language, data: scenario, updatedAt: now }).where(eq(practiceScenarios.id, row.id));
			await logAudit(dataHandle, now, actor.id, 'practice.scenario.edit', { type: 'practice_scenario', id: row.id }, { title: scenario.title });
		});
		return { id: row.id };
	}

	return {
		findScenario,
		storeScenario,
		library,
		methods: {
			async scenario(actor: Actor | null, trainingId: string, scenarioId: string) {
				authorize(actor, 'practice.run', trainingSpace(trainingId));
				const found = await findScenario(trainingId, scenarioId);
				return { id: scenarioId, shipped: found.shipped, scenario: found.scenario, json: writeScenario(found.scenario), basedOn: found.row?.basedOn ?? null };
			},

			async exportScenario(actor: Actor | null, trainingId: string, scenarioId: string) {
				authorize(actor, 'practice.run', trainingSpace(trainingId));
				const found = await findScenario(trainingId, scenarioId);
				return { filename: `scenario-${found.scenario.module}-${found.scenario.language}.json`, body: writeScenario(found.scenario) };
			},

			async duplicateScenario(actor: Actor | null, trainingId: string, scenarioId: string) {
				authorize(actor, 'practice.run', trainingSpace(trainingId));
				const found = await findScenario(trainingId, scenarioId);
				const copy: Scenario = { ...found.scenario, title: `${found.scenario.title} (copie)`.slice(0, 200) };
				return storeScenario(actor, trainingId, scenarioSchema.parse(copy), scenarioId);
			},

			/** A scenario file from elsewhere: size, format, version, schema, no markup; nothing stored otherwise. */
			async importScenario(actor: Actor | null, trainingId: string, raw: string | Uint8Array) {
				authorize(actor, 'practice.run', trainingSpace(trainingId));
				return storeScenario(actor, trainingId, readOrThrow(raw), null);
			},

			async updateScenario(actor: Actor | null, trainingId: string, scenarioId: string, input: unknown) {
				authorize(actor, 'practice.run', trainingSpace(trainingId));
				const row = await ownRow(trainingId, scenarioId);
				return save(actor, row, readOrThrow(parse(scenarioTextSchema, input).json));
			},

			/** The field-by-field editor: its fields applied to the stored scenario, then the same checks as a JSON file. */
			async updateScenarioFields(actor: Actor | null, trainingId: string, scenarioId: string, field: (name: string) => string | undefined) {
				authorize(actor, 'practice.run', trainingSpace(trainingId));
				const row = await ownRow(trainingId, scenarioId);
				return save(actor, row, readOrThrow(JSON.stringify(scenarioFromFields(scenarioSchema.parse(row.data), field))));
			}
		}
	};
}

export type PracticeScenarios = ReturnType<typeof createScenarios>;
