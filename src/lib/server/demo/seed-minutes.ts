/**
 * Minutes and the decision register for the demo: the LCP committee held two meetings before
 * November (September, October) whose minutes are adopted and published in the body's hash chain;
 * November's minutes are in their amendment window with one amendment accepted and one waiting.
 * Decisions carry follow-ups at several statuses, some overdue. Everything goes through the real
 * services, on clocks set in the past where the story needs it.
 */
import { and, eq } from 'drizzle-orm';
import { minutesDocName } from '$lib/realtime/collab-events';
import type { SessionUser } from '../auth/session';
import { demoActors } from './actors';
import { first } from '../db/data';
import type { Services } from '../services';
import { createConsultationsService } from '../services/consultations';
import { createInflight } from '../services/inflight';
import { createMeetingsService } from '../services/meetings';
import { createMinutesService, GENERAL_SECTION } from '../services/minutes';
import { createRegisterService } from '../services/register';
import { dateToParis } from '../services/meetings/paris';

const DAY = 24 * 3600_000;
const MIN = 60_000;

interface PastMeeting {
	daysAgo: number;
	title: string;
	items: { title: string; kind: 'information' | 'discussion' | 'decision'; text: string; motion?: string }[];
	general: string;
}

const past: PastMeeting[] = [
	{
		daysAgo: 84,
		title: 'Comité de pilotage — septembre',
		general: 'Séance ouverte à 18 h 10 par Sophie Leroy. Le quorum est atteint.',
		items: [
			{ title: 'Installation du comité et tour de table', kind: 'information', text: 'Chaque collège se présente. Les bénévoles rappellent qu’ils interviennent sur leur temps libre et demandent des réunions en soirée.' },
			{ title: 'Calendrier des réunions', kind: 'decision', text: 'Le comité se réunira une fois par mois, le jeudi soir, en alternant les quartiers.', motion: 'Adopter le calendrier mensuel des réunions du comité' }
		]
	},
	{
		daysAgo: 56,
		title: 'Comité de pilotage — octobre',
		general: 'Séance ouverte à 18 h 05. Paul Renaud a donné pouvoir à Fatou S.',
		items: [
			{ title: 'Plateforme d’entraide : état des lieux', kind: 'discussion', text: 'Les sept LCP partagent leurs besoins. La Ville de Nantes propose de mettre une salle à disposition.' },
			{ title: 'Jardin partagé inter-LCP', kind: 'decision', text: 'Le projet de jardin partagé est présenté par les bénévoles de la Bottière.', motion: 'Lancer un jardin partagé entre les LCP au printemps' }
		]
	}
];

