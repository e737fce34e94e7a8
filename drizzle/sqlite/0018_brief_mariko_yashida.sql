CREATE TABLE `consultation_proposals` (
	`consultation_id` text NOT NULL,
	`proposal_id` text NOT NULL,
	PRIMARY KEY(`consultation_id`, `proposal_id`),
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consultation_proposals_proposal` ON `consultation_proposals` (`proposal_id`);--> statement-breakpoint
ALTER TABLE `consultations` ADD `reopened_at` integer;--> statement-breakpoint
ALTER TABLE `consultations` ADD `reopened_by` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `consultations` ADD `reopen_reason` text;--> statement-breakpoint
ALTER TABLE `consultations` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `decisions` ADD `reopened_at` integer;