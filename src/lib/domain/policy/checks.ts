/** Named checks for things that are not yet resource kinds: follow-ups, briefs, watching practice, aggregates, voice. */
import { has, rolesIn, ForbiddenError, type Actor, type SpaceRef } from './grants';

/** A decision's follow-up: whoever manages decisions in the space, and its owner while still a member. */
export function canUpdateFollowUp(actor: Actor | null, space: SpaceRef, ownerId: string | null): boolean {
	if (!actor) return false;
	return has(actor, 'decision.manage', space) || (ownerId === actor.id && has(actor, 'space.view', space));
}

/**
 * A role's private brief in a practice session: the trainers of the training space read every brief;
 * a trainee reads only the brief of the role they hold now; observers read none.
 */
export function canReadBrief(actor: Actor | null, training: SpaceRef, holderId: string | null): boolean {
	if (!actor || training.type !== 'training') return false;
	if (has(actor, 'practice.run', training)) return true;
	return holderId === actor.id && has(actor, 'practice.join', training);
}

/**
 * Indicators over several residences (issue 14). An agency's figures: administrators and the staff
 * (facilitators) of at least one of its residences, "agency staff see their agencies". An
 * organisation's figures span every agency: administrators only.
 */
export function canViewAggregate(actor: Actor | null, kind: 'agency' | 'organisation', residenceIds: readonly string[]): boolean {
	if (!actor) return false;
	if (actor.isAdmin) return true;
	if (kind === 'organisation') return false;
	return residenceIds.some((id) => rolesIn(actor, { type: 'residence', id }).includes('facilitator'));
}

export function authorizeAggregate(actor: Actor | null, kind: 'agency' | 'organisation', residenceIds: readonly string[]): asserts actor is Actor {
	if (!canViewAggregate(actor, kind, residenceIds)) throw new ForbiddenError('indicators.view');
}

/**
 * Voice comments (issue 16). What they are left on (a proposal, a consultation, a survey) gives the
 * space, whether its text is readable and whether it takes comments; the comment gives its author and
 * whether it is hidden. Speaking needs the right to comment; listening, to see the space (a hidden one:
 * moderators only); the author or a moderator removes; moderators hide and write the summary.
 */
export interface VoiceTarget {
	space: SpaceRef;
	readable: boolean;
	open: boolean;
}
export type VoiceAction = 'voice.listen' | 'voice.post' | 'voice.remove' | 'voice.moderate' | 'voice.summarise';
export function canVoice(actor: Actor | null, action: VoiceAction, target: VoiceTarget, comment?: { authorId: string; hidden: boolean }): boolean {
	if (!actor || !has(actor, 'space.view', target.space)) return false;
	const moderates = has(actor, 'content.moderate', target.space);
	switch (action) {
		case 'voice.listen':
			return (target.readable || moderates) && (!comment?.hidden || moderates);
		case 'voice.post':
			return target.open && has(actor, 'proposal.comment', target.space);
		case 'voice.remove':
			return moderates || (!!comment && comment.authorId === actor.id);
		case 'voice.moderate':
		case 'voice.summarise':
			return moderates;
	}
}


/**
 * The transparency portal, read without an account (issue 11): only a real space (never one of a
 * practice session) that chose to publish what is asked for: a body's portal, a residence's closed
 * votes with their anonymised ballots, a body's meetings live.
 */
export function canReadPortal(space: { practice: boolean; published: boolean }): boolean {
	return !space.practice && space.published;
}

/**
 * Watching a practice session live and writing observations for its debrief: the trainers and the
 * observers of the training space, and a person the trainer invited into the session as an
 * observer (while still in the training). Trainees playing in it do not watch the others.
 */
export function canWatchPractice(actor: Actor | null, training: SpaceRef, invitedObserver: boolean): boolean {
	if (!actor || training.type !== 'training') return false;
	if (has(actor, 'practice.run', training) || has(actor, 'practice.observe', training)) return true;
	return invitedObserver && has(actor, 'practice.join', training);
}

/**
 * Building a practice scenario from a real residence's anonymised shape: only someone who is both
 * staff (facilitator) of that residence and a trainer of the training space that will hold it.
 */
export function canAnonymiseResidence(actor: Actor | null, residence: SpaceRef, training: SpaceRef): boolean {
	if (!actor || residence.type !== 'residence' || training.type !== 'training') return false;
	return rolesIn(actor, residence).includes('facilitator') && has(actor, 'practice.run', training);
}
