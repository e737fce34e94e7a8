CREATE TABLE `voice_comments` (
	`id` text PRIMARY KEY NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`space_type` text NOT NULL,
	`space_id` text NOT NULL,
	`author_id` text NOT NULL,
	`file` text NOT NULL,
	`mime` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`bytes` integer NOT NULL,
	`hidden_at` integer,
	`hidden_by` text,
	`hidden_reason` text,
	`summary` text,
	`summary_by` text,
	`summary_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hidden_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`summary_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `voice_comments_target` ON `voice_comments` (`target_type`,`target_id`,`created_at`);