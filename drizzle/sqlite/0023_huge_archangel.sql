DROP INDEX `participations_user`;--> statement-breakpoint
CREATE INDEX `participations_user_at` ON `participations` (`user_id`,`at`,`consultation_id`);--> statement-breakpoint
CREATE INDEX `households_scope` ON `households` (`residence_id`,`building_id`,`id`);--> statement-breakpoint
CREATE INDEX `users_household` ON `users` (`household_id`,`id`);