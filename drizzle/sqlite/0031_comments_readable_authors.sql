DROP INDEX `proposal_comments_readable`;--> statement-breakpoint
CREATE INDEX `proposal_comments_readable` ON `proposal_comments` (`proposal_id`,`hidden_at`,`deleted_at`,`author_id`);