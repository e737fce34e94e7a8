ALTER TABLE `bodies` ADD `practice` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `residences` ADD `practice` integer DEFAULT false NOT NULL;