/**
 * Open data of a public body, with their documented schema (shown on the portal page):
 * - minutes.json: `minutes-chain/v1`, every published version exactly as hashed (see
 *   domain/minutes/canonical.ts); `npm run verify-minutes -- minutes.json` checks it.
 * - minutes.csv: one row per version: sequence, meeting_title, meeting_starts_at, published_at,
 *   adoption_method, adopted_by, corrects_sequence, correction_what, correction_why, previous_hash, hash.
 * - register.json: `decision-register/v1`: { schema, body, decisions: [...] } with for each decision
 *   id, title, method, outcome, adopted, quorum_met, decided_at, turnout {participants, electorate,
 *   offline (votes counted by hand: show of hands, paper), by_college}, meeting_id,
 *   minutes {sequence, hash} | null, follow_up {owner, status, progress, abandon_reason, review_at},
 *   milestones [{title, due_at, done_at}], notes [{author, text, status, progress, created_at}].
 * - register.csv: one row per decision: id, title, method, outcome, decided_at, participants,
 *   electorate, offline, status, progress, owner, review_at, overdue, minutes_sequence.
 * Dates are ISO 8601 in UTC. CSV cells that a spreadsheet would run as formulas are escaped.
 */
import { stringify } from 'csv-stringify/sync';
import type { MinutesChainFile } from '$lib/domain/minutes';
import type { RegisterService } from '../services/register';

type Entries = Awaited<ReturnType<RegisterService['publicEntries']>>;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function minutesCsv(file: MinutesChainFile): string {
	const header = ['sequence', 'meeting_title', 'meeting_starts_at', 'published_at', 'adoption_method', 'adopted_by', 'corrects_sequence', 'correction_what', 'correction_why', 'previous_hash', 'hash'];
	const rows = file.versions.map((v) => [v.sequence, v.meeting.title, v.meeting.startsAt, v.publishedAt, v.adoption.method, v.adoption.by, v.corrects?.sequence ?? '', v.correction?.what ?? '', v.correction?.why ?? '', v.previousHash ?? '', v.hash]);
	return stringify([header, ...rows], { bom: true, escape_formulas: true });
}

export function registerJson(body: { id: string; name: string }, entries: Entries) {
	return {
		schema: 'decision-register/v1',
		body,
		decisions: entries.map((e) => ({
			id: e.id,
			title: e.title,
			method: e.method,
			outcome: e.outcome,
			adopted: e.adopted,
			quorum_met: e.quorumMet,
			decided_at: iso(e.decidedAt),
			turnout: { participants: e.turnout.participants, electorate: e.turnout.electorate, offline: e.turnout.offline, by_college: e.turnout.byCollege },
			meeting_id: e.meetingId,
			minutes: e.minutes ? { sequence: e.minutes.sequence, hash: e.minutes.hash } : null,
			follow_up: { owner: e.followUp.owner, status: e.followUp.status, progress: e.followUp.progress, abandon_reason: e.followUp.abandonReason, review_at: iso(e.followUp.reviewAt), overdue: e.overdue },
			milestones: e.milestones.map((m) => ({ title: m.title, due_at: iso(m.dueAt), done_at: iso(m.doneAt) })),
			notes: e.notes.map((n) => ({ author: n.author, text: n.text, status: n.status, progress: n.progress, created_at: iso(n.createdAt) }))
		}))
	};
}

export function registerCsv(entries: Entries): string {
	const header = ['id', 'title', 'method', 'outcome', 'decided_at', 'participants', 'electorate', 'offline', 'status', 'progress', 'owner', 'review_at', 'overdue', 'minutes_sequence'];
	const rows = entries.map((e) => [e.id, e.title, e.method, e.outcome.join(' | '), iso(e.decidedAt), e.turnout.participants, e.turnout.electorate, e.turnout.offline, e.followUp.status, e.followUp.progress, e.followUp.owner ?? '', iso(e.followUp.reviewAt) ?? '', e.overdue ? 'yes' : 'no', e.minutes?.sequence ?? '']);
	return stringify([header, ...rows], { bom: true, escape_formulas: true });
}

export function download(body: string, type: string, name: string): Response {
	return new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, 'content-disposition': `attachment; filename="${name}"`, 'x-content-type-options': 'nosniff', 'access-control-allow-origin': '*' } });
}
