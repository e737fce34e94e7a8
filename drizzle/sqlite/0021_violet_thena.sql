CREATE TABLE `indicator_publications` (
	`space_type` text NOT NULL,
	`space_id` text NOT NULL,
	`indicator_id` text NOT NULL,
	`published_by` text NOT NULL,
	`published_at` integer NOT NULL,
	PRIMARY KEY(`space_type`, `space_id`, `indicator_id`),
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
