CREATE TABLE `collab_updates` (
	`doc` text NOT NULL,
	`seq` integer NOT NULL,
	`update` blob NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`doc`, `seq`)
);
