CREATE TABLE `survey_voice_answers` (
	`id` integer PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`file` text NOT NULL,
	`mime` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`bytes` integer NOT NULL,
	`summary` text,
	`summary_by` text,
	`summary_at` integer,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`summary_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `survey_voice_answers_survey` ON `survey_voice_answers` (`survey_id`);--> statement-breakpoint
ALTER TABLE `surveys` ADD `voice` integer DEFAULT false NOT NULL;