CREATE TABLE `assisted_votes` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`voter_id` text NOT NULL,
	`recorded_by` text NOT NULL,
	`channel` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`state` text NOT NULL,
	`settled_by` text,
	`settled_at` integer,
	`ballot` text,
	`college` text,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`settled_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assisted_votes_consultation` ON `assisted_votes` (`consultation_id`,`recorded_by`);--> statement-breakpoint
CREATE INDEX `assisted_votes_voter` ON `assisted_votes` (`voter_id`,`state`);--> statement-breakpoint
ALTER TABLE `consultations` ADD `assisted_counting` text DEFAULT 'apart' NOT NULL;--> statement-breakpoint
ALTER TABLE `consultations` ADD `assisted_cap` integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE `participations` ADD `confirmed_by` text REFERENCES users(id);