CREATE TABLE `practice_participants` (
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`role_key` text,
	`joined_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `practice_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `practice_participants_once` ON `practice_participants` (`session_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `practice_reflections` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`author_id` text NOT NULL,
	`about_id` text,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `practice_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`about_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `practice_reflections_once` ON `practice_reflections` (`run_id`,`author_id`,`about_id`);--> statement-breakpoint
CREATE TABLE `practice_run_steps` (
	`run_id` text NOT NULL,
	`step_key` text NOT NULL,
	`started_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `practice_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `practice_run_steps_once` ON `practice_run_steps` (`run_id`,`step_key`);--> statement-breakpoint
CREATE TABLE `practice_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`number` integer NOT NULL,
	`space_type` text NOT NULL,
	`space_id` text NOT NULL,
	`status` text NOT NULL,
	`assignments` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`session_id`) REFERENCES `practice_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `practice_runs_number` ON `practice_runs` (`session_id`,`number`);--> statement-breakpoint
CREATE INDEX `practice_runs_space` ON `practice_runs` (`space_id`);--> statement-breakpoint
CREATE TABLE `practice_scenarios` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`title` text NOT NULL,
	`module` text NOT NULL,
	`language` text NOT NULL,
	`data` text NOT NULL,
	`based_on` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `practice_scenarios_org` ON `practice_scenarios` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `practice_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`training_id` text NOT NULL,
	`title` text NOT NULL,
	`scenario` text NOT NULL,
	`scenario_ref` text NOT NULL,
	`code` text NOT NULL,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`training_id`) REFERENCES `training_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `practice_sessions_code_unique` ON `practice_sessions` (`code`);--> statement-breakpoint
CREATE INDEX `practice_sessions_training` ON `practice_sessions` (`training_id`);