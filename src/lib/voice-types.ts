/** Voice comments as a page receives them (the service builds them; components only read them). */
export interface VoiceItem {
	id: string;
	authorName: string;
	mine: boolean;
	durationMs: number;
	createdAt: Date;
	hidden: boolean;
	hiddenReason: string | null;
	summary: string | null;
	/** The sound's address, or null for someone who may not hear it (hidden, and not a moderator). */
	url: string | null;
	canRemove: boolean;
	canModerate: boolean;
}

export interface VoiceView {
	target: { type: 'proposal' | 'consultation' | 'survey'; id: string };
	canPost: boolean;
	items: VoiceItem[];
}
