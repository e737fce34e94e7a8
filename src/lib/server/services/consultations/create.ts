/** Drafting a consultation: its question, method, electorate, options and their photos. */
import { and, eq } from 'drizzle-orm';
import { createConsultationSchema, GRADES_FR } from '$lib/domain/consultations';
import { authorize, type Actor, type SpaceRef } from '$lib/domain/policy';
import { transaction } from '../../db';
import { bodies, buildings, colleges, consultationOptions, consultations, proposals, residences } from '../../db/schema';
import { storePhoto } from '../../uploads/photos';
import { audit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { Context } from './context';
import { checkProposals, linkProposals } from './lifecycle';
import type { Scheduling } from './scheduling';
import type { Tallies } from './tallies';

export function createDrafting({ db, clock, ids }: Context, tallies: Tallies, { load }: Scheduling, uploadDir: () => string) {
	return {
		/**
		 * Creates a consultation, opened now, at `opensAt`, or later by hand.
		 * `photos`: option index → picture already re-encoded without metadata (see uploads/photos.ts),
		 * e.g. the three bench models. Stored beside proposals' photos, served through the policy.
		 */
		create(actor: Actor | null, input: unknown, photos: ReadonlyMap<number, Buffer> = new Map()): { id: string } {
			const data = parse(createConsultationSchema, input);
			const space: SpaceRef = data.space;
			authorize(actor, 'consultation.manage', space);
			if (space.type === 'residence') {
				if (!db.select({ id: residences.id }).from(residences).where(eq(residences.id, space.id)).get()) throw notFound();
				if (data.buildingId && !db.select({ id: buildings.id }).from(buildings).where(and(eq(buildings.id, data.buildingId), eq(buildings.residenceId, space.id))).get())
					throw new UserError('votes.error.building');
			} else if (!db.select({ id: bodies.id }).from(bodies).where(eq(bodies.id, space.id)).get()) throw notFound();
			if (data.weighting === 'colleges' && space.type === 'body' && !db.select({ id: colleges.id }).from(colleges).where(eq(colleges.bodyId, space.id)).get())
				throw new UserError('votes.error.noColleges');
			for (const o of data.options) {
				if (!o.proposalId) continue;
				const p = db.select({ spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, o.proposalId)).get();
				if (!p || p.spaceId !== space.id) throw new UserError('votes.error.proposal');
			}
			const now = clock.now();
			const id = ids.id();
			const photoNames = new Map<number, string>();
			for (const [index, bytes] of photos) {
				if (!data.options[index]) continue;
				const name = `option-${ids.id()}.webp`;
				storePhoto(uploadDir(), name, bytes);
				photoNames.set(index, name);
			}
			const openNowFlag = data.openNow || (!!data.opensAt && data.opensAt <= now);
			transaction(db, (tx) => {
				tx.insert(consultations)
					.values({
						id,
						spaceType: space.type,
						spaceId: space.id,
						question: data.question,
						description: data.description,
						method: data.method,
						budget: data.method === 'budget' ? (data.budget ?? null) : null,
						dots: data.method === 'dot' ? (data.dots ?? null) : null,
						grades: data.method === 'majority-judgment' ? [...GRADES_FR] : null,
						optionOrder: data.optionOrder,
						electorate: data.electorate,
						buildingId: data.electorate === 'building' ? (data.buildingId ?? null) : null,
						countBy: space.type === 'residence' ? data.countBy : 'person',
						weighting: space.type === 'body' ? data.weighting : 'none',
						secrecy: data.secrecy,
						resultsVisibility: data.resultsVisibility,
						quorum: data.quorumPercent === undefined || data.quorumPercent === 0 ? null : data.quorumPercent / 100,
						quorumPerCollege: data.quorumPerCollege && data.weighting === 'colleges',
						opensAt: data.opensAt ?? null,
						closesAt: data.closesAt ?? null,
						assistedCounting: data.assistedCounting,
						assistedCap: data.assistedCap,
						status: openNowFlag ? 'open' : 'draft',
						openedAt: openNowFlag ? now : null,
						createdBy: actor.id,
						createdAt: now
					})
					.run();
				if (data.method !== 'yes-no-abstain')
					data.options.forEach((o, position) =>
						tx
							.insert(consultationOptions)
							.values({
								id: ids.id(),
								consultationId: id,
								position,
								label: o.label,
								description: o.description,
								cost: o.cost ?? null,
								proposalId: o.proposalId ?? null,
								photo: photoNames.get(position) ?? null
							})
							.run()
					);
				linkProposals(tx, id, checkProposals(tx, space, [...data.options.flatMap((o) => (o.proposalId ? [o.proposalId] : [])), ...data.proposalIds]));
				audit(tx, now, actor.id, 'consultation.created', { type: 'consultation', id }, { question: data.question, method: data.method, secrecy: data.secrecy });
			});
			if (openNowFlag) tallies.publish(load(id));
			return { id };
		}
	};
}
