import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { at } from './columns';
import { proposals } from './schema-boards';
import { consultations } from './schema-votes';
import { users } from './schema-core';
// The vocabularies are the SQLite part's own, so the two schemas cannot disagree on them.
import { mailModes, notificationKinds } from '../schema-notifications';

/**
 * In-app notifications, about a proposal or a consultation. `emailedAt` is set when an e-mail
 * (immediate or digest) carried the row, so the mail pass only looks at rows where it is null.
 */
export const notifications = pgTable(
	'notifications',
	{
		id: text('id').primaryKey(),
		userId: text('user_id').notNull().references(() => users.id),
		kind: text('kind', { enum: notificationKinds }).notNull(),
		proposalId: text('proposal_id').references(() => proposals.id),
		consultationId: text('consultation_id').references(() => consultations.id),
		actorId: text('actor_id').references(() => users.id),
		data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
		createdAt: at('created_at').notNull(),
		readAt: at('read_at'),
		emailedAt: at('emailed_at')
	},
	(t) => [
		index('notifications_user').on(t.userId, t.readAt, t.createdAt),
		index('notifications_consultation').on(t.consultationId, t.kind),
		index('notifications_unmailed').on(t.emailedAt, t.createdAt)
	]
);

/** Per person and kind: no e-mail, one right away, or the kind goes in the daily digest. No row = the default. */
export const mailPreferences = pgTable(
	'mail_preferences',
	{
		userId: text('user_id').notNull().references(() => users.id),
		kind: text('kind', { enum: notificationKinds }).notNull(),
		mode: text('mode', { enum: mailModes }).notNull(),
		updatedAt: at('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.kind] })]
);

/** A random key per person that signs their unsubscribe links; replacing it voids every link sent so far. */
export const mailKeys = pgTable('mail_keys', {
	userId: text('user_id').primaryKey().references(() => users.id),
	key: text('key').notNull()
});

/**
 * E-mails waiting to leave. Written inside the transaction that decides to send them; a worker
 * sends them after commit and retries with a growing delay, so no request waits on SMTP.
 */
export const mailOutbox = pgTable(
	'mail_outbox',
	{
		id: text('id').primaryKey(),
		userId: text('user_id').references(() => users.id),
		to: text('to').notNull(),
		/** A notification kind, `digest`, `reset` or `verify`: what the message is, for logs and tests. */
		purpose: text('purpose').notNull(),
		subject: text('subject').notNull(),
		text: text('text').notNull(),
		html: text('html').notNull(),
		headers: jsonb('headers').$type<Record<string, string>>().notNull().default(sql`'{}'`),
		createdAt: at('created_at').notNull(),
		attempts: integer('attempts').notNull().default(0),
		nextAttemptAt: at('next_attempt_at').notNull(),
		sentAt: at('sent_at'),
		failedAt: at('failed_at'),
		lastError: text('last_error')
	},
	(t) => [index('mail_outbox_due').on(t.sentAt, t.nextAttemptAt), index('mail_outbox_user').on(t.userId, t.purpose, t.createdAt)]
);

/** A tenant adding an address: it becomes `users.email` only once the link sent there is opened. Only the token's hash is stored. */
export const emailVerifications = pgTable('email_verifications', {
	id: text('id').primaryKey(),
	userId: text('user_id').notNull().references(() => users.id),
	email: text('email').notNull(),
	tokenHash: text('token_hash').notNull().unique(),
	expiresAt: at('expires_at').notNull(),
	usedAt: at('used_at'),
	createdAt: at('created_at').notNull()
});
