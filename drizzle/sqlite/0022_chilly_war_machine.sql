ALTER TABLE `bodies` ADD `proxies_across_colleges` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `residences` ADD `association_rights` text DEFAULT 'full' NOT NULL;