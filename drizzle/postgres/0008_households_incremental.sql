-- participation_households (0007): a trace added now updates its household's row in place (first and last times widened, by an upsert) instead of recomputing the row from every trace of the household: votes write one trace each, and the recomputation was most of a vote's insert (issue 15). Removed or moved traces still recompute the row (a minimum or maximum cannot be narrowed without the other traces). least/greatest ignore NULLs, as the aggregates do.
CREATE OR REPLACE FUNCTION participation_households() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.household_id IS NOT NULL THEN
			INSERT INTO participation_households AS p (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at)
			VALUES (NEW.household_id, NEW.space_residence_id, NEW.residence_id, NEW.building_id, NEW.at, NEW.at, CASE WHEN NEW.kind = 'voted' THEN NEW.at END, CASE WHEN NEW.kind = 'voted' THEN NEW.at END, CASE WHEN NEW.kind = 'proposed' THEN NEW.at END, CASE WHEN NEW.kind = 'proposed' THEN NEW.at END, CASE WHEN NEW.kind = 'volunteered' THEN NEW.at END, CASE WHEN NEW.kind = 'volunteered' THEN NEW.at END)
			ON CONFLICT (household_id, space_residence_id) DO UPDATE SET
				residence_id = greatest(p.residence_id, EXCLUDED.residence_id),
				building_id = greatest(p.building_id, EXCLUDED.building_id),
				first_at = least(p.first_at, EXCLUDED.first_at),
				last_at = greatest(p.last_at, EXCLUDED.last_at),
				voted_first_at = least(p.voted_first_at, EXCLUDED.voted_first_at),
				voted_last_at = greatest(p.voted_last_at, EXCLUDED.voted_last_at),
				proposed_first_at = least(p.proposed_first_at, EXCLUDED.proposed_first_at),
				proposed_last_at = greatest(p.proposed_last_at, EXCLUDED.proposed_last_at),
				volunteered_first_at = least(p.volunteered_first_at, EXCLUDED.volunteered_first_at),
				volunteered_last_at = greatest(p.volunteered_last_at, EXCLUDED.volunteered_last_at);
		END IF;
		RETURN NULL;
	END IF;
	DELETE FROM participation_households WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id;
	INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at) SELECT household_id, space_residence_id, max(residence_id), max(building_id), min(at), max(at), min(CASE WHEN kind = 'voted' THEN at END), max(CASE WHEN kind = 'voted' THEN at END), min(CASE WHEN kind = 'proposed' THEN at END), max(CASE WHEN kind = 'proposed' THEN at END), min(CASE WHEN kind = 'volunteered' THEN at END), max(CASE WHEN kind = 'volunteered' THEN at END) FROM participation_traces WHERE household_id = OLD.household_id AND space_residence_id = OLD.space_residence_id GROUP BY household_id, space_residence_id;
	IF TG_OP = 'UPDATE' THEN
		DELETE FROM participation_households WHERE household_id = NEW.household_id AND space_residence_id = NEW.space_residence_id;
		INSERT INTO participation_households (household_id, space_residence_id, residence_id, building_id, first_at, last_at, voted_first_at, voted_last_at, proposed_first_at, proposed_last_at, volunteered_first_at, volunteered_last_at) SELECT household_id, space_residence_id, max(residence_id), max(building_id), min(at), max(at), min(CASE WHEN kind = 'voted' THEN at END), max(CASE WHEN kind = 'voted' THEN at END), min(CASE WHEN kind = 'proposed' THEN at END), max(CASE WHEN kind = 'proposed' THEN at END), min(CASE WHEN kind = 'volunteered' THEN at END), max(CASE WHEN kind = 'volunteered' THEN at END) FROM participation_traces WHERE household_id = NEW.household_id AND space_residence_id = NEW.space_residence_id GROUP BY household_id, space_residence_id;
	END IF;
	RETURN NULL;
END $$;
