import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { at } from './columns';
import type { Ballot, CountResult } from '../../../domain/voting/types';
import { METHODS } from '../../../domain/voting/types';
import { OPTION_ORDERS } from '../../../domain/ballot-order';
import { ASSISTED_COUNTING, ASSISTED_STATES } from '../../../domain/assisted';
import { proposals } from './schema-boards';
import { buildings, colleges, households, users } from './schema-core';

const spaceTypes = ['residence', 'body', 'training'] as const;

/**
 * A question put to an electorate. `status` is what was last written; a scheduled open/close time
 * that has passed is applied (and the result frozen) the next time the service touches it.
 */
export const consultations = pgTable(
	'consultations',
	{
		id: text('id').primaryKey(),
		spaceType: text('space_type', { enum: spaceTypes }).notNull(),
		spaceId: text('space_id').notNull(),
		question: text('question').notNull(),
		description: text('description').notNull().default(''),
		method: text('method', { enum: METHODS }).notNull(),
		budget: integer('budget'),
		dots: integer('dots'),
		grades: jsonb('grades').$type<string[]>(),
		/** `random`: each voter sees her own stable shuffle; `fixed`: the organiser's order, on purpose. */
		optionOrder: text('option_order', { enum: OPTION_ORDERS }).notNull().default('random'),
		/** residence: every tenant of it; building: those whose household is in `buildingId`; body: its members. */
		electorate: text('electorate', { enum: ['residence', 'building', 'body'] }).notNull(),
		buildingId: text('building_id').references(() => buildings.id),
		countBy: text('count_by', { enum: ['person', 'household'] }).notNull().default('person'),
		weighting: text('weighting', { enum: ['none', 'colleges'] }).notNull().default('none'),
		secrecy: text('secrecy', { enum: ['public', 'secret'] }).notNull(),
		resultsVisibility: text('results_visibility', { enum: ['live', 'afterClose'] }).notNull(),
		/** Share of the electorate (0–1) that must take part; per college when `quorumPerCollege`. */
		quorum: doublePrecision('quorum'),
		quorumPerCollege: boolean('quorum_per_college').notNull().default(false),
		/**
		 * Votes staff record for a tenant (door, phone, paper) wait for her confirmation or a second
		 * staff member's witness. Until then `apart`: counted in a separate tally beside the result;
		 * `uncounted`: only their number is shown. Either way they are never in the result itself.
		 */
		assistedCounting: text('assisted_counting', { enum: ASSISTED_COUNTING }).notNull().default('apart'),
		/** How many assisted votes one staff member may record in this consultation. */
		assistedCap: integer('assisted_cap').notNull().default(10),
		opensAt: at('opens_at'),
		closesAt: at('closes_at'),
		status: text('status', { enum: ['draft', 'open', 'closed'] }).notNull(),
		openedAt: at('opened_at'),
		closedAt: at('closed_at'),
		/** Frozen at close, counted from the stored ballots by the shared library. */
		result: jsonb('result').$type<CountResult>(),
		/** Reopened after a close by mistake (within a day), by whom and why; the result is then marked so. */
		reopenedAt: at('reopened_at'),
		reopenedBy: text('reopened_by').references(() => users.id),
		reopenReason: text('reopen_reason'),
		/** Last edited before its first ballot. */
		editedAt: at('edited_at'),
		createdBy: text('created_by').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [index('consultations_space').on(t.spaceType, t.spaceId)]
);

export const consultationOptions = pgTable(
	'consultation_options',
	{
		id: text('id').primaryKey(),
		consultationId: text('consultation_id').notNull().references(() => consultations.id),
		position: integer('position').notNull(),
		label: text('label').notNull(),
		description: text('description').notNull().default(''),
		cost: integer('cost'),
		proposalId: text('proposal_id').references(() => proposals.id),
		/** File name under UPLOAD_DIR/consultations, re-encoded without metadata. */
		photo: text('photo')
	},
	(t) => [index('consultation_options_consultation').on(t.consultationId)]
);

/**
 * That someone (or a household) took part, and when. The unique index is the one-vote rule.
 * In a secret consultation nothing here points at a ballot.
 */
export const participations = pgTable(
	'participations',
	{
		id: text('id').primaryKey(),
		consultationId: text('consultation_id').notNull().references(() => consultations.id),
		/** `u:<userId>` or `h:<householdId>`: what may vote only once. */
		electorKey: text('elector_key').notNull(),
		/** Whose vote it is (the household member who voted first, or the member a proxy votes for). */
		userId: text('user_id').notNull().references(() => users.id),
		/** Who entered it: the voter, a proxy holder, or a facilitator for an assisted vote. */
		castBy: text('cast_by').notNull().references(() => users.id),
		channel: text('channel', { enum: ['online', 'proxy', 'door', 'phone', 'paper'] }).notNull(),
		householdId: text('household_id').references(() => households.id),
		buildingId: text('building_id').references(() => buildings.id),
		collegeId: text('college_id').references(() => colleges.id),
		at: at('at').notNull(),
		updatedAt: at('updated_at').notNull(),
		/** Assisted votes wait for the tenant's own confirmation or a witness's (null until then). */
		confirmedAt: at('confirmed_at'),
		/** Who confirmed an assisted vote: the voter herself, or a second staff member as witness. */
		confirmedBy: text('confirmed_by').references(() => users.id),
		/**
		 * Secret consultations: SHA-256 of "p:" + the voter's secret, so that only her secret opens her
		 * ballot. A different hash from the ballot's, so the two rows share no value.
		 */
		secretCheck: text('secret_check')
	},
	(t) => [
		// No index by person (issue 15: one more random page written per vote). The indicators read
		// participation_traces; "which did she vote in" seeks her traces in a residence (views.ts).
		uniqueIndex('participations_once').on(t.consultationId, t.electorKey)
	]
);

/**
 * A ballot. Secret consultations store it unlinked: a random integer id (so neither the rowid nor
 * the index order follows insertion order), no timestamp, no participation id; only the SHA-256 of
 * a secret the voter holds lets her replace it.
 */
export const ballots = pgTable(
	'ballots',
	{
		id: bigint('id', { mode: 'number' }).primaryKey(),
		consultationId: text('consultation_id').notNull().references(() => consultations.id),
		/** Public consultations only. */
		participationId: text('participation_id').references(() => participations.id),
		/** Secret consultations only: hex SHA-256 of the voter's ballot secret (unique in its consultation: `ballots_consultation`). */
		tokenHash: text('token_hash'),
		/** Show of hands or paper count recorded by a facilitator. */
		batchId: text('batch_id').references(() => voteBatches.id),
		college: text('college'),
		weight: doublePrecision('weight').notNull().default(1),
		/** The choice, in the `ballots/v1` shape (no weight/college). */
		content: jsonb('content').$type<Ballot>().notNull()
	},
	(t) => [
		// One index for a consultation's ballots and for a secret one by its secret (issue 15): a secret
		// ballot has an entry here only, at a random place (a second index on its secret was another
		// random leaf page per vote); a public or paper one, whose secret is null (nulls are distinct),
		// by consultation alone. A secret is unique in its consultation, the only place it is looked for.
		uniqueIndex('ballots_consultation').on(t.consultationId, t.tokenHash),
		// Partial: a secret (or paper) ballot has no participation; the rows that have none are not in
		// the index, so a vote writes one leaf page fewer (issue 15).
		uniqueIndex('ballots_participation').on(t.participationId).where(sql`${t.participationId} is not null`)
	]
);

/**
 * Votes staff recorded for a tenant (at the door, by phone, on paper), with their state. While
 * `pending`, the choice the staff member entered is kept here, beside the voter: she heard it, so the
 * database knows no more than she does, and it is never counted in the result. Confirmed (by the
 * tenant, or witnessed by another staff member), the ballot goes through the ballot box like any
 * vote and `ballot` is erased (`secure_delete` zeroes it); "this was not me" erases it too.
 */
export const assistedVotes = pgTable(
	'assisted_votes',
	{
		id: text('id').primaryKey(),
		consultationId: text('consultation_id').notNull().references(() => consultations.id),
		voterId: text('voter_id').notNull().references(() => users.id),
		recordedBy: text('recorded_by').notNull().references(() => users.id),
		channel: text('channel', { enum: ['door', 'phone', 'paper'] }).notNull(),
		recordedAt: at('recorded_at').notNull(),
		state: text('state', { enum: ASSISTED_STATES }).notNull(),
		/** The voter (confirmed), the witness (witnessed) or the voter (rejected). */
		settledBy: text('settled_by').references(() => users.id),
		settledAt: at('settled_at'),
		/** Pending only: the choice as entered (`ballots/v1` shape) and its college. */
		ballot: jsonb('ballot').$type<Ballot>(),
		college: text('college')
	},
	(t) => [index('assisted_votes_consultation').on(t.consultationId, t.recordedBy), index('assisted_votes_voter').on(t.voterId, t.state)]
);

export const voteBatches = pgTable(
	'vote_batches',
	{
		id: text('id').primaryKey(),
		consultationId: text('consultation_id').notNull().references(() => consultations.id),
		kind: text('kind', { enum: ['show-of-hands', 'paper'] }).notNull(),
		note: text('note').notNull().default(''),
		size: integer('size').notNull(),
		recordedBy: text('recorded_by').notNull().references(() => users.id),
		recordedAt: at('recorded_at').notNull()
	},
	(t) => [index('vote_batches_consultation').on(t.consultationId)]
);

/** Ideas of the board a consultation concerns (its options' ideas and any others it names). */
export const consultationProposals = pgTable(
	'consultation_proposals',
	{
		consultationId: text('consultation_id').notNull().references(() => consultations.id),
		proposalId: text('proposal_id').notNull().references(() => proposals.id)
	},
	(t) => [primaryKey({ columns: [t.consultationId, t.proposalId] }), index('consultation_proposals_proposal').on(t.proposalId)]
);

/** A body member's vote entrusted to another member for one consultation. */
export const voteProxies = pgTable(
	'vote_proxies',
	{
		id: text('id').primaryKey(),
		consultationId: text('consultation_id').notNull().references(() => consultations.id),
		giverId: text('giver_id').notNull().references(() => users.id),
		holderId: text('holder_id').notNull().references(() => users.id),
		createdAt: at('created_at').notNull()
	},
	(t) => [uniqueIndex('vote_proxies_giver').on(t.consultationId, t.giverId), index('vote_proxies_holder').on(t.consultationId, t.holderId)]
);

/** The register of decisions: for now closed consultations; meetings' motions will join. */
export const decisions = pgTable(
	'decisions',
	{
		id: text('id').primaryKey(),
		spaceType: text('space_type', { enum: spaceTypes }).notNull(),
		spaceId: text('space_id').notNull(),
		consultationId: text('consultation_id').unique().references(() => consultations.id),
		title: text('title').notNull(),
		method: text('method', { enum: METHODS }).notNull(),
		/** Winning option labels, in order (empty when nothing was chosen or adopted). */
		outcome: jsonb('outcome').$type<string[]>().notNull(),
		adopted: boolean('adopted'),
		quorumMet: boolean('quorum_met'),
		result: jsonb('result').$type<CountResult>().notNull(),
		turnout: jsonb('turnout').$type<Record<string, unknown>>().notNull(),
		decidedAt: at('decided_at').notNull(),
		recordedBy: text('recorded_by').references(() => users.id),
		/** Set while its consultation is reopened (the decision stands withdrawn until the next close rewrites it). */
		reopenedAt: at('reopened_at')
	},
	(t) => [index('decisions_space').on(t.spaceType, t.spaceId)]
);
