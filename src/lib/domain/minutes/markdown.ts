/**
 * The minutes as Markdown: the text that is published, hashed and downloaded. Facts (attendance by
 * college, speakers and their time, motions and their result per college) come from the meeting's
 * records; the secretary's text comes from the live document, one section per agenda item.
 * Labels are passed in (the body's language at the time of writing); the output has LF endings.
 */

export interface MinutesFacts {
	body: { name: string };
	meeting: { title: string; startsAt: string; place: string };
	colleges: { name: string; present: string[]; represented: { name: string; by: string }[]; excused: string[]; absent: string[] }[];
	items: {
		id: string;
		position: number;
		title: string;
		speakers: { name: string; count: number; seconds: number }[];
		motions: { question: string; outcome: string; totals: { yes: number; no: number; abstain: number }; perCollege: { name: string; yes: number; no: number; abstain: number }[] }[];
	}[];
}

export interface MinutesLabels {
	date: string;
	place: string;
	attendance: string;
	present: string;
	represented: (name: string, by: string) => string;
	excused: string;
	absent: string;
	none: string;
	speakers: string;
	speaker: (name: string, count: number, duration: string) => string;
	motion: string;
	result: (outcome: string, yes: number, no: number, abstain: number) => string;
	perCollege: (name: string, yes: number, no: number, abstain: number) => string;
	general: string;
	duration: (seconds: number) => string;
}

/** Text written by people, as Markdown paragraphs: trimmed, blank lines collapsed, LF endings. */
export function paragraphs(text: string): string {
	return text
		.replace(/\r\n?/g, '\n')
		.split(/\n{2,}/)
		.map((p) => p.trim())
		.filter(Boolean)
		.join('\n\n');
}

const escapeInline = (s: string) => s.replace(/([\\`*_[\]#<>|])/g, '\\$1').replace(/\n/g, ' ');

/** The whole minutes: heading, attendance, then each agenda item with its facts and its text. */
export function minutesMarkdown(facts: MinutesFacts, texts: Record<string, string>, labels: MinutesLabels): string {
	const out: string[] = [];
	out.push(`# ${escapeInline(facts.body.name)} — ${escapeInline(facts.meeting.title)}`, '');
	out.push(`- ${labels.date} ${escapeInline(facts.meeting.startsAt)}`);
	if (facts.meeting.place) out.push(`- ${labels.place} ${escapeInline(facts.meeting.place)}`);
	out.push('', `## ${labels.attendance}`, '');
	for (const c of facts.colleges) {
		out.push(`### ${escapeInline(c.name)}`, '');
		const list = (xs: string[]) => (xs.length ? xs.map(escapeInline).join(', ') : labels.none);
		out.push(`- ${labels.present} ${list(c.present)}`);
		if (c.represented.length) out.push(`- ${c.represented.map((r) => labels.represented(escapeInline(r.name), escapeInline(r.by))).join(', ')}`);
		out.push(`- ${labels.excused} ${list(c.excused)}`);
		out.push(`- ${labels.absent} ${list(c.absent)}`, '');
	}
	const general = paragraphs(texts['general'] ?? '');
	if (general) out.push(`## ${labels.general}`, '', general, '');
	for (const [index, item] of facts.items.entries()) {
		out.push(`## ${index + 1}. ${escapeInline(item.title)}`, '');
		if (item.speakers.length) {
			out.push(`${labels.speakers}`, '');
			for (const s of item.speakers) out.push(`- ${labels.speaker(escapeInline(s.name), s.count, labels.duration(s.seconds))}`);
			out.push('');
		}
		for (const m of item.motions) {
			out.push(`> ${labels.motion} ${escapeInline(m.question)}`, '>', `> ${labels.result(m.outcome, m.totals.yes, m.totals.no, m.totals.abstain)}`);
			for (const c of m.perCollege) out.push(`> - ${labels.perCollege(escapeInline(c.name), c.yes, c.no, c.abstain)}`);
			out.push('');
		}
		const text = paragraphs(texts[item.id] ?? '');
		if (text) out.push(text, '');
	}
	return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
