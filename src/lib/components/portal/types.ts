/** What the portal's sections show: the public shapes the portal services return (no owner ids, no voter). */
export interface PublicDecision {
	id: string;
	title: string;
	decidedAt: number;
	outcome: string[];
	adopted: boolean | null;
	quorumMet: boolean | null;
	overdue: boolean;
	/** `offline`: the votes counted by hand (show of hands, paper) on top of the participants. */
	turnout: { participants: number; electorate: number; offline: number };
	followUp: { status: 'planned' | 'inProgress' | 'done' | 'abandoned'; progress: number; owner: string | null; abandonReason: string; doneAt: number | null };
	milestones: { id: string; title: string; dueAt: number; doneAt: number | null }[];
	notes: { author: string; createdAt: number; status: 'planned' | 'inProgress' | 'done' | 'abandoned'; progress: number; text: string }[];
	minutes: { sequence: number } | null;
}

export interface PublicConsultation {
	id: string;
	question: string;
	method: string;
	secret: boolean;
	closedAt: number;
	outcome: string[];
	adopted: boolean | null;
	quorumMet: boolean | null;
	ranking: { label: string; score: number | null; winner: boolean }[];
	positions: { position: string; weight: number }[];
	valid: number;
	/** `offline`: the votes counted by hand (show of hands, paper) on top of the participants. */
	turnout: { participants: number; electorate: number; offline: number };
}
