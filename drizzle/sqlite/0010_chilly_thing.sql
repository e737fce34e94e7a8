CREATE TABLE `decision_follow_ups` (
	`decision_id` text PRIMARY KEY NOT NULL,
	`owner_id` text,
	`status` text DEFAULT 'planned' NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`abandon_reason` text DEFAULT '' NOT NULL,
	`review_at` integer,
	`review_reminded_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `decision_milestones` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text NOT NULL,
	`title` text NOT NULL,
	`due_at` integer NOT NULL,
	`done_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decision_milestones_decision` ON `decision_milestones` (`decision_id`,`due_at`);--> statement-breakpoint
CREATE TABLE `decision_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text NOT NULL,
	`author_id` text NOT NULL,
	`text` text NOT NULL,
	`status` text NOT NULL,
	`progress` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decision_notes_decision` ON `decision_notes` (`decision_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `minutes` (
	`id` text PRIMARY KEY NOT NULL,
	`meeting_id` text NOT NULL,
	`body_id` text NOT NULL,
	`status` text NOT NULL,
	`facts` text,
	`texts` text,
	`window_ends_at` integer,
	`submitted_by` text,
	`submitted_at` integer,
	`adoption_method` text,
	`adoption_item_id` text,
	`adopted_by` text,
	`adopted_at` integer,
	`version_id` text,
	`updated_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`body_id`) REFERENCES `bodies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`adoption_item_id`) REFERENCES `agenda_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`adopted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `minutes_meeting_id_unique` ON `minutes` (`meeting_id`);--> statement-breakpoint
CREATE INDEX `minutes_body` ON `minutes` (`body_id`,`status`);--> statement-breakpoint
CREATE TABLE `minutes_amendments` (
	`id` text PRIMARY KEY NOT NULL,
	`minutes_id` text NOT NULL,
	`section` text NOT NULL,
	`passage` text NOT NULL,
	`suggestion` text NOT NULL,
	`author_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`minutes_id`) REFERENCES `minutes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `minutes_amendments_minutes` ON `minutes_amendments` (`minutes_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `minutes_co_editors` (
	`minutes_id` text NOT NULL,
	`user_id` text NOT NULL,
	`added_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`minutes_id`, `user_id`),
	FOREIGN KEY (`minutes_id`) REFERENCES `minutes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `minutes_settings` (
	`body_id` text PRIMARY KEY NOT NULL,
	`portal_public` integer DEFAULT true NOT NULL,
	`chair_may_adopt` integer DEFAULT true NOT NULL,
	`amendment_days` integer DEFAULT 7 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`body_id`) REFERENCES `bodies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `minutes_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`body_id` text NOT NULL,
	`sequence` integer NOT NULL,
	`minutes_id` text NOT NULL,
	`meeting_id` text NOT NULL,
	`content` text NOT NULL,
	`hash` text NOT NULL,
	`previous_hash` text,
	`record` text NOT NULL,
	`corrects_id` text,
	`adopted_by` text NOT NULL,
	`adopted_at` integer NOT NULL,
	`published_by` text NOT NULL,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`body_id`) REFERENCES `bodies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`minutes_id`) REFERENCES `minutes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`adopted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `minutes_versions_hash_unique` ON `minutes_versions` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `minutes_versions_chain` ON `minutes_versions` (`body_id`,`sequence`);--> statement-breakpoint
CREATE TABLE `portal_consents` (
	`body_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`body_id`, `user_id`),
	FOREIGN KEY (`body_id`) REFERENCES `bodies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
