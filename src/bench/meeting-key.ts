type StateLike = { meeting: { version: number }; motions: { status: string; participants: number }[] };

/** What identifies one change of a meeting room: the version (speakers, agenda) and the open vote's count. */
export function stateKey(s: StateLike): string {
	const open = s.motions.find((m) => m.status === 'open');
	return `${s.meeting.version}:${open?.participants ?? -1}`;
}
