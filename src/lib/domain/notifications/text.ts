import type { Translate } from '$lib/i18n';
import { statuses, type ProposalStatus } from '$lib/domain/lifecycle';

/** The fields of a grouped notification line that its sentence needs (the page and e-mails share it). */
export interface GroupLike {
	kind: string;
	count: number;
	actors: string[];
	proposalTitle: string;
	data: Record<string, unknown>;
}

export function namesOf(t: Translate, actors: string[]): string {
	if (actors.length === 0) return t('notifications.someone');
	return t('notifications.names', { count: actors.length, first: actors[0]!, second: actors[1] ?? '' });
}

/** One sentence per line, e.g. "3 nouveaux commentaires sur « Bancs » (Karim, Claire et 1 autre)". */
export function groupText(t: Translate, formatDate: (d: Date) => string, g: GroupLike): string {
	const d = g.data as { to?: string; reason?: string; target?: string; closesAt?: string | null; channel?: string; at?: string; cap?: number; recordedBy?: string; change?: string };
	const title = g.proposalTitle || t('notifications.hiddenTitle');
	switch (g.kind) {
		case 'comment':
			return t('notifications.group.comment', { count: g.count, names: namesOf(t, g.actors), title });
		case 'status': {
			const to = statuses.includes(d.to as ProposalStatus) ? (d.to as ProposalStatus) : 'idea';
			return t('notifications.group.status', { title, status: t(`board.status.${to}`) });
		}
		case 'hidden':
			return d.target === 'comment'
				? t('notifications.group.hiddenComment', { count: g.count, title, reason: d.reason ?? '' })
				: t('notifications.group.hiddenProposal', { title, reason: d.reason ?? '' });
		case 'voteOpened':
			return d.closesAt ? t('notifications.group.voteOpenedUntil', { title, date: formatDate(new Date(d.closesAt)) }) : t('notifications.group.voteOpened', { title });
		case 'minutesSubmitted':
			return t('notifications.group.minutesSubmitted', { title, date: formatDate(new Date(String(g.data.until ?? ''))) });
		case 'decisionReview':
			return t('notifications.group.decisionReview', { title });
		case 'voteClosing':
			return t('notifications.group.voteClosing', { title });
		case 'assistedVote':
			return t('notifications.group.assistedVote', { title, name: namesOf(t, g.actors), channel: t(`votes.channel.${d.channel === 'phone' || d.channel === 'paper' ? d.channel : 'door'}`), date: formatDate(new Date(d.at ?? Date.now())) });
		case 'assistedAlert':
			return d.reason === 'rejected'
				? t('notifications.group.assistedRejected', { title, name: namesOf(t, g.actors), recordedBy: d.recordedBy ?? '' })
				: t('notifications.group.assistedCap', { title, name: namesOf(t, g.actors), cap: d.cap ?? 0 });
		case 'voteChanged':
			return d.change === 'reopened'
				? t('notifications.group.voteReopened', { title, reason: d.reason ?? '' })
				: d.change === 'edited'
					? t('notifications.group.voteEdited', { title })
					: t('notifications.group.voteExtended', { title, date: formatDate(new Date(d.closesAt ?? Date.now())) });
		case 'accessReset':
			return t('notifications.group.accessReset', { name: namesOf(t, g.actors) });
		case 'meetingInvited':
			return t('notifications.group.meetingInvited', { title, date: formatDate(new Date(String(g.data.startsAt ?? ''))) });
		case 'meetingChanged':
			return d.change === 'cancelled'
				? t('notifications.group.meetingCancelled', { title, reason: d.reason ?? '' })
				: d.change === 'postponed'
					? t('notifications.group.meetingPostponed', { title, reason: d.reason ?? '' })
					: d.change === 'agenda'
						? t('notifications.group.meetingAgenda', { title })
						: t('notifications.group.meetingEdited', { title, date: formatDate(new Date(String(g.data.startsAt ?? ''))) });
		case 'meetingStarting':
			return t('notifications.group.meetingStarting', { title });
		case 'surveyInvited':
			return t('notifications.group.surveyInvited', { title, date: formatDate(new Date(String(g.data.closesAt ?? ''))) });
		case 'meetingResults':
			return t('notifications.group.meetingResults', { title, question: String(g.data.question ?? ''), outcome: t(`meetings.outcome.${g.data.outcome === 'adopted' || g.data.outcome === 'rejected' ? g.data.outcome : 'invalid'}`) });
		default:
			return t('notifications.group.voteResults', { title });
	}
}
