ALTER TABLE `proposal_comments` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `proposal_comments` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `proposals` ADD `withdrawn_at` integer;