/** Drafting a consultation: its question, method, electorate, options and their photos. */
import { and, eq } from 'drizzle-orm';
import { createConsultationSchema, GRADES_FR } from '$lib/domain/consultations';
import { authorize, type Actor, type SpaceRef } from '$lib/domain/policy';
import { first } from '../../db/data';
import { storePhoto } from '../../uploads/photos';
import { logAudit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { Context } from './context';
import { checkProposals, linkProposals } from './lifecycle';
import type { Scheduling } from './scheduling';
import type { Tallies } from './tallies';

export function createDrafting({ data, clock, ids }: Context, tallies: Tallies, { load }: Scheduling, uploadDir: () => string) {
	const { bodies, buildings, colleges, consultationOptions, consultations, proposals, residences } = data.t;
	const db = () => data.db;
	return {
		/**
		 * Creates a consultation, opened now, at `opensAt`, or later by hand.
		 * `photos`: option index → picture already re-encoded without metadata (see uploads/photos.ts),
		 * e.g. the three bench models. Stored beside proposals' photos, served through the policy.
		 */
		async create(actor: Actor | null, input: unknown, photos: ReadonlyMap<number, Buffer> = new Map()): Promise<{ id: string }> {
			const wanted = parse(createConsultationSchema, input);
			const space: SpaceRef = wanted.space;
			authorize(actor, 'consultation.manage', space);
			if (space.type === 'residence') {
				if (!(await first(db().select({ id: residences.id }).from(residences).where(eq(residences.id, space.id))))) throw notFound();
				if (wanted.buildingId && !(await first(db().select({ id: buildings.id }).from(buildings).where(and(eq(buildings.id, wanted.buildingId), eq(buildings.residenceId, space.id))))))
					throw new UserError('votes.error.building');
			} else if (!(await first(db().select({ id: bodies.id }).from(bodies).where(eq(bodies.id, space.id))))) throw notFound();
			if (wanted.weighting === 'colleges' && space.type === 'body' && !(await first(db().select({ id: colleges.id }).from(colleges).where(eq(colleges.bodyId, space.id)))))
				throw new UserError('votes.error.noColleges');
			for (const o of wanted.options) {
				if (!o.proposalId) continue;
				const p = await first(db().select({ spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, o.proposalId)));
				if (!p || p.spaceId !== space.id) throw new UserError('votes.error.proposal');
			}
			const now = clock.now();
			const id = ids.id();
			const photoNames = new Map<number, string>();
			for (const [index, bytes] of photos) {
				if (!wanted.options[index]) continue;
				const name = `option-${ids.id()}.webp`;
				storePhoto(uploadDir(), name, bytes);
				photoNames.set(index, name);
			}
			const openNowFlag = wanted.openNow || (!!wanted.opensAt && wanted.opensAt <= now);
			await data.write(async (tx) => {
				await tx
					.insert(consultations)
					.values({
						id,
						spaceType: space.type,
						spaceId: space.id,
						question: wanted.question,
						description: wanted.description,
						method: wanted.method,
						budget: wanted.method === 'budget' ? (wanted.budget ?? null) : null,
						dots: wanted.method === 'dot' ? (wanted.dots ?? null) : null,
						grades: wanted.method === 'majority-judgment' ? [...GRADES_FR] : null,
						optionOrder: wanted.optionOrder,
						electorate: wanted.electorate,
						buildingId: wanted.electorate === 'building' ? (wanted.buildingId ?? null) : null,
						countBy: space.type === 'residence' ? wanted.countBy : 'person',
						weighting: space.type === 'body' ? wanted.weighting : 'none',
						secrecy: wanted.secrecy,
						resultsVisibility: wanted.resultsVisibility,
						quorum: wanted.quorumPercent === undefined || wanted.quorumPercent === 0 ? null : wanted.quorumPercent / 100,
						quorumPerCollege: wanted.quorumPerCollege && wanted.weighting === 'colleges',
						opensAt: wanted.opensAt ?? null,
						closesAt: wanted.closesAt ?? null,
						assistedCounting: wanted.assistedCounting,
						assistedCap: wanted.assistedCap,
						status: openNowFlag ? 'open' : 'draft',
						openedAt: openNowFlag ? now : null,
						createdBy: actor.id,
						createdAt: now
					});
				if (wanted.method !== 'yes-no-abstain')
					for (const [position, o] of wanted.options.entries())
						await tx.insert(consultationOptions).values({
							id: ids.id(),
							consultationId: id,
							position,
							label: o.label,
							description: o.description,
							cost: o.cost ?? null,
							proposalId: o.proposalId ?? null,
							photo: photoNames.get(position) ?? null
						});
				await linkProposals(data, id, await checkProposals(data, space, [...wanted.options.flatMap((o) => (o.proposalId ? [o.proposalId] : [])), ...wanted.proposalIds]));
				await logAudit(data, now, actor.id, 'consultation.created', { type: 'consultation', id }, { question: wanted.question, method: wanted.method, secrecy: wanted.secrecy });
			});
			if (openNowFlag) await tallies.publish(await load(id));
			return { id };
		}
	};
}
