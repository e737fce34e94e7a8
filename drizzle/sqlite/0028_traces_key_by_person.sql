-- participation_traces (issue 15): its key starts with the person, (user_id, kind, source_id), and the index on user_id alone is gone: the key finds a person's traces (participation_traces_users_update, when her household changes; every delete trigger names all three columns), and a trace written fills one index page fewer. SQLite changes a key by rebuilding the table, which drops the triggers on it: participation_households' three are created again as they were (insert as in 0026, delete and update as in 0025). The rename runs with legacy_alter_table on: the triggers of the other tables name participation_traces, which the new table becomes, and the modern rename would refuse them while the old one is gone.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_participation_traces` (
	`kind` text NOT NULL,
	`source_id` text NOT NULL,
	`user_id` text NOT NULL,
	`space_residence_id` text NOT NULL,
	`household_id` text,
	`residence_id` text,
	`building_id` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `kind`, `source_id`)
);
--> statement-breakpoint
INSERT INTO `__new_participation_traces`("kind", "source_id", "user_id", "space_residence_id", "household_id", "residence_id", "building_id", "at") SELECT "kind", "source_id", "user_id", "space_residence_id", "household_id", "residence_id", "building_id", "at" FROM `participation_traces`;--> statement-breakpoint
DROP TABLE `participation_traces`;--> statement-breakpoint
PRAGMA legacy_alter_table=ON;--> statement-breakpoint
ALTER TABLE `__new_participation_traces` RENAME TO `participation_traces`;--> statement-breakpoint
PRAGMA legacy_alter_table=OFF;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `participation_traces_household` ON `participation_traces` (`household_id`,`space_residence_id`,`kind`,`at`);--> statement-breakpoint
CREATE TRIGGER participation_households_insert AFTER INSERT ON participation_traces WHEN NEW.household_id IS NOT NULL BEGIN
	INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at)
	VALUES (NEW.household_id, NEW.space_residence_id, NEW.residence_id, NEW.building_id, NEW.at, NEW.at, CASE WHEN NEW.kind = 'voted' THEN NEW.at END, CASE WHEN NEW.kind = 'voted' THEN NEW.at END, CASE WHEN NEW.kind = 'proposed' THEN NEW.at END, CASE WHEN NEW.kind = 'proposed' THEN NEW.at END, CASE WHEN NEW.kind = 'volunteered' THEN NEW.at END, CASE WHEN NEW.kind = 'volunteered' THEN NEW.at END)
	ON CONFLICT (household_id, space_residence_id) DO UPDATE SET
		residence_id = coalesce(max(residence_id, excluded.residence_id), residence_id, excluded.residence_id),
		building_id = coalesce(max(building_id, excluded.building_id), building_id, excluded.building_id),
		first_at = min(first_at, excluded.first_at),
		last_at = max(last_at, excluded.last_at),
		voted_first_at = coalesce(min(voted_first_at, excluded.voted_first_at), voted_first_at, excluded.voted_first_at),
		voted_last_at = coalesce(max(voted_last_at, excluded.voted_last_at), voted_last_at, excluded.voted_last_at),
		proposed_first_at = coalesce(min(proposed_first_at, excluded.proposed_first_at), proposed_first_at, excluded.proposed_first_at),
		proposed_last_at = coalesce(max(proposed_last_at, excluded.proposed_last_at), proposed_last_at, excluded.proposed_last_at),
		volunteered_first_at = coalesce(min(volunteered_first_at, excluded.volunteered_first_at), volunteered_first_at, excluded.volunteered_first_at),
		volunteered_last_at = coalesce(max(volunteered_last_at, excluded.volunteered_last_at), volunteered_last_at, excluded.volunteered_last_at);
END;--> statement-breakpoint
CREATE TRIGGER participation_households_delete AFTER DELETE ON participation_traces WHEN OLD.household_id IS NOT NULL BEGIN
	DELETE FROM participation_households WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id;
	INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at) SELECT household_id, space_residence_id, max(residence_id), max(building_id), min(at), max(at), min(CASE WHEN kind = 'voted' THEN at END), max(CASE WHEN kind = 'voted' THEN at END), min(CASE WHEN kind = 'proposed' THEN at END), max(CASE WHEN kind = 'proposed' THEN at END), min(CASE WHEN kind = 'volunteered' THEN at END), max(CASE WHEN kind = 'volunteered' THEN at END) FROM participation_traces WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id GROUP BY household_id, space_residence_id;
END;--> statement-breakpoint
CREATE TRIGGER participation_households_update AFTER UPDATE ON participation_traces BEGIN
	DELETE FROM participation_households WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id;
	INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at) SELECT household_id, space_residence_id, max(residence_id), max(building_id), min(at), max(at), min(CASE WHEN kind = 'voted' THEN at END), max(CASE WHEN kind = 'voted' THEN at END), min(CASE WHEN kind = 'proposed' THEN at END), max(CASE WHEN kind = 'proposed' THEN at END), min(CASE WHEN kind = 'volunteered' THEN at END), max(CASE WHEN kind = 'volunteered' THEN at END) FROM participation_traces WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id GROUP BY household_id, space_residence_id;
	DELETE FROM participation_households WHERE household_id = NEW.household_id AND space_residence_id = NEW.space_residence_id;
	INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at) SELECT household_id, space_residence_id, max(residence_id), max(building_id), min(at), max(at), min(CASE WHEN kind = 'voted' THEN at END), max(CASE WHEN kind = 'voted' THEN at END), min(CASE WHEN kind = 'proposed' THEN at END), max(CASE WHEN kind = 'proposed' THEN at END), min(CASE WHEN kind = 'volunteered' THEN at END), max(CASE WHEN kind = 'volunteered' THEN at END) FROM participation_traces WHERE household_id = NEW.household_id AND space_residence_id = NEW.space_residence_id GROUP BY household_id, space_residence_id;
END;