export async function seedMinutes(services: Services, bodyId: string, residenceId: string, userIds: Map<string, string>) {
	const { data } = services.deps;
	const { decisions, meetings, portalConsents } = data.t;
	const who = await demoActors(data, userIds);
	const [sophie, marc, fatou, elise, paul, claire] = ['sophie.leroy@lcp.demo', 'marc.guerin@lcp.demo', 'fatou', 'elise.morel@nantes.demo', 'paul.renaud@ecossolies.demo', 'claire.martin@lmh.demo'].map(who) as [SessionUser, SessionUser, SessionUser, SessionUser, SessionUser, SessionUser];
	const real = services.deps.clock.now().getTime();
	let t = real;
	const deps = { ...services.deps, clock: { now: () => new Date(t) } };
	const votes = createConsultationsService(deps);
	// This service's room updates after a vote are tracked here, and waited for before the register is read.
	const inflight = createInflight();
	const m = createMeetingsService(deps, votes, { inflight });
	const register = createRegisterService(deps, services.notifications);
	const minutes = createMinutesService(deps, services.collab, services.notifications, register);

	// ——— Two earlier meetings, minutes adopted by the chair and published ———
	for (const pm of past) {
		t = real - (pm.daysAgo + 10) * DAY;
		const { id } = await m.schedule(marc, { bodyId, title: pm.title, startsAt: `${dateToParis(real - pm.daysAgo * DAY).slice(0, 10)}T18:00`, durationMin: '120', place: 'Maison de quartier de la Bottière, Nantes' });
		const items = [];
		for (const it of pm.items) items.push({ ...it, id: ((await m.addItem(sophie, { meetingId: id, title: it.title, kind: it.kind, timeBoxMin: '20' })) as { id: string }).id });
		if (pm.daysAgo === 56) await m.respond(paul, { meetingId: id, status: 'proxy', proxyHolderId: fatou.id });
		await m.respond(elise, { meetingId: id, status: pm.daysAgo === 84 ? 'present' : 'excused' });
		t = real - pm.daysAgo * DAY + 10 * 3600_000;
		await m.open(sophie, { meetingId: id });
		for (const u of pm.daysAgo === 84 ? [sophie, marc, fatou, elise] : [sophie, marc, fatou]) await m.checkIn(marc, { meetingId: id, userId: u.id });
		let current = '';
		for (const it of items) {
			await m.moveTo(sophie, { meetingId: id, expected: current, to: 'next' });
			current = it.id;
			for (const u of [fatou, sophie]) {
				await m.addSpeaker(marc, { meetingId: id, userId: u.id, type: 'contribution' });
				await m.next(sophie, { meetingId: id });
				t += 4 * MIN;
			}
			await m.next(sophie, { meetingId: id });
			if (it.motion) {
				const motion = await m.openMotion(sophie, { meetingId: id, itemId: it.id, question: it.motion });
				const voters = pm.daysAgo === 84 ? [sophie, marc, fatou, elise] : [sophie, marc, fatou];
				await Promise.all(voters.map((u) => votes.cast(u, { consultationId: motion.consultationId, ballot: { position: 'for' } })));
				if (pm.daysAgo === 56) await votes.cast(fatou, { consultationId: motion.consultationId, ballot: { position: 'for' }, onBehalfOf: paul.id });
				t += 2 * MIN;
				await m.closeMotion(sophie, { meetingId: id, motionId: motion.id });
			}
		}
		t += 5 * MIN;
		await m.close(sophie, { meetingId: id });
		await services.collab.seed(minutesDocName(id, GENERAL_SECTION), pm.general);
		for (const it of items) await services.collab.seed(minutesDocName(id, it.id), it.text);
		t += 2 * DAY;
		await minutes.submit(marc, { meetingId: id, windowDays: 7 });
		t += 8 * DAY;
		await minutes.adopt(sophie, { meetingId: id });
		await minutes.publish(marc, { meetingId: id });
	}

	// ——— November's minutes: submitted today, in their amendment window ———
	t = real - 2 * DAY;
	const november = await first(data.db.select().from(meetings).where(and(eq(meetings.bodyId, bodyId), eq(meetings.title, 'Comité de pilotage — novembre'))));
	if (november) {
		const view = await minutes.view(sophie, november.id);
		const texts: Record<string, string> = {
			[GENERAL_SECTION]: 'Séance ouverte à 18 h 00 par Sophie Leroy. Élise Morel rejoint la séance à 18 h 12.',
			[view.sections[1]?.id ?? '']: 'Chaque LCP présente ses actualités : deux nouveaux ateliers de réparation ouvrent en décembre.',
			[view.sections[2]?.id ?? '']: 'Les bénévoles demandent à être associés aux décisions en amont et pas seulement informés. La Ville soutient la proposition d’un temps de parole réservé.',
			[view.sections[3]?.id ?? '']: 'Marc Guérin présente le budget. Le budget 2027 est adopté à la majorité des présents.'
		};
		for (const [section, text] of Object.entries(texts)) if (section) await services.collab.seed(minutesDocName(november.id, section), text);
		await minutes.setCoEditor(sophie, { meetingId: november.id, userId: fatou.id }, true);
		await minutes.submit(marc, { meetingId: november.id, windowDays: 9 });
		const budget = view.sections[3]?.id;
		if (budget) {
			t += 3 * 3600_000;
			const { id: first } = await minutes.proposeAmendment(elise, { meetingId: november.id, section: budget, passage: 'à la majorité des présents', suggestion: 'à la majorité des présents et représentés, la Ville votant contre' });
			await minutes.decideAmendment(marc, { meetingId: november.id, amendmentId: first, decision: 'accept', reason: 'Exact : la Ville a voté contre, le pouvoir de Paul Renaud est compté.' });
		}
		const place = view.sections[2]?.id;
		if (place) {
			t += 3600_000;
			await minutes.proposeAmendment(fatou, { meetingId: november.id, section: place, passage: 'La Ville soutient la proposition', suggestion: 'La Ville et Ecossolies soutiennent la proposition' });
		}
	}

	// ——— Follow-ups of the register: several statuses, some overdue ———
	t = real;
	await inflight.settled();
	await services.settled();
	const all = await data.db.select().from(decisions);
	const follow = async (title: string, actor: SessionUser, input: Record<string, unknown>, milestones: { title: string; dueAt: string; done?: boolean }[] = []) => {
		const d = all.find((x) => x.title === title);
		if (!d) return;
		await register.update(actor, { decisionId: d.id, status: 'planned', progress: 0, reviewAt: '', note: '', ...input });
		for (const ms of milestones) await register.addMilestone(actor, { decisionId: d.id, title: ms.title, dueAt: ms.dueAt });
	};
	const date = (offsetDays: number) => dateToParis(real + offsetDays * DAY).slice(0, 10);
	await follow('Adopter le calendrier mensuel des réunions du comité', sophie, { ownerId: marc.id, status: 'done', progress: 100, note: 'Calendrier envoyé à tous les membres et publié.' });
	await follow('Lancer un jardin partagé entre les LCP au printemps', sophie, { ownerId: fatou.id, status: 'inProgress', progress: 35, reviewAt: date(-3), note: 'Deux terrains repérés, rendez-vous avec la Ville à fixer.' }, [
		{ title: 'Choisir le terrain', dueAt: date(-10) },
		{ title: 'Premières plantations', dueAt: date(120) }
	]);
	await follow('Adopter le budget 2027 de la plateforme d’entraide', sophie, { ownerId: marc.id, status: 'planned', progress: 0, reviewAt: date(20), note: '' }, [{ title: 'Vote des financeurs', dueAt: date(45) }]);
	await follow('Motion : adopter la charte de fonctionnement démocratique du réseau', sophie, { ownerId: sophie.id, status: 'abandoned', progress: 10, abandonReason: 'Remplacée par une charte rédigée avec les bénévoles, inscrite à l’ordre du jour de décembre.', note: '' });
	const residenceDecision = all.find((d) => d.spaceType === 'residence' && d.spaceId === residenceId);
	if (residenceDecision) await register.update(claire, { decisionId: residenceDecision.id, ownerId: claire.id, status: 'inProgress', progress: 60, reviewAt: date(-1), note: 'Commande passée au fournisseur.' });

	// L’Aventurière publishes its closed votes (results and anonymised ballots) on the portal.
	await services.portal.saveSettings(claire, { residenceId, resultsPublic: true });

	// Members who agreed to be named on the public portal.
	await data.write(async (tx) => {
		for (const u of [sophie, marc, fatou]) await tx.insert(portalConsents).values({ bodyId, userId: u.id, createdAt: new Date(real) }).onConflictDoNothing();
	});
}
