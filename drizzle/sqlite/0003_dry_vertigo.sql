CREATE TABLE `ballots` (
	`id` integer PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`participation_id` text,
	`token_hash` text,
	`batch_id` text,
	`college` text,
	`weight` real DEFAULT 1 NOT NULL,
	`content` text NOT NULL,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participation_id`) REFERENCES `participations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `vote_batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ballots_token_hash_unique` ON `ballots` (`token_hash`);--> statement-breakpoint
CREATE INDEX `ballots_consultation` ON `ballots` (`consultation_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ballots_participation` ON `ballots` (`participation_id`);--> statement-breakpoint
CREATE TABLE `consultation_options` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`position` integer NOT NULL,
	`label` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`cost` integer,
	`proposal_id` text,
	`photo` text,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consultation_options_consultation` ON `consultation_options` (`consultation_id`);--> statement-breakpoint
CREATE TABLE `consultations` (
	`id` text PRIMARY KEY NOT NULL,
	`space_type` text NOT NULL,
	`space_id` text NOT NULL,
	`question` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`method` text NOT NULL,
	`budget` integer,
	`dots` integer,
	`grades` text,
	`electorate` text NOT NULL,
	`building_id` text,
	`count_by` text DEFAULT 'person' NOT NULL,
	`weighting` text DEFAULT 'none' NOT NULL,
	`secrecy` text NOT NULL,
	`results_visibility` text NOT NULL,
	`quorum` real,
	`quorum_per_college` integer DEFAULT false NOT NULL,
	`opens_at` integer,
	`closes_at` integer,
	`status` text NOT NULL,
	`opened_at` integer,
	`closed_at` integer,
	`result` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`building_id`) REFERENCES `buildings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consultations_space` ON `consultations` (`space_type`,`space_id`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`space_type` text NOT NULL,
	`space_id` text NOT NULL,
	`consultation_id` text,
	`title` text NOT NULL,
	`method` text NOT NULL,
	`outcome` text NOT NULL,
	`adopted` integer,
	`quorum_met` integer,
	`result` text NOT NULL,
	`turnout` text NOT NULL,
	`decided_at` integer NOT NULL,
	`recorded_by` text,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_consultation_id_unique` ON `decisions` (`consultation_id`);--> statement-breakpoint
CREATE INDEX `decisions_space` ON `decisions` (`space_type`,`space_id`);--> statement-breakpoint
CREATE TABLE `participations` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`elector_key` text NOT NULL,
	`user_id` text NOT NULL,
	`cast_by` text NOT NULL,
	`channel` text NOT NULL,
	`household_id` text,
	`building_id` text,
	`college_id` text,
	`at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`confirmed_at` integer,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cast_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`building_id`) REFERENCES `buildings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`college_id`) REFERENCES `colleges`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `participations_once` ON `participations` (`consultation_id`,`elector_key`);--> statement-breakpoint
CREATE INDEX `participations_user` ON `participations` (`user_id`);--> statement-breakpoint
CREATE TABLE `vote_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`kind` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`size` integer NOT NULL,
	`recorded_by` text NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `vote_batches_consultation` ON `vote_batches` (`consultation_id`);--> statement-breakpoint
CREATE TABLE `vote_proxies` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`giver_id` text NOT NULL,
	`holder_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`giver_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`holder_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vote_proxies_giver` ON `vote_proxies` (`consultation_id`,`giver_id`);--> statement-breakpoint
CREATE INDEX `vote_proxies_holder` ON `vote_proxies` (`consultation_id`,`holder_id`);