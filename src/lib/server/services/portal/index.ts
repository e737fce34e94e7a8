/**
 * The transparency portal's residence side (issue 11), read without an account: a residence that
 * chose to publish shows its closed consultations with their results and turnout, each with the same
 * anonymised ballot file members get (for a recount), and its decision register. Nothing of a
 * practice residence; nothing of a vote still open or reopened; no names. It also lists the
 * indicators the residence chose to publish (the indicators service cuts them down). The body side
 * lives with the minutes (`services/minutes/portal.ts`).
 */
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, can, canReadPortal, type Actor } from '$lib/domain/policy';
import { POSITIONS } from '$lib/domain/voting';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import type { ConsultationsService } from '../consultations';
import type { ServiceDeps } from '../deps';
import type { IndicatorsService } from '../indicators';
import { storedTurnout, type RegisterService } from '../register';
import { UserError } from '../errors';
import { parse } from '../validate';

const notPublic = () => new UserError('minutes.error.notPublic', {}, 404);
const settingsSchema = z.object({ residenceId: z.string().min(1).max(64), resultsPublic: z.boolean() });

export function createPortalService(deps: ServiceDeps, consultationsService: ConsultationsService, register: RegisterService, indicators: IndicatorsService) {
	const { data, clock } = deps;
	const { consultationOptions, consultations, decisions, organisations, residencePortalSettings, residences } = data.t;

	async function published(residenceId: string) {
		const row = await first(data.db.select({ resultsPublic: residencePortalSettings.resultsPublic }).from(residencePortalSettings).where(eq(residencePortalSettings.residenceId, residenceId)));
		return row?.resultsPublic ?? false;
	}

	/** The residence behind a portal address, if the policy lets the public read it. */
	async function publicResidence(orgSlug: string, residenceSlug: string) {
		const row = await first(
			data.db
				.select({ residence: residences, org: organisations })
				.from(residences)
				.innerJoin(organisations, eq(organisations.id, residences.organisationId))
				.where(and(eq(residences.slug, residenceSlug), eq(organisations.slug, orgSlug)))
		);
		if (!row || !canReadPortal({ practice: row.residence.practice, published: await published(row.residence.id) })) throw notPublic();
		return row;
	}

	return {
		async residence(orgSlug: string, residenceSlug: string) {
			const { residence, org } = await publicResidence(orgSlug, residenceSlug);
			const rows = await data.db
				.select({ d: decisions, c: consultations })
				.from(decisions)
				.innerJoin(consultations, eq(consultations.id, decisions.consultationId))
				.where(and(eq(decisions.spaceType, 'residence'), eq(decisions.spaceId, residence.id), eq(consultations.status, 'closed'), isNull(decisions.reopenedAt)))
				.orderBy(desc(decisions.decidedAt), desc(decisions.id));
			const options = rows.length
				? await data.db
						.select({ id: consultationOptions.id, cid: consultationOptions.consultationId, label: consultationOptions.label })
						.from(consultationOptions)
						.where(
							inArray(
								consultationOptions.consultationId,
								rows.map((r) => r.c.id)
							)
						)
						.orderBy(asc(consultationOptions.position), asc(consultationOptions.id))
				: [];
			return {
				organisation: { name: org.name, slug: org.slug },
				residence: { name: residence.name, slug: residence.slug, city: residence.city },
				consultations: rows.map(({ d, c }) => {
					const labels = new Map(options.filter((o) => o.cid === c.id).map((o) => [o.id, o.label]));
					const tallies = d.result.tallies as Record<string, unknown>;
					return {
						id: c.id,
						question: c.question,
						method: c.method,
						secret: c.secrecy === 'secret',
						closedAt: d.decidedAt.getTime(),
						outcome: d.outcome,
						adopted: d.adopted,
						quorumMet: d.quorumMet,
						// Scores only where the method's tally is one number per option (or per position).
						ranking: d.method === 'yes-no-abstain' ? [] : d.result.ranking.map((id) => ({ label: labels.get(id) ?? id, score: typeof tallies[id] === 'number' ? (tallies[id] as number) : null, winner: d.result.winners.includes(id) })),
						positions: d.method === 'yes-no-abstain' ? POSITIONS.filter((p) => p !== 'object' || typeof tallies[p] === 'number' && (tallies[p] as number) > 0).map((p) => ({ position: p, weight: typeof tallies[p] === 'number' ? (tallies[p] as number) : 0 })) : [],
						valid: d.result.valid,
						turnout: storedTurnout(d.turnout)
					};
				}),
				register: await register.publicEntries({ type: 'residence', id: residence.id }),
				// What the residence chose to publish of its indicators (issue 14), over the default period:
				// the same figures, definitions and survey floor as its indicator page; null when nothing is.
				indicators: await indicators.portalSection(org.slug, { type: 'residence', id: residence.id })
			};
		},

		/** The anonymised ballots of one of those consultations, as members get them (`ballots/v1`). */
		async ballots(orgSlug: string, residenceSlug: string, consultationId: string) {
			const { residence } = await publicResidence(orgSlug, residenceSlug);
			const d = await first(data.db.select({ reopenedAt: decisions.reopenedAt }).from(decisions).where(eq(decisions.consultationId, consultationId)));
			if (!d || d.reopenedAt) throw notPublic();
			// issue 12: the consultations service is converted in parallel; awaiting works either way.
			return await consultationsService.publishedFile(residence.id, consultationId);
		},

		/** What the residence publishes, for its register page (staff may change it). */
		async settings(actor: Actor | null, residenceId: string) {
			authorize(actor, 'space.view', { type: 'residence', id: residenceId });
			const row = await first(
				data.db
					.select({ slug: residences.slug, org: organisations.slug, practice: residences.practice })
					.from(residences)
					.innerJoin(organisations, eq(organisations.id, residences.organisationId))
					.where(eq(residences.id, residenceId))
			);
			const resultsPublic = await published(residenceId);
			const href = row && canReadPortal({ practice: row.practice, published: resultsPublic }) ? `/o/${row.org}/r/${row.slug}` : null;
			return { resultsPublic, href, canChange: !row?.practice && can(actor, 'space.manage', { type: 'residence', id: residenceId }) };
		},

		async saveSettings(actor: Actor | null, raw: unknown) {
			const input = parse(settingsSchema, raw);
			authorize(actor, 'space.manage', { type: 'residence', id: input.residenceId });
			const now = clock.now();
			await data.write(async (tx) => {
				await tx
					.insert(residencePortalSettings)
					.values({ residenceId: input.residenceId, resultsPublic: input.resultsPublic, updatedAt: now })
					.onConflictDoUpdate({ target: residencePortalSettings.residenceId, set: { resultsPublic: input.resultsPublic, updatedAt: now } });
				await logAudit(data, now, actor.id, 'portal.residence', { type: 'residence', id: input.residenceId }, { resultsPublic: input.resultsPublic });
			});
		}
	};
}

export type PortalService = ReturnType<typeof createPortalService>;
