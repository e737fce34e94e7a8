/**
 * The LCP committee's meetings for the demo: one held three weeks ago (attendance, speakers,
 * a weighted motion and its result) and one next week with its agenda. The past meeting is played
 * through the real services on a clock set in the past, so every time in it is coherent.
 */
import type { SessionUser } from '../auth/session';
import { demoActors } from './actors';
import type { Services } from '../services';
import { createConsultationsService } from '../services/consultations';
import { createInflight } from '../services/inflight';
import { createMeetingsService } from '../services/meetings';
import { dateToParis } from '../services/meetings/paris';

const DAY = 24 * 3600_000;
const MIN = 60_000;

export async function seedMeetings(services: Services, bodyId: string, userIds: Map<string, string>) {
	const who = await demoActors(services.deps.data, userIds);
	const [sophie, marc, fatou, elise, paul] = ['sophie.leroy@lcp.demo', 'marc.guerin@lcp.demo', 'fatou', 'elise.morel@nantes.demo', 'paul.renaud@ecossolies.demo'].map(who) as [SessionUser, SessionUser, SessionUser, SessionUser, SessionUser];
	const real = services.deps.clock.now().getTime();
	const day = (offset: number, time: string) => `${dateToParis(real + offset * DAY).slice(0, 10)}T${time}`;

	await services.meetings.setRules(sophie, {
		bodyId,
		quorumPct: '50',
		collegeQuorumPct: '',
		proxyLimit: '1',
		speechLimitSec: '180',
		balanceWarnRatio: '1.5',
		substitutesVote: 'on',
		proxiesCountForQuorum: 'on',
		firstTimeFirst: 'on',
		weightedVotes: 'on'
	});

	// ——— The past meeting, on a clock three weeks back ———
	let t = real - 21 * DAY;
	const deps = { ...services.deps, clock: { now: () => new Date(t) } };
	// This service's room updates after a vote are tracked here, and waited for once the meeting closed.
	const inflight = createInflight();
	const m = createMeetingsService(deps, createConsultationsService(deps), { inflight });
	const { id } = await m.schedule(marc, {
		bodyId,
		title: 'Comité de pilotage — novembre',
		startsAt: day(-21, '18:00'),
		durationMin: '120',
		place: 'Maison de quartier de la Bottière, Nantes',
		description: 'Première réunion du comité autour de la plateforme d’entraide.'
	});
	const news = await m.addItem(sophie, { meetingId: id, title: 'Nouvelles des sept LCP', kind: 'information', timeBoxMin: '15' });
	const place = await m.addItem(sophie, { meetingId: id, title: 'La place des bénévoles dans la gouvernance', kind: 'discussion', timeBoxMin: '30' });
	const budget = await m.addItem(marc, { meetingId: id, title: 'Budget 2027 de la plateforme d’entraide', kind: 'decision', timeBoxMin: '20' });
	await m.respond(paul, { meetingId: id, status: 'proxy', proxyHolderId: fatou.id });
	t = real - 21 * DAY + 10 * 3600_000;
	await m.open(sophie, { meetingId: id });
	for (const u of [sophie, marc, fatou]) await m.checkIn(marc, { meetingId: id, userId: u.id });
	t += 12 * MIN;
	await m.checkIn(marc, { meetingId: id, userId: elise.id }); // a latecomer
	let current = '';
	const move = async (to: string) => {
		await m.moveTo(sophie, { meetingId: id, expected: current, to: 'next' });
		current = to;
	};
	const speak = async (u: SessionUser, minutes: number, type = 'contribution') => {
		await m.addSpeaker(marc, { meetingId: id, userId: u.id, type });
		await m.next(sophie, { meetingId: id });
		t += minutes * MIN;
	};
	await move(news.id);
	await speak(sophie, 6);
	await speak(elise, 4);
	await m.next(sophie, { meetingId: id });
	await move(place.id);
	await speak(elise, 7);
	await speak(fatou, 3);
	await speak(sophie, 5);
	await speak(fatou, 2, 'reply');
	await m.next(sophie, { meetingId: id });
	await move(budget.id);
	await speak(marc, 4, 'for');
	await m.next(sophie, { meetingId: id });
	// The motion is tabled, an amendment to it is voted first, then the motion as amended.
	const tabled = await m.tableMotion(sophie, { meetingId: id, itemId: budget.id, question: 'Adopter le budget 2027 de la plateforme d’entraide' });
	const amendment = await m.tableMotion(sophie, {
		meetingId: id,
		itemId: budget.id,
		amendsId: tabled.id,
		question: 'Amendement : réserver 10 % du budget aux projets portés par des bénévoles'
	});
	const votes = createConsultationsService(deps);
	const castOn = (consultationId: string) => (u: SessionUser, position: string, onBehalfOf?: string) => votes.cast(u, { consultationId, ballot: { position }, onBehalfOf });
	const amend = await m.openMotion(sophie, { meetingId: id, motionId: amendment.id });
	let cast = castOn(amend.consultationId);
	await Promise.all([cast(sophie, 'for'), cast(marc, 'abstain'), cast(fatou, 'for'), cast(fatou, 'for', paul.id), cast(elise, 'for')]);
	t += 2 * MIN;
	await m.closeMotion(sophie, { meetingId: id, motionId: amendment.id });
	const motion = await m.openMotion(sophie, { meetingId: id, motionId: tabled.id });
	cast = castOn(motion.consultationId);
	// Cast together, as a room does: the ballot box writes them in one group.
	await Promise.all([cast(sophie, 'for'), cast(marc, 'for'), cast(fatou, 'for'), cast(fatou, 'abstain', paul.id), cast(elise, 'against')]);
	t += 3 * MIN;
	await m.closeMotion(sophie, { meetingId: id, motionId: motion.id });
	t += 5 * MIN;
	await m.close(sophie, { meetingId: id });
	await inflight.settled();
	await services.settled();

	// ——— Next week's meeting, with its agenda and a member's proposal waiting for the chair ———
	const next = await services.meetings.schedule(marc, {
		bodyId,
		title: 'Comité de pilotage — décembre',
		startsAt: day(7, '18:30'),
		durationMin: '120',
		place: 'Maison de quartier des Dervallières, Nantes',
		videoUrl: 'https://visio.example.org/comite-lcp'
	});
	await services.meetings.addItem(sophie, { meetingId: next.id, title: 'Retour sur les décisions de novembre', kind: 'information', timeBoxMin: '10' });
	await services.meetings.addItem(sophie, { meetingId: next.id, title: 'Recrutement des deux professionnels de la plateforme', kind: 'discussion', timeBoxMin: '30' });
	await services.meetings.addItem(marc, { meetingId: next.id, title: 'Charte de fonctionnement démocratique du réseau', kind: 'decision', timeBoxMin: '20' });
	await services.meetings.addItem(fatou, { meetingId: next.id, title: 'Un temps de parole réservé aux bénévoles', kind: 'discussion', description: 'Que chaque réunion commence par la parole des bénévoles des LCP.' });
	await services.meetings.respond(elise, { meetingId: next.id, status: 'excused' });
}
