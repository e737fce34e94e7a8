CREATE TABLE `residence_portal_settings` (
	`residence_id` text PRIMARY KEY NOT NULL,
	`results_public` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`residence_id`) REFERENCES `residences`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `body_rules` ADD `public_meetings` integer DEFAULT false NOT NULL;