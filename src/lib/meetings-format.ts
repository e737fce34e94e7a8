/** Meetings happen in Nantes: their times read in Paris time on every screen, server or phone. */
const zone = 'Europe/Paris';
const tag = (locale: string) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

export function meetingDate(locale: string, at: number) {
	return new Intl.DateTimeFormat(tag(locale), { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
}
export function meetingTime(locale: string, at: number) {
	return new Intl.DateTimeFormat(tag(locale), { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(at);
}
